/**
 * The removal workflow's steps. Every step reads the operation from the table and is safe
 * to run again: a step that crashed half-way, or that Step Functions retries, finds the
 * work already done and does no more.
 */
import { auditItem } from '../../functions/core/data/audit.js';
import { centreNameOf } from '../../functions/core/data/centre.js';
import { type Db, deleteItem, toAttributes, transactWrite } from '../../functions/core/data/db.js';
import {
  addMovedItem,
  endOperation,
  getOperation,
  type Operation,
} from '../../functions/core/data/operation.js';
import { outboxItem } from '../../functions/core/data/outbox.js';
import {
  countChange,
  moveResultItem,
  noDataLeftItems,
  ownedResults,
  type ProgressionResult,
  progressionDataOf,
} from '../../functions/core/data/progression.js';
import { emailKey, getUser, userKey } from '../../functions/core/data/user.js';
import { searchIndexItems } from '../../functions/core/data/user-search.js';
import { type ProgressionSite, progressionSites } from '../../functions/core/domain.js';
import { ProblemError } from '../../functions/core/errors.js';
import type { PictureStore } from '../../functions/core/images.js';
import { logger } from '../../functions/core/logger.js';
import { countEvent } from '../../functions/core/metrics.js';
import type { Clock, Identity } from '../../functions/core/ports.js';
import { transferTarget } from '../../functions/core/services/operations.js';
import { suspend } from '../../functions/core/services/suspension.js';
import { OperationRefused, TransientError } from './errors.js';

export interface StepDeps {
  db: Db;
  identity: Identity;
  pictures: PictureStore;
  clock: Clock;
  /** Results one Transfer step moves at most (the state machine loops until none are left). */
  batchLimit: number;
  /** Results moved per DynamoDB transaction (each result, and both counts, move together). */
  perTransaction: number;
}

export { OperationRefused, TransientError };

async function operationOf(db: Db, operationId: string): Promise<Operation> {
  const operation = await getOperation(db, operationId);
  if (!operation) throw new OperationRefused(`No operation ${operationId}`);
  return operation;
}

const refusedBy = (error: unknown): never => {
  if (error instanceof ProblemError) throw new OperationRefused(error.message);
  throw error;
};

/** Suspend (offboarding), or make sure the user is suspended (delete). */
export async function prepare(deps: StepDeps, operationId: string) {
  const operation = await operationOf(deps.db, operationId);
  if (operation.type === 'offboarding')
    await suspend(deps, {
      centreId: operation.centreId,
      userId: operation.userId,
      actorId: operation.actorId,
    }).catch(refusedBy);
  if (operation.type === 'delete') {
    const user = await getUser(deps.db, operation.userId);
    if (user && user.status !== 'suspended')
      throw new OperationRefused('The user is not suspended');
  }
  return { type: operation.type, hasTarget: !!operation.toUserId };
}

export async function checkData(deps: StepDeps, operationId: string) {
  const operation = await operationOf(deps.db, operationId);
  const data = await progressionDataOf(deps.db, operation.userId);
  return { total: data.total };
}

/** Results read from the owner index per Query: four transactions' worth. */
const transactionsPerQuery = 4;

/**
 * Moves up to `batchLimit` results to the target, `perTransaction` at a time.
 *
 * Reads each result once: the owner index is read in id order from where the operation
 * left off (`transferredUpTo`, written in the same transaction as the results it moved, so
 * a retried or resumed step goes on exactly from there), never from the start again. Moved
 * results are behind that point, so an index that has not caught up yet shows none of them.
 * Only when the read reaches the end with results still owned on the site (recorded
 * meanwhile with an earlier id) does it go round once from the start.
 */
export async function transfer(deps: StepDeps, operationId: string) {
  const { db } = deps;
  const operation = await operationOf(db, operationId);
  if (!operation.toUserId) throw new OperationRefused('No teacher to transfer the data to');
  const source = await getUser(db, operation.userId);
  if (!source) throw new OperationRefused('The user no longer exists');
  const data = await progressionDataOf(db, operation.userId);
  const target = await transferTarget(db, source, operation.toUserId, data).catch(refusedBy);

  /** One transaction: the results, both counts, the target's check, `moved` and the cursor. */
  const move = async (results: ProgressionResult[], site: ProgressionSite, upTo: string) => {
    let pending = results;
    while (pending.length) {
      const written = await transactWrite(db, [
        ...pending.map((result) => moveResultItem(db, result, source.userId, target.userId)),
        countChange(db, source.userId, site, -pending.length),
        countChange(db, target.userId, site, pending.length),
        targetStillFit(db, target.userId, site),
        addMovedItem(db, operationId, pending.length, { site, resultId: upTo }),
      ]);
      if (written.ok) return pending.length;
      if (written.failedIndex === pending.length + 2)
        throw new OperationRefused(
          'The receiving teacher lost access or was suspended during the transfer',
        );
      // A result the source no longer owns (moved by another run of the same user, or an
      // index entry not yet caught up): leave it out, move the others. No read again.
      if (written.failedIndex >= pending.length)
        throw new TransientError('The counts changed during the transfer');
      pending = pending.filter((_, index) => index !== written.failedIndex);
    }
    return 0;
  };

  let moved = 0;
  for (const site of progressionSites.filter((name) => data[name] > 0)) {
    let after = operation.transferredUpTo?.[site];
    /** Results the source still owns on the site, as far as this step knows. */
    let left = data[site];
    let exhausted = false;
    let wentRound = false;
    while (moved < deps.batchLimit) {
      if (exhausted) {
        if (wentRound || after === undefined || left <= 0) break;
        after = undefined;
        wentRound = true;
      }
      const page = await ownedResults(
        db,
        source.userId,
        site,
        Math.min(deps.perTransaction * transactionsPerQuery, deps.batchLimit - moved),
        after,
      );
      exhausted = page.exhausted || !page.results.length;
      for (let start = 0; start < page.results.length; start += deps.perTransaction) {
        const chunk = page.results.slice(start, start + deps.perTransaction);
        const count = await move(chunk, site, (chunk.at(-1) as ProgressionResult).resultId);
        moved += count;
        left -= count;
      }
      after = page.results.at(-1)?.resultId ?? after;
    }
  }
  if (moved) {
    countEvent('ResultsTransferred', moved);
    await transactWrite(db, [
      auditItem(db, operation.centreId, {
        at: deps.clock().toISOString(),
        actorId: operation.actorId,
        action: 'data.transferred',
        targetId: operation.userId,
        details: { operationId, toUserId: target.userId, moved },
      }),
    ]);
  }
  const left = await progressionDataOf(db, operation.userId);
  // Results remain, yet none could be moved (the owner index has not caught up with a
  // result just recorded): Step Functions retries this step after a pause, not at once.
  if (!moved && left.total > 0)
    throw new TransientError('Results remain that the owner index does not show yet');
  return { moved, remaining: left.total };
}

/** The receiving teacher must still be active with access to the site, in the same transaction. */
const targetStillFit = (db: Db, userId: string, site: ProgressionSite) => ({
  ConditionCheck: {
    TableName: db.tableName,
    Key: toAttributes(userKey(userId)),
    ConditionExpression: '#status = :active AND contains(sites, :site)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: toAttributes({ ':active': 'active', ':site': site }),
  },
});

/**
 * Deletes the user, their email marker (the email may be used again), their login and
 * picture, and writes the audit entry. Re-checks, in the same transaction, that they own
 * no data: a result recorded meanwhile stops the deletion ({ deleted: false }).
 */
export async function remove(deps: StepDeps, operationId: string) {
  const { db } = deps;
  const operation = await operationOf(db, operationId);
  const user = await getUser(db, operation.userId);
  if (user) {
    if (user.status !== 'suspended') throw new OperationRefused('The user is not suspended');
    const at = deps.clock().toISOString();
    const centreName = await centreNameOf(db, operation.centreId);
    const written = await transactWrite(db, [
      {
        Delete: {
          TableName: db.tableName,
          Key: toAttributes(userKey(user.userId)),
          ConditionExpression: '#status = :suspended AND #version = :version',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: toAttributes({
            ':suspended': 'suspended',
            ':version': user.version,
          }),
        },
      },
      {
        Delete: {
          TableName: db.tableName,
          Key: toAttributes(emailKey(user.email)),
          ConditionExpression: 'attribute_not_exists(PK) OR userId = :userId',
          ExpressionAttributeValues: toAttributes({ ':userId': user.userId }),
        },
      },
      ...noDataLeftItems(db, user.userId),
      deleteItem(db, { PK: userKey(user.userId).PK, SK: 'EMAIL_CHANGE' }),
      auditItem(db, operation.centreId, {
        at,
        actorId: operation.actorId,
        action: 'user.deleted',
        targetId: user.userId,
        details: {
          operationId,
          before: { name: user.name, email: user.email, isAdmin: user.isAdmin, sites: user.sites },
        },
      }),
      ...searchIndexItems(db, user, undefined),
      outboxItem(db, {
        userId: user.userId,
        now: at,
        email: { template: 'deleted', to: user.email, name: user.name, centreName },
      }),
    ]);
    if (!written.ok) {
      if (written.failedIndex === 2 || written.failedIndex === 3) return { deleted: false };
      throw new TransientError('The user changed while being deleted');
    }
    countEvent('UsersDeleted');
  }
  // Also on a second run after a crash: both are safe to repeat.
  await deps.identity.deleteUser(operation.userId);
  await deps.pictures.delete(operation.userId);
  return { deleted: true };
}

/** Ends the operation (succeeded, or needs_transfer) and tells the receiving teacher. */
export async function finish(
  deps: StepDeps,
  operationId: string,
  status: 'succeeded' | 'needs_transfer',
) {
  const { db } = deps;
  const operation = await operationOf(db, operationId);
  const at = deps.clock().toISOString();
  const target =
    operation.toUserId && operation.moved > 0 ? await getUser(db, operation.toUserId) : undefined;
  await endOperation(db, operation, { status, at }, [
    auditItem(db, operation.centreId, {
      at,
      actorId: operation.actorId,
      action: `operation.${operation.type}.${status}`,
      targetId: operation.userId,
      details: { operationId, moved: operation.moved },
    }),
    // The receiving teacher is told, once: with the operation's end, in its transaction.
    ...(target
      ? [
          outboxItem(db, {
            userId: target.userId,
            now: at,
            email: {
              template: 'dataTransferred' as const,
              to: target.email,
              name: target.name,
              // Named from the operation: an offboarding has deleted the user by now.
              from: operation.userName || 'a former colleague',
              moved: operation.moved,
            },
          }),
        ]
      : []),
  ]);
  return { status };
}

/** Records why the operation stopped. Only refusals say why; anything else stays generic. */
export async function fail(
  deps: StepDeps,
  operationId: string,
  error: { Error?: string; Cause?: string },
) {
  const { db } = deps;
  const operation = await operationOf(db, operationId);
  let message =
    'An unexpected error stopped the operation; nothing was lost and it can be started again';
  if (error.Error === 'OperationRefused' && error.Cause)
    message = refusalOf(error.Cause) ?? message;
  else logger.error('removal workflow failed', { operationId, error: error.Error });
  await endOperation(
    db,
    operation,
    { status: 'failed', error: message, at: deps.clock().toISOString() },
    [
      auditItem(db, operation.centreId, {
        at: deps.clock().toISOString(),
        actorId: operation.actorId,
        action: `operation.${operation.type}.failed`,
        targetId: operation.userId,
        details: { operationId, error: message, moved: operation.moved },
      }),
    ],
  );
  return { status: 'failed' as const };
}

/**
 * The refusal's own words from a Catch's Cause: Lambda in AWS gives a JSON error object;
 * the local runner gives the message itself.
 */
function refusalOf(cause: string): string | undefined {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : undefined;
  } catch {
    return cause.slice(0, 300);
  }
}
