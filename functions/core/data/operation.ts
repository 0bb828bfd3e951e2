/**
 * Operations: a removal or transfer running in the workflow, readable by the coordinator
 * while it runs. At most one operation involves a user at a time, as the user it removes or
 * transfers from or as the teacher receiving the data: a lock item beside each, taken in the
 * operation's first transaction and released in its last. So two offboardings of the same
 * user started together become one, and opposite transfers (A→B while B→A) or chains (A→B
 * while B→C) cannot move the same results back and forth: the second is refused.
 */

import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { OperationType, ProgressionSite } from '../domain.js';
import { progressionSites } from '../domain.js';
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
  /**
   * Per site, the last result id a transfer has handled, written in the same transaction as
   * the results it moved: the next batch (or a retried one) queries from there on.
   */
  transferredUpTo?: Partial<Record<ProgressionSite, string>>;
}

export const operationKey = (operationId: string) => ({
  PK: `OPERATION#${operationId}`,
  SK: 'OPERATION',
});
export const lockKey = (userId: string) => ({ PK: userKey(userId).PK, SK: 'OPERATION_LOCK' });
/**
 * A lock left by a workflow that never finished (a crash, a failure the workflow could not
 * record) stops counting after this long: the state machine's own timeout (2 hours) plus a
 * margin, so it outlives every execution that could still be running under it.
 */
export const lockSeconds = 2 * 60 * 60 + 15 * 60;
/** The users an operation locks: the user it acts on, and the teacher receiving the data. */
const lockedUsers = (operation: Pick<Operation, 'userId' | 'toUserId'>) => [
  operation.userId,
  ...(operation.toUserId ? [operation.toUserId] : []),
];
const cursorAttribute = (site: ProgressionSite) => `transferredUpTo#${site}`;

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
  transferredUpTo: Object.fromEntries(
    progressionSites
      .filter((site) => typeof item[cursorAttribute(site)] === 'string')
      .map((site) => [site, item[cursorAttribute(site)] as string]),
  ),
});

/** What the API shows of an operation. */
export const publicOperation = ({
  centreId: _c,
  actorId: _a,
  userName: _n,
  transferredUpTo: _t,
  ...rest
}: Operation) => rest;

export async function getOperation(db: Db, operationId: string): Promise<Operation | undefined> {
  const item = await getItem(db, operationKey(operationId));
  return item ? fromOperationItem(item) : undefined;
}

/**
 * Records a new running operation and takes the lock of every user it involves, in one
 * transaction with `alsoWrite` (its audit entry). When another operation still holds one
 * of those locks, answers that operation instead (and which user it holds).
 */
export async function beginOperation(
  db: Db,
  operation: Operation,
  alsoWrite: TransactWriteItem[],
  nowSeconds: number,
): Promise<
  { started: true } | { started: false; heldUserId: string; running: Operation | undefined }
> {
  const users = lockedUsers(operation);
  const items = [
    ...users.map((userId) =>
      put(
        db,
        {
          ...lockKey(userId),
          type: 'operation-lock',
          operationId: operation.operationId,
          expiresAt: nowSeconds + lockSeconds,
        },
        {
          expression: 'attribute_not_exists(PK) OR expiresAt < :now',
          values: { ':now': nowSeconds },
        },
      ),
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
  ];
  for (let attempt = 1; ; attempt++) {
    const written = await transactWrite(db, items).catch((error: unknown) => {
      // Two operations on the same users at the very same moment: DynamoDB may cancel one
      // for the other's transaction in flight. A moment later, one of them holds the locks.
      if (attempt < 4 && isTransactionConflict(error)) return undefined;
      throw error;
    });
    if (!written) {
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));
      continue;
    }
    if (written.ok) return { started: true };
    const heldUserId = users[written.failedIndex];
    if (heldUserId === undefined) throw new Error(`beginOperation: item ${written.failedIndex}`);
    const lock = await getItem(db, lockKey(heldUserId));
    return {
      started: false,
      heldUserId,
      running: lock ? await getOperation(db, lock.operationId as string) : undefined,
    };
  }
}

const isTransactionConflict = (error: unknown) =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict');

const withoutType = ({ type: _type, ...rest }: Operation) => rest;

/**
 * Transaction item: counts results moved, and records the last result id handled on the
 * site, in the same transaction that moves them, so both are exact however a step ends.
 */
export const addMovedItem = (
  db: Db,
  operationId: string,
  moved: number,
  upTo: { site: ProgressionSite; resultId: string },
): TransactWriteItem => ({
  Update: {
    TableName: db.tableName,
    Key: toAttributes(operationKey(operationId)),
    UpdateExpression: 'ADD moved :moved SET #upTo = :upTo',
    ExpressionAttributeNames: { '#upTo': cursorAttribute(upTo.site) },
    ExpressionAttributeValues: toAttributes({ ':moved': moved, ':upTo': upTo.resultId }),
  },
});

/**
 * The update that ends a running operation: its status, when, and why it failed. Only a
 * running operation ends (`#status = :running`), plus `condition` when given (a site removal
 * succeeds only once `complete`). Shared by every kind of operation.
 */
export function endOperationUpdate(
  db: Db,
  operationId: string,
  end: { status: Exclude<OperationStatus, 'running'>; error?: string; at: string },
  condition?: { expression: string; values: Record<string, unknown> },
): TransactWriteItem {
  return {
    Update: {
      TableName: db.tableName,
      Key: toAttributes(operationKey(operationId)),
      UpdateExpression: `SET #status = :status, endedAt = :at${end.error ? ', #error = :error' : ''}`,
      ConditionExpression: `#status = :running${condition ? ` AND ${condition.expression}` : ''}`,
      ExpressionAttributeNames: {
        '#status': 'status',
        ...(end.error ? { '#error': 'error' } : {}),
      },
      ExpressionAttributeValues: toAttributes({
        ':status': end.status,
        ':at': end.at,
        ':running': 'running',
        ...condition?.values,
        ...(end.error ? { ':error': end.error } : {}),
      }),
    },
  };
}

/**
 * Ends a running operation and releases its locks, with `alsoWrite` (audit). Ending
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
      endOperationUpdate(db, operation.operationId, end),
      ...lockedUsers(operation).map((userId) => ({
        Delete: {
          TableName: db.tableName,
          Key: toAttributes(lockKey(userId)),
          ConditionExpression: 'attribute_not_exists(PK) OR operationId = :operationId',
          ExpressionAttributeValues: toAttributes({ ':operationId': operation.operationId }),
        },
      })),
      ...alsoWrite,
    ]);
    return written.ok;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
