/**
 * Starting a removal or a transfer: the rules checked before the workflow runs, the
 * operation record the coordinator follows, and the workflow started under its id.
 */
import { auditItem } from '../data/audit.js';
import type { Db } from '../data/db.js';
import {
  beginOperation,
  endOperation,
  type Operation,
  type OperationType,
} from '../data/operation.js';
import type { ProgressionData } from '../data/progression.js';
import { getUser, type User } from '../data/user.js';
import { progressionSites } from '../domain.js';
import { ProblemError } from '../errors.js';
import { newId } from '../ids.js';
import { logger } from '../logger.js';
import type { Clock, Workflows } from '../ports.js';

export interface OperationsDeps {
  db: Db;
  workflows: Workflows;
  clock: Clock;
}

/**
 * A transfer target is an active user of the same centre, not the source, with access to
 * every site that holds the source's data. Answers the target, or INVALID_TRANSFER_TARGET.
 */
export async function transferTarget(
  db: Db,
  source: User,
  toUserId: string,
  data: ProgressionData,
) {
  const refuse = (detail: string) => new ProblemError('INVALID_TRANSFER_TARGET', detail);
  if (toUserId === source.userId) throw refuse('The data cannot be transferred to its own teacher');
  const target = await getUser(db, toUserId);
  if (!target || target.centreId !== source.centreId)
    throw refuse('No such teacher in this centre');
  if (target.status !== 'active') throw refuse('The teacher must be active to receive data');
  const missing = progressionSites.filter((site) => data[site] > 0 && !target.sites.includes(site));
  if (missing.length) throw refuse(`The teacher has no access to ${missing.join(', ')}`);
  return target;
}

export async function startOperation(
  deps: OperationsDeps,
  input: {
    centreId: string;
    user: Pick<User, 'userId' | 'name'>;
    type: OperationType;
    toUserId?: string;
    actorId: string;
  },
): Promise<Operation> {
  const now = deps.clock();
  const operation: Operation = {
    operationId: newId(now.getTime()),
    centreId: input.centreId,
    type: input.type,
    userId: input.user.userId,
    userName: input.user.name,
    ...(input.toUserId ? { toUserId: input.toUserId } : {}),
    actorId: input.actorId,
    status: 'running',
    moved: 0,
    startedAt: now.toISOString(),
  };
  const begun = await beginOperation(
    deps.db,
    operation,
    [
      auditItem(deps.db, input.centreId, {
        at: operation.startedAt,
        actorId: input.actorId,
        action: `operation.${input.type}.started`,
        targetId: input.user.userId,
        details: {
          operationId: operation.operationId,
          ...(input.toUserId ? { toUserId: input.toUserId } : {}),
        },
      }),
    ],
    Math.floor(now.getTime() / 1000),
  );
  if (!begun.started) {
    const { running, heldUserId } = begun;
    // The same request twice (a double click, two coordinators at once) is one operation.
    if (
      running &&
      running.userId === input.user.userId &&
      running.type === input.type &&
      running.toUserId === input.toUserId
    )
      return running;
    // Anything else involving either teacher waits until that operation ends: opposite
    // transfers (A→B while B→A) and chains (A→B while B→C) would otherwise move the same
    // results back and forth, and each notice would count them again.
    throw new ProblemError(
      'OPERATION_RUNNING',
      heldUserId === input.user.userId
        ? 'Another removal or transfer of this user is still running; try again when it has ended'
        : 'The receiving teacher is part of another removal or transfer still running; try again when it has ended',
      // The operation to follow (GET …/operations/{operationId}): always of the same centre.
      running ? { extensions: { operationId: running.operationId } } : {},
    );
  }
  try {
    await deps.workflows.start(operation.operationId);
  } catch (error) {
    logger.error('could not start the removal workflow', {
      operationId: operation.operationId,
      error,
    });
    await endOperation(
      deps.db,
      operation,
      {
        status: 'failed',
        error: 'The workflow could not be started',
        at: deps.clock().toISOString(),
      },
      [],
    );
    throw new ProblemError(
      'SERVICE_UNAVAILABLE',
      'The operation could not be started; try again shortly',
    );
  }
  return operation;
}
