/**
 * The arrange steps the removal scenarios share, kept here so that each scenario shows only
 * what makes it its own story: who owns which results, and where the run is made to break.
 */
import type { ProgressionSite } from '../../functions/core/domain.js';
import { activeUser, centreWithCoordinator } from '../support/hub.js';
import { census, type Harness, seedResults } from './harness.js';

const bothSites = ['primary', 'lower-secondary'];

export interface TeacherRow {
  sites: string[];
  name?: string;
}

/** A centre, its coordinator, and active teachers with the given sites. */
export async function centreWithTeachers(...teachers: TeacherRow[]) {
  const centre = await centreWithCoordinator();
  const token = centre.tokens.accessToken;
  const made = await Promise.all(
    teachers.map((row) => activeUser(centre.centreId, token, { ...row })),
  );
  return {
    centreId: centre.centreId,
    token,
    coordinatorId: centre.coordinator.userId as string,
    teachers: made,
  };
}

export interface SeededCentreOptions {
  /** Both teachers are on both sites unless told otherwise. */
  source?: TeacherRow;
  target?: TeacherRow;
  /** Seeded in this order; a row is the source's unless `owner` says otherwise. */
  results: { site: ProgressionSite; count: number; owner?: 'source' | 'target' }[];
}

/**
 * A centre with a `source` teacher (the one to offboard) and a `target`, their results
 * seeded and then counted: `before` is what the scenario must still find at the end.
 * The offboarding is left to the scenario (`offboardToTarget`), for those that act first.
 */
export async function seededCentre(h: Harness, options: SeededCentreOptions) {
  const {
    centreId,
    token,
    coordinatorId,
    teachers: [source, target],
  } = await centreWithTeachers(
    options.source ?? { sites: bothSites },
    options.target ?? { sites: bothSites },
  );
  if (!source || !target) throw new Error('teachers');
  const owners = { source, target };
  for (const { owner = 'source', site, count } of options.results)
    await seedResults(h.db, { centreId, site, ownerId: owners[owner].user.userId, count });
  const before = await census(h.db, centreId, [source.user.userId, target.user.userId]);

  const offboard = (toTarget: boolean) =>
    h.beginOffboarding({
      centreId,
      userId: source.user.userId,
      ...(toTarget ? { toUserId: target.user.userId } : {}),
      actorId: coordinatorId,
    });
  return {
    centreId,
    token,
    coordinatorId,
    source,
    target,
    before,
    offboard,
    offboardToTarget: () => offboard(true),
  };
}

/**
 * A seeded centre whose coordinator has begun offboarding the source: to the target, or to
 * nobody with `toTarget: false`. The workflow is not started yet, so that the scenario can
 * set its faults up first.
 */
export async function offboardingScenario(
  h: Harness,
  options: SeededCentreOptions & { toTarget?: boolean },
) {
  const centre = await seededCentre(h, options);
  const { operation, started } = await centre.offboard(options.toTarget ?? true);
  return { ...centre, operation, started };
}

/** Where a Transfer step is when it is about to send a transaction; both count from 1. */
export interface TransactionAt {
  /** Which call of the Transfer task (a retry is a call of its own). */
  transfer: number;
  /** Which of that call's transactions. */
  transaction: number;
}

/**
 * Runs the operation's workflow with `beforeTransaction` called just before each transaction
 * a Transfer step sends, so a scenario can act, or throw to fail that transaction, in the
 * middle of a batch: between transactions is where partial moves would go unnoticed.
 * The command hook is shared by the whole harness, so it is taken off however the run ends.
 */
export async function runWithTransactionHook(
  h: Harness,
  operationId: string,
  beforeTransaction: (at: TransactionAt) => Promise<void> | void,
) {
  let inTransfer = false;
  const at: TransactionAt = { transfer: 0, transaction: 0 };
  h.intercept(operationId, async (event, run) => {
    inTransfer = event.task === 'transfer';
    if (inTransfer) {
      at.transfer++;
      at.transaction = 0;
    }
    try {
      return await run();
    } finally {
      inTransfer = false;
    }
  });
  h.onTaskCommand(async (name) => {
    if (!inTransfer || name !== 'TransactWriteItemsCommand') return;
    at.transaction++;
    await beforeTransaction({ ...at });
  });
  try {
    return await h.runWorkflow(operationId);
  } finally {
    h.onTaskCommand(undefined);
  }
}
