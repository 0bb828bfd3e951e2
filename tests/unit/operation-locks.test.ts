/**
 * Issue 11, item 5: beginOperation takes the lock of every user an operation involves (the
 * user acted on and the teacher receiving the data) in the transaction that records it.
 * Two operations on the same teachers at the very same moment may make DynamoDB cancel one
 * transaction for the other (TransactionConflict, not a failed condition): that is retried,
 * so the loser then meets the winner's lock and is refused (409), never a 500.
 */
import {
  DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { beginOperation, lockKey, type Operation } from '../../functions/core/data/operation.js';

const dynamo = mockClient(DynamoDBClient);
const db = { client: new DynamoDBClient({ region: 'eu-west-2' }), tableName: 'hub' };
afterEach(() => dynamo.reset());

const operation: Operation = {
  operationId: 'op-2',
  centreId: 'GB001',
  type: 'transfer',
  userId: 't3',
  userName: 'Emmy Noether',
  toUserId: 't2',
  actorId: 'coordinator',
  status: 'running',
  moved: 0,
  startedAt: '2026-12-01T00:00:00.000Z',
};

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('beginOperation', () => {
  it("locks the user and the receiving teacher, each only if free or expired, with the operation's record", async () => {
    dynamo.on(TransactWriteItemsCommand).resolves({});

    expect(await beginOperation(db, operation, [], 1_000)).toEqual({ started: true });

    const items = dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems;
    const locks = (items ?? []).slice(0, 2).map((item) => item.Put);
    expect(locks.map((put) => put?.Item?.PK?.S)).toEqual(['USER#t3', 'USER#t2']);
    for (const put of locks) {
      expect(put?.Item?.SK?.S).toBe('OPERATION_LOCK');
      expect(put?.ConditionExpression).toBe('attribute_not_exists(PK) OR expiresAt < :now');
    }
  });

  it('retries a transaction cancelled for a conflict, then answers the operation holding the lock', async () => {
    const winner = { ...operation, operationId: 'op-1', userId: 't2', toUserId: 't3' };
    dynamo
      .on(TransactWriteItemsCommand)
      .rejectsOnce(cancelled(['TransactionConflict', 'None', 'None']))
      .rejects(cancelled(['ConditionalCheckFailed', 'None', 'None']));
    dynamo
      .on(GetItemCommand, { Key: marshall(lockKey('t3')) })
      .resolves({ Item: marshall({ ...lockKey('t3'), operationId: 'op-1', expiresAt: 9_999 }) });
    dynamo
      .on(GetItemCommand, { Key: marshall({ PK: 'OPERATION#op-1', SK: 'OPERATION' }) })
      .resolves({
        Item: marshall({
          PK: 'OPERATION#op-1',
          SK: 'OPERATION',
          operationType: winner.type,
          ...winner,
        }),
      });

    const begun = await beginOperation(db, operation, [], 1_000);

    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(2);
    expect(begun).toMatchObject({
      started: false,
      heldUserId: 't3',
      running: { operationId: 'op-1', userId: 't2', toUserId: 't3' },
    });
  });
});
