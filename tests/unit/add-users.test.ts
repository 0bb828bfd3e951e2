/**
 * Issue 11, item 1: adding up to 100 users finishes inside the function's timeout. A rolling
 * pool with bounded concurrency, starts paced to Cognito's quota, and a deadline after which
 * the rows not yet started answer NOT_ATTEMPTED; a started row always ends (created or
 * undone). On a virtual clock, with every AWS call mocked (aws-sdk-client-mock).
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  addUsers,
  finishReserveMs,
  rowConcurrency,
  rowStartsPerSecond,
} from '../../functions/centres/add-users.js';
import type { CentresDeps } from '../../functions/centres/deps.js';
import { cognitoIdentity } from '../../functions/core/adapters/cognito.js';
import { rateLimiter } from '../../functions/core/data/rate-limit.js';
import { type PoolClock, runPaced } from '../../functions/core/paced-pool.js';
import { fixedClock } from './fakes/index.js';

/** Time that passes only when every pending piece of work is waiting on it. */
function virtualClock() {
  let now = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  const clock: PoolClock & { run<T>(work: Promise<T>): Promise<T> } = {
    now: () => now,
    sleep: (ms) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
    async run(work) {
      let settled = false;
      const done = work.finally(() => {
        settled = true;
      });
      while (!settled) {
        // Let every promise chain run until it waits on the clock (or ends).
        await new Promise((resolve) => setImmediate(resolve));
        if (settled || timers.length === 0) continue;
        timers.sort((a, b) => a.at - b.at);
        const timer = timers.shift() as (typeof timers)[number];
        now = Math.max(now, timer.at);
        timer.resolve();
      }
      return done;
    },
  };
  return clock;
}

describe('the paced pool', () => {
  it('keeps at most `concurrency` running, spaces the starts, and answers in item order', async () => {
    const clock = virtualClock();
    let running = 0;
    let mostRunning = 0;
    const starts: number[] = [];
    const durations = [300, 50, 200, 10, 120, 80, 400, 30, 60, 90, 20, 250];

    const results = await clock.run(
      runPaced(
        durations,
        async (ms, index) => {
          starts[index] = clock.now();
          running++;
          mostRunning = Math.max(mostRunning, running);
          await clock.sleep(ms);
          running--;
          return `item ${index}`;
        },
        { concurrency: 3, minStartIntervalMs: 40, mayStart: () => true, clock },
      ),
    );

    expect(results.map((result) => result?.status === 'fulfilled' && result.value)).toEqual(
      durations.map((_, index) => `item ${index}`),
    );
    expect(mostRunning).toBe(3);
    // Started in item order, at least 40 ms apart.
    for (let i = 1; i < starts.length; i++)
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(40);
    // Rolling, not waves: item 3 starts when item 1 (50 ms) ends, before item 0 (300 ms) does.
    expect(starts[3]).toBeLessThan(300);
  });

  it('starts nothing once mayStart says no, reports those items as never started, and lets started ones end', async () => {
    const clock = virtualClock();
    const deadline = 1_000;
    const starts: number[] = [];
    const ends: number[] = [];

    const results = await clock.run(
      runPaced(
        Array.from({ length: 40 }, (_, i) => i),
        async (index) => {
          starts.push(clock.now());
          await clock.sleep(250);
          ends.push(index);
          return index;
        },
        { concurrency: 4, minStartIntervalMs: 0, mayStart: () => clock.now() < deadline, clock },
      ),
    );

    const startedCount = results.filter((result) => result !== undefined).length;
    expect(startedCount).toBeGreaterThan(0);
    expect(startedCount).toBeLessThan(40);
    expect(Math.max(...starts)).toBeLessThan(deadline);
    // The started ones are the first rows, and every one of them ended.
    expect(results.slice(0, startedCount).every((r) => r?.status === 'fulfilled')).toBe(true);
    expect(results.slice(startedCount)).toEqual(Array(40 - startedCount).fill(undefined));
    expect(ends.sort((a, b) => a - b)).toEqual(Array.from({ length: startedCount }, (_, i) => i));
  });

  it('reports work that throws as rejected, without stopping the others', async () => {
    const results = await runPaced(
      [1, 2, 3],
      async (n) => {
        if (n === 2) throw new Error('boom');
        return n;
      },
      { concurrency: 2, minStartIntervalMs: 0, mayStart: () => true },
    );
    expect(results.map((r) => r?.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

const cognito = mockClient(CognitoIdentityProviderClient);
const dynamo = mockClient(DynamoDBClient);
const ses = mockClient(SESClient);

const db = { client: new DynamoDBClient({ region: 'eu-west-2' }), tableName: 'hub' };
const deps = (): CentresDeps => ({
  db,
  // Adding users takes no rate limit (only resets and invitations to one user do).
  limiter: rateLimiter(db, () => new Date()),
  identity: cognitoIdentity(new CognitoIdentityProviderClient({ region: 'eu-west-2' }), {
    userPoolId: 'pool',
    userPoolClientId: 'client',
  }),
  workflows: { start: async () => undefined },
  clock: fixedClock(),
});

const centre = {
  centreId: 'GB001',
  name: 'Example School',
  eligibleSites: ['primary' as const],
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
};

const rowsOf = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ name: `Row ${i}`, email: `row${i}@school.example` }));

/** Each AWS call takes about this long in AWS, here on the virtual clock (a row: 150 ms). */
const latency = { cognito: 120, transaction: 30, email: 50 };

function mockAws(clock: ReturnType<typeof virtualClock>, taken: string[] = []) {
  const creates: { email: string; at: number }[] = [];
  dynamo.on(BatchGetItemCommand).callsFake(async (input) => {
    const keys = input.RequestItems.hub.Keys as { PK: { S: string } }[];
    return {
      Responses: {
        hub: keys.filter((key) => taken.includes(key.PK.S.slice('EMAIL#'.length))),
      },
    };
  });
  dynamo.on(GetItemCommand).resolves({});
  cognito.on(AdminCreateUserCommand).callsFake(async (input) => {
    creates.push({ email: input.Username, at: clock.now() });
    await clock.sleep(latency.cognito);
    return {
      User: {
        Username: input.Username,
        Attributes: [{ Name: 'sub', Value: `sub-${input.Username}` }],
      },
    };
  });
  cognito.on(AdminDeleteUserCommand).resolves({});
  dynamo.on(TransactWriteItemsCommand).callsFake(async () => {
    await clock.sleep(latency.transaction);
    return {};
  });
  ses.on(SendEmailCommand).callsFake(async () => {
    await clock.sleep(latency.email);
    return { MessageId: 'm' };
  });
  return creates;
}

const recipients = () =>
  ses
    .commandCalls(SendEmailCommand)
    .map((call) => call.args[0].input.Destination?.ToAddresses?.[0]);

beforeEach(() => {
  cognito.reset();
  dynamo.reset();
  ses.reset();
});

// Hundreds of mocked calls on the virtual clock: about 1 s alone, longer on a busy machine.
describe('adding 100 users', { timeout: 30_000 }, () => {
  it('with time enough: every row created, in request order, with 1 batch read and 2 calls a row (the invitations go to the outbox)', async () => {
    const clock = virtualClock();
    const creates = mockAws(clock);

    const answer = await clock.run(
      addUsers(deps(), centre, 'coordinator-1', rowsOf(100), {
        remainingTimeMs: () => 10_000 - clock.now(),
        clock,
      }),
    );

    expect(answer.created).toBe(100);
    expect(answer.results.map((r) => r.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(answer.results.map((r) => r.status === 'created' && r.user.email)).toEqual(
      rowsOf(100).map((row) => row.email),
    );
    // The AWS calls of the whole request: no per-row read of the email's marker.
    expect(dynamo.commandCalls(BatchGetItemCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(0);
    expect(creates).toHaveLength(100);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(100);
    // Each row's transaction holds its invitation; the outbox's sender sends them, paced.
    for (const call of dynamo.commandCalls(TransactWriteItemsCommand))
      expect(call.args[0].input.TransactItems?.at(-1)?.Put?.Item?.PK?.S).toMatch(/^OUTBOX#/);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    // Starts paced to the quota: no second holds more than rowStartsPerSecond of them.
    const starts = creates.map((create) => create.at);
    for (const at of starts)
      expect(starts.filter((other) => other >= at && other < at + 1000).length).toBeLessThanOrEqual(
        rowStartsPerSecond,
      );
    // 8 rows of 150 ms at once could start 53 a second; paced at 25, 100 rows take about 4 s.
    expect(clock.now()).toBeGreaterThanOrEqual((99 * 1000) / rowStartsPerSecond);
    expect(clock.now()).toBeLessThan((99 * 1000) / rowStartsPerSecond + 500);
  });

  it('refuses an email already in use from the batch read, without asking Cognito', async () => {
    const clock = virtualClock();
    const creates = mockAws(clock, ['row1@school.example']);

    const answer = await clock.run(
      addUsers(deps(), centre, 'coordinator-1', rowsOf(3), {
        remainingTimeMs: () => 10_000,
        clock,
      }),
    );

    expect(answer.results.map((r) => (r.status === 'failed' ? r.error.code : r.status))).toEqual([
      'created',
      'EMAIL_TAKEN',
      'created',
    ]);
    expect(creates.map((create) => create.email)).toEqual([
      'row0@school.example',
      'row2@school.example',
    ]);
  });

  it('past the deadline starts no row: the rest answer NOT_ATTEMPTED, nothing made for them', async () => {
    const clock = virtualClock();
    const creates = mockAws(clock);
    // A function with 6 s left when the rows begin: rows may start for its first 2 s.
    const remainingTimeMs = () => 6_000 - clock.now();

    const answer = await clock.run(
      addUsers(deps(), centre, 'coordinator-1', rowsOf(100), { remainingTimeMs, clock }),
    );

    const attempted = answer.results.filter(
      (r) => !(r.status === 'failed' && r.error.code === 'NOT_ATTEMPTED'),
    );
    const notAttempted = answer.results.filter(
      (r) => r.status === 'failed' && r.error.code === 'NOT_ATTEMPTED',
    );
    expect(attempted.length).toBeGreaterThan(0);
    expect(notAttempted.length).toBeGreaterThan(0);
    expect(attempted.length + notAttempted.length).toBe(100);
    // No row started once less than finishReserveMs was left.
    for (const create of creates) expect(6_000 - create.at).toBeGreaterThan(finishReserveMs);
    // The started rows are the first ones, all created; the rest are exactly the later rows.
    expect(attempted.every((r) => r.status === 'created')).toBe(true);
    expect(attempted.map((r) => r.index)).toEqual(
      Array.from({ length: attempted.length }, (_, i) => i),
    );
    expect(notAttempted.map((r) => r.index)).toEqual(
      Array.from({ length: notAttempted.length }, (_, i) => attempted.length + i),
    );
    expect(notAttempted[0]).toMatchObject({
      status: 'failed',
      error: { code: 'NOT_ATTEMPTED', status: 503 },
    });
    expect(answer).toMatchObject({ created: attempted.length, failed: notAttempted.length });
    // Nothing at all for a row not attempted: no login, no record, no email.
    const notAttemptedEmails = notAttempted.map((r) => `row${r.index}@school.example`);
    expect(creates.map((create) => create.email)).toEqual(
      attempted.map((r) => `row${r.index}@school.example`),
    );
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(attempted.length);
    expect(recipients().filter((to) => notAttemptedEmails.includes(to as string))).toEqual([]);
    // The answer comes before the function's time is up, with the reserve to spare.
    expect(6_000 - clock.now()).toBeGreaterThan(finishReserveMs - 1_000);
    // At most rowConcurrency rows were in flight when the deadline came.
    expect(attempted.length).toBeLessThanOrEqual(
      Math.ceil((6_000 - finishReserveMs) / (1000 / rowStartsPerSecond)) + rowConcurrency,
    );
  });
});
