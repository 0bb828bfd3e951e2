/**
 * Scale (issue 11, item 4): Lower Secondary taken away from a centre of 10,000 users, 9,000
 * of whom hold it, through the synthesized site-removal definition and the production page
 * sizes (40 users a page, 25 pages a step). Prints what the run costs: steps, DynamoDB
 * requests and items written, the longest step, and the wall time.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../functions/core/data/db.js';
import { getSiteRemoval } from '../../functions/core/data/site-removal.js';
import { getUser, type User } from '../../functions/core/data/user.js';
import { systemClock } from '../../functions/core/ports.js';
import { supportRoutes } from '../../functions/support/routes.js';
import { freePort } from '../../infra/local/emulators/ports.js';
import { startStepFunctionsLocal } from '../../infra/local/emulators/stepfunctions.js';
import { synthesizeSiteRemovalDefinition } from '../../workflows/definition.js';
import {
  createSiteRemovalHandler,
  type SiteRemovalTaskEvent,
} from '../../workflows/site-removal/handler.js';
import { credentials, localDynamoDb, region } from '../support/emulators.js';
import { centreWithCoordinator, hub, sleep } from '../support/hub.js';
import { seedUsers } from '../support/site-removal.js';

// The values workflows/site-removal/index.ts deploys.
const pageSize = 40;
const pagesPerStep = 25;
const holders = 9_000;
const others = 999; // and the coordinator: 10,000 users

const machineArn = 'arn:aws:states:eu-west-2:000000000000:stateMachine:site-removal-scale';
let db: Db;
let taskDb: Db;
let sfn: SFNClient;
let stop: () => Promise<void>;
const commands: Record<string, number> = {};
let itemWrites = 0;
const stepMs: number[] = [];

beforeAll(async () => {
  db = { client: localDynamoDb(), tableName: hub().tableName };
  taskDb = { client: localDynamoDb(), tableName: hub().tableName };
  taskDb.client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      commands[name] = (commands[name] ?? 0) + 1;
      if (name === 'TransactWriteItemsCommand')
        itemWrites += ((args.input as { TransactItems: TransactWriteItem[] }).TransactItems ?? [])
          .length;
      return next(args);
    },
    { step: 'initialize', name: 'scaleCounter' },
  );
  const handler = createSiteRemovalHandler({
    db: taskDb,
    clock: systemClock,
    pageSize,
    pagesPerStep,
  });
  const stepFunctions = await startStepFunctionsLocal({
    port: await freePort(),
    stateMachines: { [machineArn]: synthesizeSiteRemovalDefinition() },
    retryIntervalMs: 50,
    invokeLambda: async (_name, payload) => {
      const started = performance.now();
      try {
        return await handler(payload as SiteRemovalTaskEvent);
      } finally {
        stepMs.push(performance.now() - started);
      }
    },
  });
  stop = stepFunctions.stop;
  sfn = new SFNClient({ endpoint: stepFunctions.endpoint, region, credentials });
});
afterAll(async () => {
  await stop?.();
  sfn?.destroy();
  db?.client.destroy();
  taskDb?.client.destroy();
});

describe('site removal at scale', () => {
  it('takes Lower Secondary from 9,001 of a centre’s 10,000 users in bounded steps', {
    timeout: 900_000,
  }, async () => {
    const centre = await centreWithCoordinator(['primary', 'lower-secondary']);
    const seeding = performance.now();
    const users: User[] = [
      ...(await seedUsers(db, centre.centreId, holders, ['primary', 'lower-secondary'], 'Holder')),
      ...(await seedUsers(db, centre.centreId, others, ['primary'], 'Other')),
    ];
    const seeded = performance.now() - seeding;

    const routes = supportRoutes({
      db,
      clock: systemClock,
      identity: {} as never,
      siteRemovals: { start: async () => undefined },
    });
    const requestStarted = performance.now();
    const answer = await routes.updateCentre({
      params: { centreId: centre.centreId },
      body: { eligibleSites: ['primary'] },
      caller: { userId: hub().support.userId } as User,
    } as never);
    const requestMs = performance.now() - requestStarted;
    expect(answer.status).toBe(202);
    const { operationId } = answer.body as unknown as { operationId: string };

    const started = performance.now();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        name: operationId,
        input: JSON.stringify({ operationId }),
      }),
    );
    let status = 'RUNNING';
    while (status === 'RUNNING') {
      await sleep(200);
      status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'UNKNOWN';
    }
    const wall = performance.now() - started;
    expect(status).toBe('SUCCEEDED');

    const operation = await getSiteRemoval(db, operationId);
    expect(operation).toMatchObject({
      status: 'succeeded',
      usersChecked: holders + others + 1,
      usersUpdated: holders + 1,
    });
    // A sample of the users, spread over the whole centre, lost the site (the counts above
    // cover the rest: each user is counted in the transaction that changes them).
    for (let index = 0; index < users.length; index += 97)
      expect((await getUser(db, users[index]?.userId ?? ''))?.sites).toEqual(['primary']);

    const steps = stepMs.length;
    // Bounded: every step is at most 25 pages of 40 users, whatever the centre's size.
    expect(steps).toBe(Math.ceil((operation?.page ?? 0) / pagesPerStep) + 1);
    console.log(
      JSON.stringify(
        {
          users: users.length + 1,
          usersUpdated: operation?.usersUpdated,
          pages: operation?.page,
          taskInvocations: steps,
          longestStepMs: Math.round(Math.max(...stepMs)),
          dynamoDbRequests: commands,
          transactionItems: itemWrites,
          patchRequestMs: Math.round(requestMs),
          workflowWallSeconds: Math.round(wall / 100) / 10,
          seedingSeconds: Math.round(seeded / 100) / 10,
        },
        null,
        2,
      ),
    );
  });
});
