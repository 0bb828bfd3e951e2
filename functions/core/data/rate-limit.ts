/**
 * Attempt counters against guessing: wrong passwords, codes and reset requests per email.
 * Fixed windows, one item per subject and window, expiring with it. In AWS, Cognito's own
 * lockout and the API's throttling sit in front of this; locally this is what protects.
 */
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ProblemError } from '../errors.js';
import type { Clock } from '../ports.js';
import { type Db, fromAttributes, toAttributes } from './db.js';

export interface Limit {
  /** What is counted, e.g. `login` or `reset-request`. */
  scope: string;
  attempts: number;
  windowSeconds: number;
}

export const limits = {
  failedLogins: { scope: 'login', attempts: 10, windowSeconds: 15 * 60 },
  wrongCurrentPassword: { scope: 'current-password', attempts: 10, windowSeconds: 15 * 60 },
  passwordResetRequests: { scope: 'reset-request', attempts: 5, windowSeconds: 60 * 60 },
  resetCodeAttempts: { scope: 'reset-code', attempts: 10, windowSeconds: 60 * 60 },
} as const satisfies Record<string, Limit>;

function windowOf(limit: Limit, subject: string, clock: Clock) {
  const now = Math.floor(clock().getTime() / 1000);
  const start = now - (now % limit.windowSeconds);
  return {
    key: { PK: `RATE#${limit.scope}#${subject}#${start}`, SK: 'RATE' },
    retryAfter: start + limit.windowSeconds - now,
    expiresAt: start + limit.windowSeconds,
  };
}

const refused = (retryAfter: number) =>
  new ProblemError('RATE_LIMITED', 'Too many attempts; try again later', {
    headers: { 'retry-after': String(Math.max(1, retryAfter)) },
  });

export function rateLimiter(db: Db, clock: Clock) {
  return {
    /** Refuses with 429 once `subject` has used up its attempts in this window. */
    async check(limit: Limit, subject: string): Promise<void> {
      const { key, retryAfter } = windowOf(limit, subject, clock);
      const { Item } = await db.client.send(
        new GetItemCommand({
          TableName: db.tableName,
          Key: toAttributes(key),
          ConsistentRead: true,
        }),
      );
      const count = Item ? Number(fromAttributes(Item).count) : 0;
      if (count >= limit.attempts) throw refused(retryAfter);
    },

    /** Counts one attempt; refuses with 429 when it is one too many. */
    async hit(limit: Limit, subject: string): Promise<void> {
      const { key, retryAfter, expiresAt } = windowOf(limit, subject, clock);
      const { Attributes } = await db.client.send(
        new UpdateItemCommand({
          TableName: db.tableName,
          Key: toAttributes(key),
          UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt, #type = :type',
          ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
          ExpressionAttributeValues: toAttributes({
            ':one': 1,
            ':expiresAt': expiresAt,
            ':type': 'rate',
          }),
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const count = Attributes ? Number(fromAttributes(Attributes).count) : 1;
      if (count > limit.attempts) throw refused(retryAfter);
    },
  };
}
export type RateLimiter = ReturnType<typeof rateLimiter>;
