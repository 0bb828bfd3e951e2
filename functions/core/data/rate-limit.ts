/**
 * Attempt counters against guessing and flooding: wrong passwords and codes, and the emails
 * the hub sends on request (resets, invitations, email-change codes). Fixed windows, one
 * item per subject and window, expiring with it (TTL on `expiresAt`).
 *
 * Taking an attempt is ONE conditional UpdateItem: the count goes up only while it is under
 * the limit, so however many requests race, at most `attempts` of them are let through in a
 * window. (A read followed by a count lets every racer past the read.) Where only failures
 * count (wrong passwords), the attempt is taken first and given back when it did not fail.
 * In AWS, Cognito's own lockout and the API's throttling sit in front of this; locally this
 * is what protects.
 */
import { ConditionalCheckFailedException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ProblemError } from '../errors.js';
import { logger } from '../logger.js';
import type { Clock } from '../ports.js';
import { type Db, toAttributes } from './db.js';

export interface Limit {
  /** What is counted, e.g. `login` or `reset-request`. */
  scope: string;
  attempts: number;
  windowSeconds: number;
}

const hour = 60 * 60;
export const limits = {
  failedLogins: { scope: 'login', attempts: 10, windowSeconds: 15 * 60 },
  wrongCurrentPassword: { scope: 'current-password', attempts: 10, windowSeconds: 15 * 60 },
  /** Wrong codes while setting an authenticator app up from the profile (per user). */
  wrongAuthenticatorCodes: { scope: 'authenticator-code', attempts: 10, windowSeconds: 15 * 60 },
  passwordResetRequests: { scope: 'reset-request', attempts: 5, windowSeconds: hour },
  resetCodeAttempts: { scope: 'reset-code', attempts: 10, windowSeconds: hour },
  /** A coordinator's resets and invitations to one user (per user id): one inbox. */
  accountEmails: { scope: 'account-email', attempts: 5, windowSeconds: hour },
  /** Email-change codes sent to one address, whoever asks (per address). */
  emailChangeCodesTo: { scope: 'email-change-to', attempts: 5, windowSeconds: hour },
  /** Email-change codes one user asks for, to any addresses (per user id). */
  emailChangeRequests: { scope: 'email-change-by', attempts: 10, windowSeconds: hour },
} as const satisfies Record<string, Limit>;

function windowOf(limit: Limit, subject: string, clock: Clock) {
  const now = Math.floor(clock().getTime() / 1000);
  const start = now - (now % limit.windowSeconds);
  return {
    key: toAttributes({ PK: `RATE#${limit.scope}#${subject}#${start}`, SK: 'RATE' }),
    retryAfter: start + limit.windowSeconds - now,
    expiresAt: start + limit.windowSeconds,
  };
}

export const rateLimited = (retryAfter: number, detail = 'Too many attempts; try again later') =>
  new ProblemError('RATE_LIMITED', detail, {
    headers: { 'retry-after': String(Math.max(1, retryAfter)) },
  });

/** An attempt taken: `giveBack` returns it (best effort) when it should not count. */
export interface Taken {
  giveBack(): Promise<void>;
}

export function rateLimiter(db: Db, clock: Clock) {
  const giveBack = async (key: ReturnType<typeof windowOf>['key']) => {
    try {
      await db.client.send(
        new UpdateItemCommand({
          TableName: db.tableName,
          Key: key,
          UpdateExpression: 'ADD #count :less',
          ConditionExpression: '#count > :zero',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: toAttributes({ ':less': -1, ':zero': 0 }),
        }),
      );
    } catch (error) {
      // Already back at zero (or the window's item expired): nothing to return. Any other
      // failure leaves the attempt counted, which is the safe side.
      if (!(error instanceof ConditionalCheckFailedException))
        logger.warn('could not give a rate-limit attempt back', { error });
    }
  };

  const take = async (limit: Limit, subject: string, detail?: string): Promise<Taken> => {
    const { key, retryAfter, expiresAt } = windowOf(limit, subject, clock);
    try {
      await db.client.send(
        new UpdateItemCommand({
          TableName: db.tableName,
          Key: key,
          UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt, #type = :type',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
          ExpressionAttributeValues: toAttributes({
            ':one': 1,
            ':limit': limit.attempts,
            ':expiresAt': expiresAt,
            ':type': 'rate',
          }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw rateLimited(retryAfter, detail);
      throw error;
    }
    return { giveBack: () => giveBack(key) };
  };

  return {
    /**
     * Takes one of `subject`'s attempts in this window, or refuses with 429 RATE_LIMITED
     * (Retry-After: the seconds left in the window) when none is left. One UpdateItem.
     */
    take,

    /**
     * Runs `attempt` on one of `subject`'s attempts: refused with 429 when none is left; the
     * attempt is given back unless `attempt` fails in a way that `counts`.
     */
    async counting<T>(
      limit: Limit,
      subject: string,
      attempt: () => Promise<T>,
      counts: (error: unknown) => boolean,
    ): Promise<T> {
      const taken = await take(limit, subject);
      let result: T;
      try {
        result = await attempt();
      } catch (error) {
        if (!counts(error)) await taken.giveBack();
        throw error;
      }
      await taken.giveBack();
      return result;
    },
  };
}
export type RateLimiter = ReturnType<typeof rateLimiter>;
