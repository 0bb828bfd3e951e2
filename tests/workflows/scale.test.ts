/**
 * Scale (issue 5, item 6): a teacher with 10,000 Progression Test results on two sites is
 * offboarded with a target, through the synthesized definition and the production batch
 * sizes (500 results a Transfer step, 25 a transaction). Prints what the run costs: state
 * transitions (Standard workflows are billed per transition), task invocations, DynamoDB
 * transactions, item writes and items read, and the wall time. Issue 11, item 3: at most
 * about 1.2 items read per result moved (each result read once from the owner index).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getUser } from '../../functions/core/data/user.js';
import { activeUser, centreWithCoordinator } from '../support/hub.js';
import {
  assertWhole,
  census,
  countItemsOf,
  type Harness,
  seedResults,
  startHarness,
  stateTransitions,
} from './harness.js';

// The values workflows/tasks/index.ts deploys.
const batchLimit = 500;
const perTransaction = 25;
const sizes = { primary: 6_000, 'lower-secondary': 4_000 } as const;
const total = sizes.primary + sizes['lower-secondary'];

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ batchLimit, perTransaction });
});
afterAll(async () => {
  await h?.stop();
});

describe('removal workflow at scale', () => {
  it(`offboards a teacher with ${total} results to another teacher`, {
    timeout: 300_000,
  }, async () => {
    const centre = await centreWithCoordinator();
    const token = centre.tokens.accessToken;
    const sites = ['primary', 'lower-secondary'];
    const [source, target] = await Promise.all([
      activeUser(centre.centreId, token, { sites }),
      activeUser(centre.centreId, token, { sites }),
    ]);
    const coordinatorId = centre.coordinator.userId as string;

    const seeding = performance.now();
    for (const site of ['primary', 'lower-secondary'] as const)
      await seedResults(h.db, {
        centreId: centre.centreId,
        site,
        ownerId: source.user.userId,
        count: sizes[site],
      });
    const seeded = performance.now() - seeding;
    const before = await census(h.db, centre.centreId, [source.user.userId, target.user.userId]);
    expect(before.results.size).toBe(total);

    const { operation } = await h.beginOffboarding({
      centreId: centre.centreId,
      userId: source.user.userId,
      toUserId: target.user.userId,
      actorId: coordinatorId,
    });
    h.resetCounter();
    const started = performance.now();
    const execution = await h.runWorkflow(operation.operationId, 240_000);
    const wall = performance.now() - started;
    expect(execution.status).toBe('SUCCEEDED');

    const { ownedBy } = await assertWhole(h.db, centre.centreId, before, [target.user.userId]);
    expect(ownedBy[target.user.userId]).toBe(total);
    expect(await h.operation(operation.operationId)).toMatchObject({
      status: 'succeeded',
      moved: total,
    });
    expect(await getUser(h.db, source.user.userId)).toBeUndefined();
    expect(await countItemsOf(h.db, source.user.userId)).toEqual([]);

    const calls = h.invocationsOf(operation.operationId);
    const { transitions, choices, tasks } = stateTransitions(h.definition, calls);
    const counter = h.counter();
    const byTask: Record<string, number> = {};
    for (const call of calls) byTask[call.event.task] = (byTask[call.event.task] ?? 0) + 1;
    const transfers = Math.ceil(total / batchLimit);
    expect(byTask.transfer).toBe(transfers);
    // Suspend, Check data, Has data?, Has a target?, (Transfer, More to move?) × 20,
    // Transfer only?, Delete, Deleted?, Succeeded, Done.
    expect(transitions).toBe(2 + 2 + 2 * transfers + 1 + 2 + 2);
    // 25 results, both counts and the target's check per transaction.
    const moveTransactions = total / perTransaction;
    console.log(
      JSON.stringify(
        {
          results: total,
          batchLimit,
          perTransaction,
          seedingMs: Math.round(seeded),
          workflowWallMs: Math.round(wall),
          stateTransitions: transitions,
          choiceStates: choices,
          taskInvocations: tasks,
          invocationsByTask: byTask,
          dynamodb: {
            transactWriteItemsCalls: counter.transactions,
            transactionsCancelled: counter.cancelled,
            moveTransactions,
            itemsInTransactions: counter.transactItems,
            itemWrites: counter.itemWrites,
            itemsRead: counter.itemsRead,
            ownerIndexItemsRead: counter.indexItemsRead,
            queries: counter.queries,
            readsPerResult: Number((counter.itemsRead / total).toFixed(3)),
            commands: counter.commands,
          },
        },
        null,
        2,
      ),
    );
    expect(counter.cancelled).toBe(0);
    expect(counter.transactions).toBeGreaterThanOrEqual(moveTransactions);
    // Each result read once from the owner index; the rest is a few items per step.
    expect(counter.indexItemsRead).toBeLessThanOrEqual(total);
    expect(counter.itemsRead / total).toBeLessThanOrEqual(1.2);
  });
});
