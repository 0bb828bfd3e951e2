/**
 * The removal workflow (issue 5, items 2 and 5) run from the definition CDK synthesizes, on
 * a local Step Functions endpoint, with the real task handler over the local emulators.
 * After every scenario the centre's results are counted before and after: none lost, none
 * duplicated, each owned by exactly one teacher, every per-owner count exact.
 */
import { QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem, toAttributes } from '../../functions/core/data/db.js';
import { emailKey, getUser, userKey } from '../../functions/core/data/user.js';
import { TransientError } from '../../workflows/tasks/steps.js';
import { addUsers, api, emailsTo, putPicture, tryLogin } from '../support/hub.js';
import { png } from '../support/images.js';
import {
  assertWhole,
  auditEntries,
  Crash,
  census,
  countItemsOf,
  type Harness,
  newResult,
  recordResultBypassingOwnerCheck,
  removalTasksId,
  seedResults,
  startHarness,
  stateTransitions,
} from './harness.js';
import {
  centreWithTeachers,
  offboardingScenario,
  runWithTransactionHook,
  seededCentre,
} from './scenarios.js';

// Small batches, so a few dozen results make several Transfer steps of several transactions.
const batchLimit = 10;
const perTransaction = 4;
const bothSites = ['primary', 'lower-secondary'];
const genericFailure =
  'An unexpected error stopped the operation; nothing was lost and it can be started again';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ batchLimit, perTransaction });
});
afterAll(async () => {
  await h?.stop();
});

const transferCalls = (operationId: string) =>
  h.invocationsOf(operationId).filter((call) => call.event.task === 'transfer');

async function expectDeleted(
  user: { userId: string; email: string },
  centreId: string,
  token: string,
) {
  expect(await getUser(h.db, user.userId)).toBeUndefined();
  expect((await api('GET', `/centres/${centreId}/users/${user.userId}`, { token })).status).toBe(
    404,
  );
  expect(await getItem(h.db, emailKey(user.email)), 'email marker').toBeUndefined();
  expect(await countItemsOf(h.db, user.userId), 'count items').toEqual([]);
  const index = await h.db.client.send(
    new QueryCommand({
      TableName: h.db.tableName,
      KeyConditionExpression: 'PK = :user AND begins_with(SK, :search)',
      ExpressionAttributeValues: toAttributes({
        ':user': userKey(user.userId).PK,
        ':search': 'SEARCH#',
      }),
    }),
  );
  expect(index.Items, 'word index items').toEqual([]);
  expect(await h.identity.findUser(user.email), 'Cognito login').toBeUndefined();
  expect(await h.pictures.get(user.userId), 'picture').toBeUndefined();
}

describe('removal workflow on the synthesized definition', () => {
  it('runs the synthesized definition, whose tasks are the RemovalTasks function', async () => {
    const states = (h.definition as { States: Record<string, { Type: string; Resource?: string }> })
      .States;
    const tasks = Object.values(states).filter((state) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(6);
    for (const task of tasks)
      expect(task.Resource).toMatch(
        new RegExp(`^arn:aws:lambda:eu-west-2:000000000000:function:${removalTasksId}`),
      );
  });

  it('1. offboarding with a target: suspends, moves every result, deletes the user, tells the receiver', async () => {
    const { centreId, token, source, target, before, offboardToTarget } = await seededCentre(h, {
      source: { sites: bothSites, name: 'Sophie Source' },
      target: { sites: bothSites, name: 'Tariq Target' },
      results: [
        { site: 'primary', count: 23 },
        { site: 'lower-secondary', count: 14 },
        { owner: 'target', site: 'primary', count: 3 },
      ],
    });
    expect(before.results.size).toBe(40);
    const picture = await putPicture(
      source.tokens.accessToken,
      png({ width: 2, height: 2 }),
      'image/png',
    );
    expect(picture.status).toBe(200);
    expect(await h.pictures.get(source.user.userId)).toBeDefined();

    const { operation, started } = await offboardToTarget();
    expect(started).toEqual([operation.operationId]);
    const statusDuringTransfer: (string | undefined)[] = [];
    h.intercept(operation.operationId, async (event, run) => {
      if (event.task === 'transfer')
        statusDuringTransfer.push((await getUser(h.db, source.user.userId))?.status);
      return run();
    });
    const execution = await h.runWorkflow(operation.operationId);
    expect(execution.status).toBe('SUCCEEDED');

    const { ownedBy } = await assertWhole(h.db, centreId, before, [target.user.userId]);
    expect(ownedBy[target.user.userId]).toBe(40);
    expect(ownedBy[source.user.userId]).toBe(0);
    expect(statusDuringTransfer).toEqual(['suspended', 'suspended', 'suspended', 'suspended']);
    expect(h.tasksOf(operation.operationId)).toEqual([
      'prepare',
      'checkData',
      'transfer',
      'transfer',
      'transfer',
      'transfer',
      'delete',
      'finish',
    ]);
    expect(await h.operation(operation.operationId)).toMatchObject({
      status: 'succeeded',
      moved: 37,
      endedAt: expect.any(String),
    });
    expect((await h.operation(operation.operationId)).error).toBeUndefined();
    await expectDeleted(source.user, centreId, token);
    expect((await tryLogin(source.user.email, source.password)).status).toBe(401);

    // Every step in the centre's audit log, each naming the operation where it can.
    const audit = (await auditEntries(h.db, centreId)).filter(
      (entry) => entry.targetId === source.user.userId,
    );
    const actions = audit.map((entry) => entry.action);
    for (const action of [
      'operation.offboarding.started',
      'user.suspended',
      'data.transferred',
      'user.deleted',
      'operation.offboarding.succeeded',
    ])
      expect(actions, action).toContain(action);
    const transferred = audit.filter((entry) => entry.action === 'data.transferred');
    expect(transferred.reduce((sum, entry) => sum + Number(entry.details.moved), 0)).toBe(37);
    const ofOperation = ['operation.', 'data.transferred', 'user.deleted'];
    for (const entry of audit.filter((entry) =>
      ofOperation.some((prefix) => entry.action.startsWith(prefix)),
    ))
      expect(entry.details.operationId, entry.action).toBe(operation.operationId);

    // The receiving teacher is told what was transferred; the deleted teacher is told too.
    const received = await transferNotices(target.user.email);
    expect(received).toHaveLength(1);
    expect(received[0]?.text).toContain('37 Progression Test results of Sophie Source');
    const toSource = (await emailsTo(source.user.email)).map((email) => email.subject);
    expect(toSource.some((subject) => /deleted/i.test(subject))).toBe(true);

    // The email is free again.
    const again = await addUsers(centreId, token, [
      { name: 'Ada Again', email: source.user.email },
    ]);
    expect(again.status).toBe(200);
    expect(again.json.results[0].status).toBe('created');

    const { transitions } = stateTransitions(h.definition, h.invocationsOf(operation.operationId));
    expect(transitions).toBe(8 + 4 + 4 + 1); // tasks + Has data?/Has a target?/4 More?/Transfer only?/Deleted? + Done
  });

  it('2. no data, no target: deleted, succeeded, moved 0', async () => {
    // The other teacher keeps their results; nobody receives any.
    const {
      centreId,
      token,
      source,
      target: other,
      before,
      operation,
    } = await offboardingScenario(h, {
      target: { sites: ['primary'] },
      results: [{ owner: 'target', site: 'primary', count: 5 }],
      toTarget: false,
    });
    expect((await h.runWorkflow(operation.operationId)).status).toBe('SUCCEEDED');

    const { ownedBy } = await assertWhole(h.db, centreId, before, [other.user.userId]);
    expect(ownedBy[other.user.userId]).toBe(5);
    expect(h.tasksOf(operation.operationId)).toEqual(['prepare', 'checkData', 'delete', 'finish']);
    expect(await h.operation(operation.operationId)).toMatchObject({
      status: 'succeeded',
      moved: 0,
    });
    await expectDeleted(source.user, centreId, token);
  });

  it('3. data without a target: needs_transfer, user left suspended, results untouched', async () => {
    const { centreId, source, target, before, operation, offboardToTarget } =
      await offboardingScenario(h, {
        results: [
          { site: 'primary', count: 7 },
          { site: 'lower-secondary', count: 5 },
        ],
        toTarget: false,
      });
    expect((await h.runWorkflow(operation.operationId)).status).toBe('SUCCEEDED');

    const { after, ownedBy } = await assertWhole(h.db, centreId, before, [source.user.userId]);
    expect(ownedBy[source.user.userId]).toBe(12);
    for (const [id, result] of before.results) expect(after.results.get(id)).toEqual(result);
    expect(h.tasksOf(operation.operationId)).toEqual(['prepare', 'checkData', 'finish']);
    expect(await h.operation(operation.operationId)).toMatchObject({
      status: 'needs_transfer',
      moved: 0,
    });
    const user = await getUser(h.db, source.user.userId);
    expect(user?.status).toBe('suspended');
    expect(await getItem(h.db, emailKey(source.user.email))).toBeDefined();
    // The lock is released: the coordinator can now offboard with a target.
    const next = await offboardToTarget();
    expect(next.operation.operationId).not.toBe(operation.operationId);
    expect(next.started).toEqual([next.operation.operationId]);
    expect((await h.runWorkflow(next.operation.operationId)).status).toBe('SUCCEEDED');
    const done = await assertWhole(h.db, centreId, before, [target.user.userId]);
    expect(done.ownedBy[target.user.userId]).toBe(12);
    expect(await h.operation(next.operation.operationId)).toMatchObject({
      status: 'succeeded',
      moved: 12,
    });
  });

  it('4. a target that loses site access between batches: the operation fails with a clear error, the execution succeeds (a refusal pages nobody), nothing lost', async () => {
    const { centreId, token, source, target, before, operation } = await offboardingScenario(h, {
      results: [{ site: 'primary', count: 30 }],
    });
    let transfers = 0;
    h.intercept(operation.operationId, async (event, run) => {
      const result = await run();
      if (event.task === 'transfer' && ++transfers === 1) {
        const patched = await api('PATCH', `/centres/${centreId}/users/${target.user.userId}`, {
          token,
          body: { sites: ['lower-secondary'] },
        });
        expect(patched.status).toBe(200);
      }
      return result;
    });
    const execution = await h.runWorkflow(operation.operationId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      error: { Error: 'OperationRefused' },
      failure: { status: 'failed' },
    });

    const { ownedBy } = await assertWhole(h.db, centreId, before, [
      source.user.userId,
      target.user.userId,
    ]);
    expect(ownedBy[target.user.userId]).toBe(10);
    expect(ownedBy[source.user.userId]).toBe(20);
    const ended = await h.operation(operation.operationId);
    expect(ended).toMatchObject({ status: 'failed', moved: 10, endedAt: expect.any(String) });
    // The refusal reached the failure step with its reason…
    const failCall = h.invocationsOf(operation.operationId).at(-1)?.event as any;
    expect(failCall?.error?.Error).toBe('OperationRefused');
    expect(failCall?.error?.Cause).toMatch(/no access to primary/i);
    // …and the coordinator reads it on the operation.
    expect.soft(ended.error, 'operation error').toMatch(/no access to primary/i);
    expect((await getUser(h.db, source.user.userId))?.status).toBe('suspended');
    expect(h.tasksOf(operation.operationId).slice(-1)).toEqual(['fail']);
    const audit = await auditEntries(h.db, centreId);
    expect(
      audit.find(
        (entry) =>
          entry.action === 'operation.offboarding.failed' &&
          entry.details.operationId === operation.operationId,
      )?.details.error,
    ).toBe(ended.error);
  });

  it('4b. a target that loses site access inside a batch: the transaction refuses, the operation fails (the execution succeeds), moved is what moved', async () => {
    const { centreId, source, target, before, operation } = await offboardingScenario(h, {
      results: [{ site: 'primary', count: 30 }],
    });
    const execution = await runWithTransactionHook(
      h,
      operation.operationId,
      async ({ transfer, transaction }) => {
        // Just before the second transaction of the first batch: the site is taken away.
        if (transfer !== 1 || transaction !== 2) return;
        await h.db.client.send(
          new UpdateItemCommand({
            TableName: h.db.tableName,
            Key: toAttributes(userKey(target.user.userId)),
            UpdateExpression: 'SET sites = :sites ADD version :one',
            ExpressionAttributeValues: toAttributes({ ':sites': ['lower-secondary'], ':one': 1 }),
          }),
        );
      },
    );
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      error: { Error: 'OperationRefused' },
      failure: { status: 'failed' },
    });

    const { ownedBy } = await assertWhole(h.db, centreId, before, [
      source.user.userId,
      target.user.userId,
    ]);
    expect(ownedBy[target.user.userId]).toBe(perTransaction);
    expect(ownedBy[source.user.userId]).toBe(30 - perTransaction);
    const ended = await h.operation(operation.operationId);
    expect(ended.status).toBe('failed');
    const failCall = h.invocationsOf(operation.operationId).at(-1)?.event as any;
    expect(failCall?.error?.Error).toBe('OperationRefused');
    expect(failCall?.error?.Cause).toMatch(/lost access/i);
    expect.soft(ended.error, 'operation error').toMatch(/lost access/i);
    // `moved` says how many results now belong to the receiving teacher.
    expect(ended.moved, 'moved of a batch cut short').toBe(ownedBy[target.user.userId]);
  });

  it('5. a Transfer batch that fails once with TransientError is retried and the run succeeds', async () => {
    const { centreId, source, target, before, operation } = await offboardingScenario(h, {
      results: [
        { site: 'primary', count: 17 },
        { site: 'lower-secondary', count: 8 },
      ],
    });
    let transfers = 0;
    h.intercept(operation.operationId, async (event, run) => {
      if (event.task === 'transfer' && ++transfers === 2)
        throw new TransientError('Rate exceeded (injected)');
      return run();
    });
    expect((await h.runWorkflow(operation.operationId)).status).toBe('SUCCEEDED');

    const { ownedBy } = await assertWhole(h.db, centreId, before, [target.user.userId]);
    expect(ownedBy[target.user.userId]).toBe(25);
    const calls = transferCalls(operation.operationId);
    expect(calls.map((call) => call.error ?? 'ok')).toEqual(['ok', 'TransientError', 'ok', 'ok']);
    expect(await h.operation(operation.operationId)).toMatchObject({
      status: 'succeeded',
      moved: 25,
    });
    expect(await getUser(h.db, source.user.userId)).toBeUndefined();
  });

  it('5b. a Transfer batch whose answer is lost after its work (TransientError after the batch) is retried safely', async () => {
    const { centreId, target, before, operation } = await offboardingScenario(h, {
      results: [{ site: 'primary', count: 25 }],
    });
    let transfers = 0;
    h.intercept(operation.operationId, async (event, run) => {
      const result = await run();
      if (event.task === 'transfer' && ++transfers === 1)
        throw new TransientError('Lambda timed out after the work (injected)');
      return result;
    });
    expect((await h.runWorkflow(operation.operationId)).status).toBe('SUCCEEDED');

    const { ownedBy } = await assertWhole(h.db, centreId, before, [target.user.userId]);
    expect(ownedBy[target.user.userId]).toBe(25);
    expect(await h.operation(operation.operationId)).toMatchObject({
      status: 'succeeded',
      moved: 25,
    });
  });

  it('5c. DynamoDB throttles a transaction in the middle of a batch: retried, run succeeds, moved is exact', async () => {
    const { centreId, target, before, operation } = await offboardingScenario(h, {
      results: [{ site: 'primary', count: 25 }],
    });
    const execution = await runWithTransactionHook(
      h,
      operation.operationId,
      ({ transfer, transaction }) => {
        // The second transaction of the first batch is throttled (as DynamoDB would, once).
        if (transfer === 1 && transaction === 2)
          throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
            name: 'ThrottlingException',
            $retryable: { throttling: true },
          });
      },
    );
    expect(execution.status).toBe('SUCCEEDED');

    const { ownedBy } = await assertWhole(h.db, centreId, before, [target.user.userId]);
    expect(ownedBy[target.user.userId]).toBe(25);
    expect(transferCalls(operation.operationId).map((call) => call.error ?? 'ok')).toContain(
      'TransientError',
    );
    const ended = await h.operation(operation.operationId);
    expect(ended.status).toBe('succeeded');
    expect.soft(ended.moved, 'moved after a batch retried part-way').toBe(25);
    const received = await transferNotices(target.user.email);
    expect(received[0]?.text).toContain('25 Progression Test results');
  });

  it('6. a crash after some batches, then a re-run completes and the totals hold', async () => {
    const { centreId, token, source, target, before, offboardToTarget, ...first } =
      await offboardingScenario(h, {
        results: [
          { site: 'primary', count: 30 },
          { site: 'lower-secondary', count: 15 },
        ],
      });
    let transfers = 0;
    h.intercept(first.operation.operationId, async (event, run) => {
      if (event.task === 'transfer' && ++transfers === 3) throw new Crash('worker crashed');
      return run();
    });
    const crashed = await h.runWorkflow(first.operation.operationId);
    // A real failure, unlike a refusal (4, 4b), fails the execution: someone must look.
    expect(crashed.status).toBe('FAILED');
    expect(crashed.error).toBe('OperationFailed');
    // Not retried: a crash is not a transient error.
    expect(transferCalls(first.operation.operationId)).toHaveLength(3);
    const middle = await assertWhole(h.db, centreId, before, [
      source.user.userId,
      target.user.userId,
    ]);
    expect(middle.ownedBy[target.user.userId]).toBe(20);
    expect(middle.ownedBy[source.user.userId]).toBe(25);
    expect(await h.operation(first.operation.operationId)).toMatchObject({
      status: 'failed',
      moved: 20,
      error: genericFailure,
    });
    expect((await getUser(h.db, source.user.userId))?.status).toBe('suspended');

    const second = await offboardToTarget();
    expect(second.operation.operationId).not.toBe(first.operation.operationId);
    expect((await h.runWorkflow(second.operation.operationId)).status).toBe('SUCCEEDED');
    const { ownedBy } = await assertWhole(h.db, centreId, before, [target.user.userId]);
    expect(ownedBy[target.user.userId]).toBe(45);
    expect(await h.operation(second.operation.operationId)).toMatchObject({
      status: 'succeeded',
      moved: 25,
    });
    await expectDeleted(source.user, centreId, token);
  });

  it('6b. a crash in the middle of a batch (between two transactions), then a re-run', async () => {
    const { centreId, token, source, target, before, offboardToTarget, ...first } =
      await offboardingScenario(h, { results: [{ site: 'primary', count: 33 }] });
    const crashed = await runWithTransactionHook(
      h,
      first.operation.operationId,
      ({ transfer, transaction }) => {
        if (transfer === 3 && transaction === 2) throw new Crash('worker crashed mid-batch');
      },
    );
    expect(crashed.status).toBe('FAILED');
    const middle = await assertWhole(h.db, centreId, before, [
      source.user.userId,
      target.user.userId,
    ]);
    const movedByFirst = middle.ownedBy[target.user.userId] ?? 0;
    expect(movedByFirst).toBe(2 * batchLimit + perTransaction);
    const failed = await h.operation(first.operation.operationId);
    expect(failed.status).toBe('failed');

    const second = await offboardToTarget();
    expect((await h.runWorkflow(second.operation.operationId)).status).toBe('SUCCEEDED');
    const { ownedBy } = await assertWhole(h.db, centreId, before, [target.user.userId]);
    expect(ownedBy[target.user.userId]).toBe(33);
    expect(await h.operation(second.operation.operationId)).toMatchObject({
      status: 'succeeded',
      moved: 33 - movedByFirst,
    });
    await expectDeleted(source.user, centreId, token);
    // Checked last: the failed operation's `moved` should say what it really moved.
    expect(failed.moved, 'moved of the crashed operation').toBe(movedByFirst);
  });

  it('7. two offboardings of the same user at once: one operation; two executions anyway keep results whole', async () => {
    const {
      centreId,
      token,
      coordinatorId,
      teachers: [source, target, other, otherTarget],
    } = await centreWithTeachers(
      { sites: bothSites },
      { sites: bothSites },
      { sites: bothSites },
      { sites: bothSites },
    );
    if (!source || !target || !other || !otherTarget) throw new Error('teachers');
    await seedResults(h.db, { centreId, site: 'primary', ownerId: source.user.userId, count: 22 });
    await seedResults(h.db, { centreId, site: 'primary', ownerId: other.user.userId, count: 26 });
    await seedResults(h.db, {
      centreId,
      site: 'lower-secondary',
      ownerId: other.user.userId,
      count: 11,
    });
    const everyone = [source, target, other, otherTarget].map((teacher) => teacher.user.userId);
    const before = await census(h.db, centreId, everyone);

    // Two coordinators press Offboard together: the second gets the first's operation.
    const input = {
      centreId,
      userId: source.user.userId,
      toUserId: target.user.userId,
      actorId: coordinatorId,
    };
    const [a, b] = await Promise.all([h.beginOffboarding(input), h.beginOffboarding(input)]);
    expect(a.operation.operationId).toBe(b.operation.operationId);
    expect([...a.started, ...b.started]).toEqual([a.operation.operationId]);
    expect((await h.runWorkflow(a.operation.operationId)).status).toBe('SUCCEEDED');
    expect(await h.operation(a.operation.operationId)).toMatchObject({
      status: 'succeeded',
      moved: 22,
    });
    await expectDeleted(source.user, centreId, token);

    // Without the lock: two operation records, two executions at once, same user.
    const twin = {
      centreId,
      userId: other.user.userId,
      toUserId: otherTarget.user.userId,
      actorId: coordinatorId,
    };
    const [one, two] = await Promise.all([h.insertOperation(twin), h.insertOperation(twin)]);
    if (!one || !two) throw new Error('operations');
    const executions = await Promise.all([
      h.runWorkflow(one.operationId),
      h.runWorkflow(two.operationId),
    ]);
    const ends = await Promise.all([h.operation(one.operationId), h.operation(two.operationId)]);
    console.log(
      '[7] two executions:',
      executions.map((execution) => execution.status),
      ends.map(({ status, moved, error }) => ({ status, moved, error })),
      [h.tasksOf(one.operationId), h.tasksOf(two.operationId)],
    );
    const { ownedBy } = await assertWhole(h.db, centreId, before, [
      target.user.userId,
      otherTarget.user.userId,
    ]);
    expect(ownedBy[target.user.userId]).toBe(22);
    expect(ownedBy[otherTarget.user.userId]).toBe(37);
    for (const end of ends) expect(['succeeded', 'failed']).toContain(end.status);
    expect(ends.some((end) => end.status === 'succeeded')).toBe(true);
    await expectDeleted(other.user, centreId, token);
    // Each result moved is counted by exactly one of the two operations.
    expect(ends[0].moved + ends[1].moved, 'moved, summed over both').toBe(37);
  });

  it('8. a result recorded between the transfer and the delete stops the delete; the loop moves it', async () => {
    const { centreId, token, coordinatorId, source, target, before, operation } =
      await offboardingScenario(h, { results: [{ site: 'primary', count: 15 }] });
    const late = newResult(centreId, 'lower-secondary', source.user.userId, 'late-learner');
    let deletes = 0;
    const deleteAnswers: unknown[] = [];
    h.intercept(operation.operationId, async (event, run) => {
      if (event.task === 'delete' && ++deletes === 1) {
        // A coordinator records a result for the (suspended) teacher at the last moment.
        await recordResultBypassingOwnerCheck(h.db, { ...late, recordedBy: coordinatorId });
        const answer = await run();
        deleteAnswers.push(answer);
        expect(await getUser(h.db, source.user.userId)).toBeDefined();
        return answer;
      }
      const answer = await run();
      if (event.task === 'delete') deleteAnswers.push(answer);
      return answer;
    });
    expect((await h.runWorkflow(operation.operationId)).status).toBe('SUCCEEDED');

    expect(deleteAnswers).toEqual([{ deleted: false }, { deleted: true }]);
    expect(h.tasksOf(operation.operationId)).toEqual([
      'prepare',
      'checkData',
      'transfer',
      'transfer',
      'delete',
      'checkData',
      'transfer',
      'delete',
      'finish',
    ]);
    const { after, ownedBy } = await assertWhole(
      h.db,
      centreId,
      before,
      [target.user.userId],
      [late.resultId],
    );
    expect(after.results.get(late.resultId)?.ownerId).toBe(target.user.userId);
    expect(ownedBy[target.user.userId]).toBe(16);
    expect(await h.operation(operation.operationId)).toMatchObject({
      status: 'succeeded',
      moved: 16,
    });
    await expectDeleted(source.user, centreId, token);
  });
});

/** The notices of a transfer to an address, once one has arrived (they go through the outbox). */
async function transferNotices(address: string) {
  for (let attempt = 0; ; attempt++) {
    const notices = (await emailsTo(address)).filter((email) =>
      email.subject.includes('transferred to you'),
    );
    if (notices.length > 0 || attempt >= 100) return notices;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
