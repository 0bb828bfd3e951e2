/**
 * The site-removal workflow as CDK synthesizes it, on a local Step Functions endpoint
 * started here, its task function the real handler over the global stack's DynamoDB, with
 * small pages so a centre of a few dozen users takes many. The PATCH route is called
 * directly with a Workflows port that only records what it was asked to start, so the
 * operation stays running for as long as a test needs (a second PATCH, a site given back).
 */
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCentre } from '../../functions/core/data/centre.js';
import type { Db } from '../../functions/core/data/db.js';
import {
  endSiteRemoval,
  getSiteRemoval,
  takeSitesPage,
} from '../../functions/core/data/site-removal.js';
import { getUser, type User } from '../../functions/core/data/user.js';
import type { Site } from '../../functions/core/domain.js';
import { ProblemError } from '../../functions/core/errors.js';
import { systemClock } from '../../functions/core/ports.js';
import { supportRoutes } from '../../functions/support/routes.js';
import { freePort } from '../../infra/local/emulators/ports.js';
import { startStepFunctionsLocal } from '../../infra/local/emulators/stepfunctions.js';
import { synthesizeSiteRemovalDefinition } from '../../workflows/definition.js';
import {
  createSiteRemovalHandler,
  type SiteRemovalTaskEvent,
} from '../../workflows/site-removal/handler.js';
import { takeSites } from '../../workflows/site-removal/steps.js';
import { credentials, localDynamoDb, region } from '../support/emulators.js';
import { centreWithCoordinator, hub, sleep } from '../support/hub.js';
import { seedUsers } from '../support/site-removal.js';
import { auditEntries } from './harness.js';

const machineArn = 'arn:aws:states:eu-west-2:000000000000:stateMachine:site-removal-under-test';
const pageSize = 5;

let db: Db;
let sfn: SFNClient;
let stopStepFunctions: () => Promise<void>;
/** Every task call, and a hook that may fail one. */
const calls: SiteRemovalTaskEvent[] = [];
let failCall: ((event: SiteRemovalTaskEvent, index: number) => Error | undefined) | undefined;

beforeAll(async () => {
  db = { client: localDynamoDb(), tableName: hub().tableName };
  const handler = createSiteRemovalHandler({
    db,
    clock: systemClock,
    pageSize,
    pagesPerStep: 3,
  });
  const stepFunctions = await startStepFunctionsLocal({
    port: await freePort(),
    stateMachines: { [machineArn]: synthesizeSiteRemovalDefinition() },
    retryIntervalMs: 20,
    invokeLambda: async (_name, payload) => {
      const event = payload as SiteRemovalTaskEvent;
      calls.push(event);
      const failure = failCall?.(event, calls.length - 1);
      if (failure) throw failure;
      return handler(event);
    },
  });
  stopStepFunctions = stepFunctions.stop;
  sfn = new SFNClient({ endpoint: stepFunctions.endpoint, region, credentials });
});
afterAll(async () => {
  await stopStepFunctions?.();
  sfn?.destroy();
  db?.client.destroy();
});

/** The PATCH route itself, as support; the workflow is only recorded, never run. */
function supportApi() {
  const started: { operationId: string; name: string }[] = [];
  const routes = supportRoutes({
    db,
    clock: systemClock,
    identity: {} as never,
    siteRemovals: {
      start: async (operationId, name) => {
        started.push({ operationId, name: name ?? operationId });
      },
    },
  });
  const patch = async (centreId: string, body: { name?: string; eligibleSites?: Site[] }) => {
    try {
      return await routes.updateCentre({
        params: { centreId },
        body,
        caller: { userId: hub().support.userId } as User,
      } as never);
    } catch (error) {
      if (error instanceof ProblemError) return { status: error.status, body: error.code };
      throw error;
    }
  };
  return { patch, started };
}

const operationIdOf = (answer: { body?: unknown }) =>
  (answer.body as { operationId: string }).operationId;

async function runExecution(operationId: string, name = operationId) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machineArn,
      name,
      input: JSON.stringify({ operationId }),
    }),
  );
  for (let waited = 0; ; waited += 20) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution.status;
    if (waited > 50_000) throw new Error(`${name} still RUNNING`);
    await sleep(20);
  }
}

async function centreOf(holders: number, others: number) {
  const centre = await centreWithCoordinator(['primary', 'lower-secondary']);
  const users = [
    ...(await seedUsers(db, centre.centreId, holders, ['primary', 'lower-secondary'], 'Holder')),
    ...(await seedUsers(db, centre.centreId, others, ['primary'], 'Other')),
  ];
  // The coordinator holds every site the centre had.
  return { centreId: centre.centreId, users, total: holders + others + 1 };
}

async function sitesOfEveryone(users: User[]) {
  return Promise.all(users.map(async (user) => (await getUser(db, user.userId))?.sites));
}

const taken = ['primary'] as Site[];

describe('taking a site away from a centre', () => {
  it('records the new eligibility at once, answers the same operation to the same change, and refuses the site back while it runs', async () => {
    const { centreId } = await centreOf(3, 0);
    const { patch, started } = supportApi();

    const first = await patch(centreId, { eligibleSites: taken });
    expect(first.status).toBe(202);
    const operationId = operationIdOf(first);
    expect((first as { headers?: Record<string, string> }).headers?.location).toBe(
      `/centres/${centreId}/operations/${operationId}`,
    );
    expect((await getCentre(db, centreId))?.eligibleSites).toEqual(taken);
    expect(await getSiteRemoval(db, operationId)).toMatchObject({
      status: 'running',
      sites: ['lower-secondary'],
      usersChecked: 0,
    });

    // The same change again (a double click, a retry): the same operation.
    const second = await patch(centreId, { eligibleSites: taken });
    expect(second.status).toBe(202);
    expect(operationIdOf(second)).toBe(operationId);
    // Started under the one execution name each time (Step Functions runs it once).
    expect(started).toEqual([
      { operationId, name: operationId },
      { operationId, name: operationId },
    ]);

    // Giving the site back, or taking another, while it runs: 409, nothing changed.
    expect(await patch(centreId, { eligibleSites: ['primary', 'lower-secondary'] })).toEqual({
      status: 409,
      body: 'CONFLICT',
    });
    expect(await patch(centreId, { eligibleSites: [] })).toEqual({
      status: 409,
      body: 'CONFLICT',
    });
    expect((await getCentre(db, centreId))?.eligibleSites).toEqual(taken);
    // A rename alone is no site change: 200, the operation untouched.
    expect((await patch(centreId, { name: 'Renamed meanwhile' })).status).toBe(200);

    // Once it has run, the site may be given back.
    expect(await runExecution(operationId)).toBe('SUCCEEDED');
    expect((await getCentre(db, centreId))?.siteRemoval).toBeUndefined();
    expect((await patch(centreId, { eligibleSites: ['primary', 'lower-secondary'] })).status).toBe(
      200,
    );
  });

  it('starts one operation for the same change sent twice at the same moment', async () => {
    const { centreId } = await centreOf(2, 0);
    const { patch, started } = supportApi();
    const answers = await Promise.all([
      patch(centreId, { eligibleSites: taken }),
      patch(centreId, { eligibleSites: taken }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
    const [first, second] = answers.map(operationIdOf);
    expect(second).toBe(first);
    expect(new Set(started.map((start) => start.operationId))).toEqual(new Set([first]));
    const audit = await auditEntries(db, centreId);
    expect(audit.filter((entry) => entry.action === 'operation.site_removal.started')).toHaveLength(
      1,
    );
  });

  it('works through the users in pages, saving the cursor after each, and ends with exact counts', async () => {
    const { centreId, users, total } = await centreOf(17, 9);
    const { patch } = supportApi();
    const answer = await patch(centreId, { eligibleSites: taken });
    const operationId = operationIdOf(answer);
    const before = calls.length;

    expect(await runExecution(operationId)).toBe('SUCCEEDED');
    const operation = await getSiteRemoval(db, operationId);
    expect(operation).toMatchObject({
      status: 'succeeded',
      usersChecked: total,
      usersUpdated: 18,
      page: Math.ceil(total / pageSize) + (total % pageSize === 0 ? 1 : 0),
      complete: true,
    });
    expect(operation?.cursor).toBeUndefined();
    // Bounded steps: 3 pages each, looped by the state machine, then the end.
    const tasks = calls.slice(before).map((call) => call.task);
    expect(tasks.filter((task) => task === 'takeSites')).toHaveLength(
      Math.ceil((operation?.page ?? 0) / 3),
    );
    expect(tasks.at(-1)).toBe('finish');
    for (const sites of await sitesOfEveryone(users)) expect(sites).toEqual(['primary']);
  });

  it('stops a step at its time budget, after at least one page', async () => {
    const { centreId } = await centreOf(12, 0);
    const { patch } = supportApi();
    const operationId = operationIdOf(await patch(centreId, { eligibleSites: taken }));
    const step = (stepBudgetMs: number) =>
      takeSites({ db, clock: systemClock, pageSize, pagesPerStep: 3, stepBudgetMs }, operationId);
    await step(0);
    expect(await getSiteRemoval(db, operationId)).toMatchObject({ page: 1 });
    await step(0);
    expect(await getSiteRemoval(db, operationId)).toMatchObject({ page: 2, complete: false });
    // With time to spare, the step goes on to the end (13 users: 3 pages).
    expect(await step(60_000)).toMatchObject({ complete: true, usersChecked: 13 });
  });

  it('does a page once however often it runs: the same page twice (a retried step) changes nothing more', async () => {
    const { centreId, users } = await centreOf(8, 4);
    const { patch } = supportApi();
    const answer = await patch(centreId, { eligibleSites: taken });
    const operationId = operationIdOf(answer);
    const now = () => new Date().toISOString();

    // Two runs of the first page from the same reading of the operation, one after the
    // other and then two more at once: one of them does it.
    const snapshot = await getSiteRemoval(db, operationId);
    if (!snapshot) throw new Error('no operation');
    const once = await takeSitesPage(db, snapshot, pageSize, now);
    expect(once).toMatchObject({ done: true, checked: pageSize });
    const again = await Promise.all([
      takeSitesPage(db, snapshot, pageSize, now),
      takeSitesPage(db, snapshot, pageSize, now),
    ]);
    expect(again.map((outcome) => outcome.done)).toEqual([false, false]);
    const afterPage = await getSiteRemoval(db, operationId);
    expect(afterPage).toMatchObject({
      page: 1,
      usersChecked: pageSize,
      usersUpdated: once.updated,
    });
    expect(afterPage?.cursor).toEqual(expect.any(String));

    // Succeeding before every user was looked at is refused by the end's own condition
    // (`complete`): the operation stays running and the centre keeps refusing the site.
    if (!afterPage) throw new Error('no operation');
    expect(await endSiteRemoval(db, afterPage, { status: 'succeeded', at: now() })).toBe(false);
    expect(await getSiteRemoval(db, operationId)).toMatchObject({ status: 'running' });
    expect((await getCentre(db, centreId))?.siteRemoval?.operationId).toBe(operationId);

    // The workflow goes on from the saved cursor.
    expect(await runExecution(operationId)).toBe('SUCCEEDED');
    expect(await getSiteRemoval(db, operationId)).toMatchObject({
      usersChecked: 13,
      usersUpdated: 9,
    });
    const removed = (await auditEntries(db, centreId)).filter(
      (entry) => entry.action === 'user.site_access_removed',
    );
    expect(removed).toHaveLength(9);
    expect(new Set(removed.map((entry) => entry.targetId)).size).toBe(9);
    for (const sites of await sitesOfEveryone(users)) expect(sites).toEqual(['primary']);
  });

  it('a step that fails is retried; a run that fails for good is resumed by the same change, from where it stopped', async () => {
    const { centreId, users, total } = await centreOf(12, 6);
    const { patch, started } = supportApi();
    const answer = await patch(centreId, { eligibleSites: taken });
    const operationId = operationIdOf(answer);

    // The second step fails with a passing error once (retried), then for good.
    let steps = 0;
    failCall = (event) => {
      if (event.operationId !== operationId || event.task !== 'takeSites') return undefined;
      steps++;
      if (steps === 2) return Object.assign(new Error('throttled'), { name: 'TransientError' });
      if (steps >= 3) return Object.assign(new Error('crashed'), { name: 'WorkerCrashed' });
      return undefined;
    };
    expect(await runExecution(operationId)).toBe('FAILED');
    failCall = undefined;
    const stopped = await getSiteRemoval(db, operationId);
    expect(stopped).toMatchObject({
      status: 'failed',
      page: 3,
      usersChecked: 3 * pageSize,
      error: expect.stringContaining('send the same change'),
    });
    // Still refused back: some users may still hold the site.
    expect((await patch(centreId, { eligibleSites: ['primary', 'lower-secondary'] })).status).toBe(
      409,
    );

    // The same change resumes it under a new execution name, from page 3.
    const resumed = await patch(centreId, { eligibleSites: taken });
    expect(resumed.status).toBe(202);
    expect(operationIdOf(resumed)).toBe(operationId);
    expect(started.at(-1)).toEqual({ operationId, name: `${operationId}-1` });
    expect(await getSiteRemoval(db, operationId)).toMatchObject({ status: 'running', page: 3 });
    expect(await runExecution(operationId, `${operationId}-1`)).toBe('SUCCEEDED');
    expect(await getSiteRemoval(db, operationId)).toMatchObject({
      status: 'succeeded',
      usersChecked: total,
      usersUpdated: 13,
      resumes: 1,
    });
    for (const sites of await sitesOfEveryone(users)) expect(sites).toEqual(['primary']);
  });
});
