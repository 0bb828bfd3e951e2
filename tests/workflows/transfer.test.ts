/**
 * Transfers on the synthesized workflow, with the real task handler.
 *
 * Issue 11, item 5: an operation locks both teachers until it ends; a lock left by a crash
 * stops counting after the state machine's timeout (the e2e race tests are in
 * tests/e2e/progression-transfer.test.ts).
 *
 * Issue 11, item 3: a transfer reads each result it moves once. Each Transfer step used to
 * query the owner index from its start for every transaction, asking for more each time to
 * skip what it had just moved (a growing prefix: about 105,000 items read to move 10,000).
 * It now reads on from where the operation left off, a point written in the same
 * transaction as the results moved. Run with the batch sizes workflows/tasks/index.ts
 * deploys (500 results a Transfer step, 25 a transaction), counting every item the task
 * function reads: GetItem, each BatchGetItem key, each item a Query scans.
 * The 10,000-result figure is in scale.test.ts (npm run test:scale).
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem, toAttributes, transactWrite } from '../../functions/core/data/db.js';
import { lockKey, lockSeconds } from '../../functions/core/data/operation.js';
import { recordResultItems } from '../../functions/core/data/progression.js';
import { userKey } from '../../functions/core/data/user.js';
import { newId } from '../../functions/core/ids.js';
import { emailsTo, nextEmailTo } from '../support/hub.js';
import { addLearner, assertWhole, type Harness, newResult, startHarness } from './harness.js';
import { seededCentre } from './scenarios.js';

// A fifth of the step size workflows/tasks/index.ts deploys (500), so that a transfer of a
// few hundred results takes several steps and the continuation between steps is tested at a
// size npm test can afford; the deployed sizes at 10,000 results are tests/workflows/scale.
const batchLimit = 100;
const perTransaction = 25;
/** The goal: at most about 1.2 items read per result moved, whatever the size. */
const readsPerResultGoal = 1.2;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ batchLimit, perTransaction });
});
afterAll(async () => {
  await h?.stop();
});

/** A transfer (the source stays, active) of `primary` + `lower` results, not yet started. */
async function transferScenario(primary: number, lower: number) {
  const centre = await seededCentre(h, {
    results: [
      { site: 'primary', count: primary },
      { site: 'lower-secondary', count: lower },
    ],
  });
  const { operation } = await h.beginOffboarding({
    type: 'transfer',
    centreId: centre.centreId,
    userId: centre.source.user.userId,
    toUserId: centre.target.user.userId,
    actorId: centre.coordinatorId,
  });
  return { ...centre, operation, total: primary + lower };
}

const transferCalls = (operationId: string) =>
  h.tasksOf(operationId).filter((task) => task === 'transfer').length;

function figures(total: number) {
  const counter = h.counter();
  return {
    results: total,
    itemsRead: counter.itemsRead,
    ownerIndexItemsRead: counter.indexItemsRead,
    queries: counter.queries,
    readsPerResult: Number((counter.itemsRead / total).toFixed(3)),
    transactions: counter.transactions,
    cancelled: counter.cancelled,
  };
}

describe('a transfer reads each result once', () => {
  it(`moves 120 results in two Transfer steps with at most ${readsPerResultGoal} items read per result`, async () => {
    const { centreId, source, target, before, operation, total } = await transferScenario(70, 50);
    const seen = (await emailsTo(target.user.email)).length;
    h.resetCounter();

    const execution = await h.runWorkflow(operation.operationId);

    expect(execution.status).toBe('SUCCEEDED');
    // The second step goes on in the middle of lower-secondary, where the first stopped.
    expect(transferCalls(operation.operationId)).toBe(2);
    const { ownedBy } = await assertWhole(h.db, centreId, before, [
      source.user.userId,
      target.user.userId,
    ]);
    expect(ownedBy[target.user.userId]).toBe(total);
    expect(await h.operation(operation.operationId)).toMatchObject({
      status: 'succeeded',
      moved: total,
    });
    const notice = await nextEmailTo(target.user.email, seen);
    expect(notice.text).toContain(`${total} Progression Test results`);

    const measured = figures(total);
    console.log('[transfer reads, 120 results]', JSON.stringify(measured));
    // No result read twice from the owner index; everything else is a few items per step.
    expect(measured.ownerIndexItemsRead).toBeLessThanOrEqual(total);
    expect(measured.readsPerResult).toBeLessThanOrEqual(readsPerResultGoal);
    expect(measured.cancelled).toBe(0);
  });

  it('with an owner index that lags behind the moves (as a GSI may), still reads each result once and no transaction fails', async () => {
    const { centreId, source, target, before, operation, total } = await transferScenario(130, 40);
    h.lagOwnerIndex(5_000);
    h.resetCounter();
    try {
      const execution = await h.runWorkflow(operation.operationId);
      expect(execution.status).toBe('SUCCEEDED');
    } finally {
      h.lagOwnerIndex(0);
    }

    const { ownedBy } = await assertWhole(h.db, centreId, before, [
      source.user.userId,
      target.user.userId,
    ]);
    expect(ownedBy[target.user.userId]).toBe(total);
    expect((await h.operation(operation.operationId)).moved).toBe(total);
    const measured = figures(total);
    console.log('[transfer reads, lagging index]', JSON.stringify(measured));
    // Moved results are behind the point the transfer reads on from: never shown again.
    expect(measured.cancelled).toBe(0);
    expect(measured.ownerIndexItemsRead).toBeLessThanOrEqual(total);
  });

  it('a step retried after a failure mid-batch goes on from the last transaction that moved, reading nothing moved again', async () => {
    const { centreId, source, target, before, operation, total } = await transferScenario(150, 0);
    h.lagOwnerIndex(5_000);
    h.resetCounter();
    let transactions = 0;
    h.onTaskCommand((name) => {
      // The third transaction of the run: DynamoDB throttles it; Step Functions retries.
      if (name === 'TransactWriteItemsCommand' && ++transactions === 3) {
        const error = new Error('Rate exceeded (injected)');
        error.name = 'ThrottlingException';
        throw error;
      }
    });
    try {
      expect((await h.runWorkflow(operation.operationId)).status).toBe('SUCCEEDED');
    } finally {
      h.onTaskCommand(undefined);
      h.lagOwnerIndex(0);
    }

    expect(transferCalls(operation.operationId)).toBe(2);
    const { ownedBy } = await assertWhole(h.db, centreId, before, [
      source.user.userId,
      target.user.userId,
    ]);
    expect(ownedBy[target.user.userId]).toBe(total);
    expect((await h.operation(operation.operationId)).moved).toBe(total);
    const measured = figures(total);
    console.log('[transfer reads, retried step]', JSON.stringify(measured));
    expect(measured.cancelled).toBe(0);
    // The retry reads again only the part of the first page not moved before the failure.
    const firstPage = 4 * perTransaction;
    expect(measured.ownerIndexItemsRead).toBeLessThanOrEqual(
      total + firstPage - 2 * perTransaction,
    );
  });

  it('moves a result recorded during the transfer with an id before where it has read to', async () => {
    const { centreId, source, target, before, operation, total } = await transferScenario(120, 0);
    // The source records a result in the middle of the transfer, with an id from an hour
    // ago (ids sort by time; another machine's clock may be behind).
    const learnerId = await addLearner(h.db, centreId, 'primary');
    const late = {
      ...newResult(centreId, 'primary', source.user.userId, learnerId),
      resultId: newId(Date.now() - 3_600_000),
    };
    let transactions = 0;
    h.onTaskCommand(async (name) => {
      if (name === 'TransactWriteItemsCommand' && ++transactions === 2) {
        const recorded = await transactWrite(h.db, recordResultItems(h.db, late));
        expect(recorded.ok).toBe(true);
      }
    });
    try {
      expect((await h.runWorkflow(operation.operationId)).status).toBe('SUCCEEDED');
    } finally {
      h.onTaskCommand(undefined);
    }

    const { after, ownedBy } = await assertWhole(
      h.db,
      centreId,
      before,
      [source.user.userId, target.user.userId],
      [late.resultId],
    );
    expect(after.results.get(late.resultId)?.ownerId).toBe(target.user.userId);
    expect(ownedBy[target.user.userId]).toBe(total + 1);
    expect(await h.operation(operation.operationId)).toMatchObject({
      status: 'succeeded',
      moved: total + 1,
    });
  });
});

describe('the locks of a transfer', () => {
  const lockOf = (userId: string) => getItem(h.db, lockKey(userId));

  it('holds both teachers while it runs; a lock left by a crashed operation stops counting after the state machine timeout', async () => {
    const { centreId, coordinatorId, source, target, before } = await seededCentre(h, {
      results: [
        { site: 'primary', count: 9 },
        { site: 'primary', count: 4, owner: 'target' },
      ],
    });
    // An operation begun whose workflow never ran (its Lambda crashed, say): it holds both.
    const crashed = await h.beginOffboarding({
      type: 'transfer',
      centreId,
      userId: source.user.userId,
      toUserId: target.user.userId,
      actorId: coordinatorId,
    });
    const opposite = () =>
      h.beginOffboarding({
        type: 'transfer',
        centreId,
        userId: target.user.userId,
        toUserId: source.user.userId,
        actorId: coordinatorId,
      });
    await expect(opposite()).rejects.toMatchObject({
      code: 'OPERATION_RUNNING',
      extensions: { operationId: crashed.operation.operationId },
    });
    for (const userId of [source.user.userId, target.user.userId])
      expect(await lockOf(userId)).toMatchObject({
        operationId: crashed.operation.operationId,
      });

    // The lock outlives any execution (the state machine stops it at its timeout)…
    const timeout = (h.definition as { TimeoutSeconds?: number }).TimeoutSeconds ?? 0;
    expect(timeout).toBeGreaterThan(0);
    expect(lockSeconds).toBeGreaterThan(timeout);
    // …and once that long has passed, it no longer stops anyone.
    const now = Math.floor(Date.now() / 1000);
    for (const userId of [source.user.userId, target.user.userId])
      await h.db.client.send(
        new UpdateItemCommand({
          TableName: h.db.tableName,
          Key: toAttributes(lockKey(userId)),
          UpdateExpression: 'SET expiresAt = :past',
          ExpressionAttributeValues: toAttributes({ ':past': now - 1 }),
        }),
      );
    const { operation } = await opposite();
    expect(operation.operationId).not.toBe(crashed.operation.operationId);
    expect((await h.runWorkflow(operation.operationId)).status).toBe('SUCCEEDED');
    const { ownedBy } = await assertWhole(h.db, centreId, before, [
      source.user.userId,
      target.user.userId,
    ]);
    expect(ownedBy[source.user.userId]).toBe(13);
    expect((await h.operation(operation.operationId)).moved).toBe(4);
    // Ended: both released.
    expect(await lockOf(source.user.userId)).toBeUndefined();
    expect(await lockOf(target.user.userId)).toBeUndefined();
  });

  it('a transfer refused part-way releases both teachers: each can be part of another operation at once', async () => {
    const { centreId, coordinatorId, source, target, before, operation } = await transferScenario(
      30,
      0,
    );
    let transactions = 0;
    h.onTaskCommand(async (name) => {
      // Before the second transaction, the receiving teacher is suspended.
      if (name === 'TransactWriteItemsCommand' && ++transactions === 2)
        await h.db.client.send(
          new UpdateItemCommand({
            TableName: h.db.tableName,
            Key: toAttributes(userKey(target.user.userId)),
            UpdateExpression: 'SET #status = :suspended',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: toAttributes({ ':suspended': 'suspended' }),
          }),
        );
    });
    try {
      // A refusal (the receiving teacher was suspended): the operation fails, the
      // execution does not (it pages nobody).
      expect((await h.runWorkflow(operation.operationId)).status).toBe('SUCCEEDED');
    } finally {
      h.onTaskCommand(undefined);
    }
    expect(await h.operation(operation.operationId)).toMatchObject({
      status: 'failed',
      moved: perTransaction,
    });
    await assertWhole(h.db, centreId, before, [source.user.userId, target.user.userId]);
    expect(await lockOf(source.user.userId)).toBeUndefined();
    expect(await lockOf(target.user.userId)).toBeUndefined();

    // The suspended teacher can be deleted now: no lock of the failed transfer stops it.
    const deletion = await h.beginOffboarding({
      type: 'delete',
      centreId,
      userId: target.user.userId,
      actorId: coordinatorId,
    });
    expect(deletion.started).toEqual([deletion.operation.operationId]);
  });
});
