/**
 * Operations: a removal or transfer running in the workflow, readable by the coordinator
 * while it runs. At most one operation runs per user at a time (a lock item beside the
 * user), so two offboardings of the same user started together become one.
 */

import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { OperationType } from '../domain.js';
import { type Db, getItem, type Item, put, toAttributes, transactWrite } from './db.js';
import { userKey } from './user.js';

export { type OperationType, operationTypes } from '../domain.js';
export type OperationStatus = 'running' | 'succeeded' | 'needs_transfer' | 'failed';

export interface Operation {
  operationId: string;
  centreId: string;
  type: OperationType;
  userId: string;
  /** The user's name when the operation began: notices name them after their deletion. */
  userName: string;
  toUserId?: string;
  actorId: string;
  status: OperationStatus;
  moved: number;
  error?: string;
  startedAt: string;
  endedAt?: string;
}

export const operationKey = (operationId: string) => ({
  PK: `OPERATION#${operationId}`,
  SK: 'OPERATION',
});
const lockKey = (userId: string) => ({ PK: userKey(userId).PK, SK: 'OPERATION_LOCK' });
/** A lock left by a workflow that never finished stops counting after this long. */
const lockSeconds = 2 * 60 * 60;

export const fromOperationItem = (item: Item): Operation => ({
  operationId: item.operationId as string,
  centreId: item.centreId as string,
  type: item.operationType as OperationType,
  userId: item.userId as string,
  userName: (item.userName as string) ?? '',
  ...(item.toUserId ? { toUserId: item.toUserId as string } : {}),
  actorId: item.actorId as string,
  status: item.status as OperationStatus,
  moved: Number(item.moved ?? 0),
  ...(item.error ? { error: item.error as string } : {}),
  startedAt: item.startedAt as string,
  ...(item.endedAt ? { endedAt: item.endedAt as string } : {}),
});

/** What the API shows of an operation. */
export const publicOperation = ({ centreId: _c, actorId: _a, userName: _n, ...rest }: Operation) =>
  rest;

export async function getOperation(db: Db, operationId: string): Promise<Operation | undefined> {
  const item = await getItem(db, operationKey(operationId));
  return item ? fromOperationItem(item) : undefined;
}

/**
 * Records a new running operation and takes the user's lock, in one transaction with
 * `alsoWrite` (its audit entry). Answers the operation that holds the lock instead, when
 * another one is still running for the user.
 */
export async function beginOperation(
  db: Db,
  operation: Operation,
  alsoWrite: TransactWriteItem[],
  nowSeconds: number,
): Promise<{ started: true } | { started: false; running: Operation | undefined }> {
  const written = await transactWrite(db, [
    put(
      db,
      {
        ...lockKey(operation.userId),
        type: 'operation-lock',
        operationId: operation.operationId,
        expiresAt: nowSeconds + lockSeconds,
      },
      {
        expression: 'attribute_not_exists(PK) OR expiresAt < :now',
        values: { ':now': nowSeconds },
      },
    ),
    put(
      db,
      {
        ...operationKey(operation.operationId),
        type: 'operation',
        operationType: operation.type,
        ...withoutType(operation),
      },
      {
        expression: 'attribute_not_exists(PK)',
      },
    ),
    ...alsoWrite,
  ]);
  if (written.ok) return { started: true };
  const lock = await getItem(db, lockKey(operation.userId));
  return {
    started: false,
    running: lock ? await getOperation(db, lock.operationId as string) : undefined,
  };
}

const withoutType = ({ type: _type, ...rest }: Operation) => rest;

/**
 * Transaction item: counts results moved, in the same transaction that moves them, so the
 * count is exact however a step ends.
 */
export const addMovedItem = (db: Db, operationId: string, moved: number): TransactWriteItem => ({
  Update: {
    TableName: db.tableName,
    Key: toAttributes(operationKey(operationId)),
    UpdateExpression: 'ADD moved :moved',
    ExpressionAttributeValues: toAttributes({ ':moved': moved }),
  },
});

/**
 * Ends a running operation and releases the user's lock, with `alsoWrite` (audit). Ending
 * an operation that has already ended changes nothing (a task run twice).
 */
export async function endOperation(
  db: Db,
  operation: Operation,
  end: { status: Exclude<OperationStatus, 'running'>; error?: string; at: string },
  alsoWrite: TransactWriteItem[],
): Promise<boolean> {
  try {
    const written = await transactWrite(db, [
      {
        Update: {
          TableName: db.tableName,
          Key: toAttributes(operationKey(operation.operationId)),
          UpdateExpression: `SET #status = :status, endedAt = :at${end.error ? ', #error = :error' : ''}`,
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: {
            '#status': 'status',
            ...(end.error ? { '#error': 'error' } : {}),
          },
          ExpressionAttributeValues: toAttributes({
            ':status': end.status,
            ':at': end.at,
            ':running': 'running',
            ...(end.error ? { ':error': end.error } : {}),
          }),
        },
      },
      {
        Delete: {
          TableName: db.tableName,
          Key: toAttributes(lockKey(operation.userId)),
          ConditionExpression: 'attribute_not_exists(PK) OR operationId = :operationId',
          ExpressionAttributeValues: toAttributes({ ':operationId': operation.operationId }),
        },
      },
      ...alsoWrite,
    ]);
    return written.ok;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
