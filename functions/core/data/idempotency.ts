/**
 * Idempotency records: a POST with an Idempotency-Key claims the key, and the reply it
 * produced is kept for 24 hours so a retry with the same key and body gets the same answer.
 * A claim that never completes (the function was killed by its timeout mid-request) holds the
 * key only for a short lease, so the client's retry is served instead of being refused for a
 * day.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ProblemError } from '../errors.js';
import type { IdempotencyStore, Reply } from '../http.js';
import type { Clock } from '../ports.js';
import { type Db, fromAttributes, getItem, toAttributes } from './db.js';

const keepSeconds = 24 * 60 * 60;
/**
 * How long an unfinished claim holds its key: longer than any API function may run (10 s, and
 * API Gateway gives up after 30 s), so a claim still running is never taken over.
 */
export const claimLeaseSeconds = 60;
const idempotencyKey = (scope: string, key: string) => ({
  PK: `IDEMPOTENCY#${scope}#${key}`,
  SK: 'IDEMPOTENCY',
});

export function idempotencyStore(db: Db, clock: Clock): IdempotencyStore {
  const nowSeconds = () => Math.floor(clock().getTime() / 1000);
  return {
    async begin(scope, key, fingerprint) {
      const itemKey = idempotencyKey(scope, key);
      try {
        await db.client.send(
          new PutItemCommand({
            TableName: db.tableName,
            Item: toAttributes({
              ...itemKey,
              type: 'idempotency',
              state: 'in_progress',
              fingerprint,
              expiresAt: nowSeconds() + claimLeaseSeconds,
            }),
            // DynamoDB Local never expires items by TTL, so an expired record counts as absent.
            ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
            ExpressionAttributeValues: toAttributes({ ':now': nowSeconds() }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'claimed';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const earlier = error.Item ? fromAttributes(error.Item) : await getItem(db, itemKey);
        if (!earlier || earlier.fingerprint !== fingerprint)
          throw new ProblemError(
            'IDEMPOTENCY_CONFLICT',
            'That Idempotency-Key was already used with a different request',
          );
        if (earlier.state !== 'complete')
          throw new ProblemError(
            'IDEMPOTENCY_CONFLICT',
            'A request with that Idempotency-Key is still in progress; retry shortly',
            { headers: { 'retry-after': '2' } },
          );
        return earlier.reply as Reply;
      }
    },

    async complete(scope, key, reply) {
      await db.client.send(
        new UpdateItemCommand({
          TableName: db.tableName,
          Key: toAttributes(idempotencyKey(scope, key)),
          UpdateExpression: 'SET #state = :complete, reply = :reply, expiresAt = :keep',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: toAttributes({
            ':complete': 'complete',
            ':reply': reply,
            ':keep': nowSeconds() + keepSeconds,
          }),
        }),
      );
    },

    async release(scope, key) {
      await db.client.send(
        new DeleteItemCommand({
          TableName: db.tableName,
          Key: toAttributes(idempotencyKey(scope, key)),
        }),
      );
    },
  };
}
