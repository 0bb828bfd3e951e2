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
import {
  countChange,
  moveResultItem,
  noDataLeftItems,
  ownedResults,
  progressionDataOf,
} from '../../functions/core/data/progression.js';
import { emailKey, getUser, userKey } from '../../functions/core/data/user.js';
import { type ProgressionSite, progressionSites } from '../../functions/core/domain.js';
import { dataTransferredNotice, deletedNotice } from '../../functions/core/emails.js';
import { ProblemError } from '../../functions/core/errors.js';
import type { PictureStore } from '../../functions/core/images.js';
import { logger } from '../../functions/core/logger.js';
import { countEvent } from '../../functions/core/metrics.js';
import type { Clock, Identity, Mailer } from '../../functions/core/ports.js';
import { sendNotice } from '../../functions/core/services/notify.js';
import { transferTarget } from '../../functions/core/services/operations.js';
import { suspend } from '../../functions/core/services/suspension.js';
import { OperationRefused, TransientError } from './errors.js';

export interface StepDeps {
  db: Db;
  identity: Identity;
  mailer: Mailer;
  /** The web console's base URL, which every email links to. */
  consoleUrl: string;
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

/** Moves up to `batchLimit` results to the target, `perTransaction` at a time. */
export async function transfer(deps: StepDeps, operationId: string) {
  const { db } = deps;
  const operation = await operationOf(db, operationId);
  if (!operation.toUserId) throw new OperationRefused('No teacher to transfer the data to');
  const source = await getUser(db, operation.userId);
  if (!source) throw new OperationRefused('The user no longer exists');
  const data = await progressionDataOf(db, operation.userId);
  const target = await transferTarget(db, source, operation.toUserId, data).catch(refusedBy);

  let moved = 0;
  for (const site of progressionSites.filter((name) => data[name] > 0)) {
    const done = new Set<string>();
    let stale = 0;
    while (moved < deps.batchLimit) {
      const wanted = Math.min(deps.perTransaction, deps.batchLimit - moved);
      // The owner index is eventually consistent: skip what this step has just moved.
      const results = (await ownedResults(db, source.userId, site, wanted + done.size))
        .filter((result) => !done.has(result.resultId))
        .slice(0, wanted);
      if (!results.length) break;
      const written = await transactWrite(db, [
        ...results.map((result) => moveResultItem(db, result, source.userId, target.userId)),
        countChange(db, source.userId, site, -results.length),
        countChange(db, target.userId, site, results.length),
        targetStillFit(db, target.userId, site),
        addMovedItem(db, operationId, results.length),
      ]);
      if (!written.ok) {
        if (written.failedIndex === results.length + 2)
          throw new OperationRefused(
            'The receiving teacher lost access or was suspended during the transfer',
          );
        // A result moved by someone else meanwhile: read again (bounded).
        if (++stale > 5) throw new TransientError('Results kept changing during the transfer');
        continue;
      }
      for (const result of results) done.add(result.resultId);
      moved += results.length;
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
    ]);
    if (!written.ok) {
      if (written.failedIndex === 2 || written.failedIndex === 3) return { deleted: false };
      throw new TransientError('The user changed while being deleted');
    }
    countEvent('UsersDeleted');
    await sendNotice(
      deps.mailer,
      deletedNotice(
        deps.consoleUrl,
        user.email,
        user.name,
        await centreNameOf(db, operation.centreId),
      ),
      'deleted',
    );
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
  const ended = await endOperation(db, operation, { status, at: deps.clock().toISOString() }, [
    auditItem(db, operation.centreId, {
      at: deps.clock().toISOString(),
      actorId: operation.actorId,
      action: `operation.${operation.type}.${status}`,
      targetId: operation.userId,
      details: { operationId, moved: operation.moved },
    }),
  ]);
  if (ended && operation.toUserId && operation.moved > 0) {
    const target = await getUser(db, operation.toUserId);
    if (target)
      await sendNotice(
        deps.mailer,
        dataTransferredNotice(
          deps.consoleUrl,
          target.email,
          target.name,
          // Named from the operation: an offboarding has deleted the user by now.
          operation.userName || 'a former colleague',
          operation.moved,
        ),
        'data-transferred',
      );
  }
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
