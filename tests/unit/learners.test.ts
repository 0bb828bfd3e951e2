/**
 * Issue 10: a learner read, changed and removed, and the site's Teachers list searched, at
 * the DynamoDB calls they make. The guard that matters most: a learner is deleted only while
 * their `resultCount` (moved in the very transaction that records a result) is absent or 0.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { centreKey, toCentreItem } from '../../functions/core/data/centre.js';
import { learnerKey } from '../../functions/core/data/progression.js';
import type { User } from '../../functions/core/data/user.js';
import { readBudget } from '../../functions/core/data/user-search.js';
import { createAreaHandler } from '../../functions/core/http.js';
import { sitesRoutes } from '../../functions/sites/routes.js';
import { accessClaims, context, httpEvent } from './fakes/events.js';
import { aUser, fixedClock } from './fakes/index.js';

// A recorded result counts a metric; its line on stdout is not what these tests read.
vi.mock('../../functions/core/metrics.js', () => ({ countEvent: vi.fn(), flushMetrics: vi.fn() }));

const dynamo = mockClient(DynamoDBClient);
const db = { client: new DynamoDBClient({ region: 'eu-west-2' }), tableName: 'hub' };
const callers: User[] = [
  aUser({ userId: 'teacher', sites: ['primary'] }),
  aUser({ userId: 'lower-teacher', sites: ['lower-secondary'] }),
  aUser({ userId: 'coordinator', isAdmin: true, sites: [] }),
  aUser({ userId: 'other-coordinator', centreId: 'GB002', isAdmin: true }),
];
const handler = createAreaHandler('sites', sitesRoutes({ db, clock: fixedClock() }), {
  loadCaller: async (id) => callers.find((user) => user.userId === id),
});

const learnerId = '01jexample0000000000';
const learnerRoute = '/centres/{centreId}/sites/{site}/learners/{learnerId}';
const learnerItem = {
  ...learnerKey('GB001', 'primary', learnerId),
  type: 'learner',
  learnerId,
  centreId: 'GB001',
  site: 'primary',
  name: 'Mary Somerville',
  stage: 4,
  classGroup: '4B',
  createdAt: '2026-11-01T10:00:00.000Z',
};

const call = async (
  method: string,
  options: { as?: string; body?: unknown; learner?: string; site?: string; path?: string } = {},
) => {
  const site = options.site ?? 'primary';
  const routeKey = `${method} ${options.path ?? learnerRoute}`;
  const result = (await handler(
    httpEvent({
      routeKey,
      pathParameters: {
        centreId: 'GB001',
        site,
        ...(options.path ? {} : { learnerId: options.learner ?? learnerId }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      claims: accessClaims(options.as ?? 'teacher'),
    }) as never,
    context,
  )) as { statusCode: number; body?: string };
  return { status: result.statusCode, json: result.body ? JSON.parse(result.body) : undefined };
};

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetItemCommand).resolves({});
  dynamo.on(GetItemCommand, { Key: marshall(centreKey('GB001')) }).resolves({
    Item: marshall(
      toCentreItem({
        centreId: 'GB001',
        name: 'Example School',
        eligibleSites: ['primary', 'lower-secondary'],
        createdAt: '2026-11-01T10:00:00.000Z',
        updatedAt: '2026-11-01T10:00:00.000Z',
      }),
    ),
  });
});
afterEach(() => {
  expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
});

describe('GET a learner', () => {
  it('reads the centre and the learner (at once) and answers the learner', async () => {
    dynamo
      .on(GetItemCommand, { Key: marshall(learnerKey('GB001', 'primary', learnerId)) })
      .resolves({ Item: marshall({ ...learnerItem, resultCount: 3 }) });

    const answer = await call('GET');

    expect(answer).toEqual({
      status: 200,
      json: { learnerId, name: 'Mary Somerville', stage: 4, classGroup: '4B' },
    });
    expect(dynamo.calls()).toHaveLength(2);
  });

  it('answers 404 for a learner that is not there', async () => {
    const answer = await call('GET');

    expect(answer.status).toBe(404);
    expect(answer.json.code).toBe('NOT_FOUND');
  });
});

describe('PATCH a learner', () => {
  it('changes only the fields sent with one conditional UpdateItem, and answers the learner as changed', async () => {
    dynamo.on(UpdateItemCommand).resolves({
      Attributes: marshall({ ...learnerItem, name: 'Mary S', stage: 5 }),
    });

    const answer = await call('PATCH', { body: { name: 'Mary S', stage: 5 } });

    expect(answer).toEqual({
      status: 200,
      json: { learnerId, name: 'Mary S', stage: 5, classGroup: '4B' },
    });
    const update = dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(update).toMatchObject({
      Key: marshall(learnerKey('GB001', 'primary', learnerId)),
      UpdateExpression: 'SET updatedAt = :at, #name = :name, stage = :stage',
      ConditionExpression: 'attribute_exists(PK)',
      ReturnValues: 'ALL_NEW',
    });
    expect(dynamo.calls()).toHaveLength(2);
  });

  it('removes the class for classGroup null', async () => {
    dynamo.on(UpdateItemCommand).resolves({
      Attributes: marshall(
        { ...learnerItem, classGroup: undefined },
        { removeUndefinedValues: true },
      ),
    });

    const answer = await call('PATCH', { body: { classGroup: null } });

    expect(answer.json).toEqual({ learnerId, name: 'Mary Somerville', stage: 4 });
    expect(dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input.UpdateExpression).toBe(
      'SET updatedAt = :at REMOVE classGroup',
    );
  });

  it('answers 404 when the learner is not there (the condition fails), creating nothing', async () => {
    dynamo
      .on(UpdateItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

    const answer = await call('PATCH', { body: { name: 'Ghost' } });

    expect(answer.status).toBe(404);
    expect(answer.json.code).toBe('NOT_FOUND');
  });

  it.each([
    ['no field', {}],
    ['a stage the site does not teach', { stage: 7 }],
    ['a stage below the site', { stage: 0 }],
    ['an empty name', { name: ' ' }],
    ['an unknown field', { name: 'X', site: 'lower-secondary' }],
    ['an empty class', { classGroup: '' }],
  ])('refuses %s with 400 VALIDATION_FAILED, reading and writing nothing', async (_case, body) => {
    const answer = await call('PATCH', { body });

    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe('VALIDATION_FAILED');
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe('DELETE a learner', () => {
  it('deletes with one DeleteItem, only while resultCount is absent or 0, and answers 204', async () => {
    dynamo.on(DeleteItemCommand).resolves({});

    const answer = await call('DELETE');

    expect(answer).toEqual({ status: 204, json: undefined });
    const remove = dynamo.commandCalls(DeleteItemCommand)[0]?.args[0].input;
    expect(remove).toMatchObject({
      Key: marshall(learnerKey('GB001', 'primary', learnerId)),
      ConditionExpression:
        'attribute_exists(PK) AND (attribute_not_exists(resultCount) OR resultCount = :zero)',
      ExpressionAttributeValues: { ':zero': { N: '0' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('answers 409 LEARNER_HAS_RESULTS when the condition fails on a learner who is there', async () => {
    dynamo.on(DeleteItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'failed',
        $metadata: {},
        Item: marshall({ ...learnerItem, resultCount: 2 }),
      }),
    );

    const answer = await call('DELETE');

    expect(answer.status).toBe(409);
    expect(answer.json).toMatchObject({
      code: 'LEARNER_HAS_RESULTS',
      title: 'The learner has Progression Test results',
    });
  });

  it('answers 404 when the condition fails on no learner', async () => {
    dynamo
      .on(DeleteItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

    const answer = await call('DELETE');

    expect(answer.status).toBe(404);
  });
});

describe('who may use the learner routes', () => {
  it.each([
    ['a teacher without the site', 'lower-teacher', 403, 'FORBIDDEN'],
    ['a coordinator of another centre', 'other-coordinator', 404, 'NOT_FOUND'],
  ])('answers %s %i %s on every method, touching nothing', async (_case, as, status, code) => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const answer = await call(method, {
        as,
        ...(method === 'PATCH' ? { body: { name: 'X' } } : {}),
      });
      expect(answer.status, method).toBe(status);
      expect(answer.json.code).toBe(code);
    }
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('lets the coordinator in without holding the site', async () => {
    dynamo.on(DeleteItemCommand).resolves({});

    expect((await call('DELETE', { as: 'coordinator' })).status).toBe(204);
  });
});

describe('recording a result counts it on the learner', () => {
  const body = {
    learnerId,
    subject: 'mathematics',
    stage: 4,
    series: '2026 Series 1',
    score: 31,
    maxScore: 50,
  };
  const record = () =>
    call('POST', { path: '/centres/{centreId}/sites/{site}/progression-tests', body });

  it("ADDs 1 to the learner's resultCount in the result's transaction, only if the learner exists", async () => {
    dynamo.on(TransactWriteItemsCommand).resolves({});

    const answer = await record();

    expect(answer.status).toBe(201);
    const items = dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems;
    expect(items?.[3]?.Update).toMatchObject({
      Key: marshall(learnerKey('GB001', 'primary', learnerId)),
      UpdateExpression: 'ADD resultCount :one',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':one': { N: '1' } },
    });
    // The transaction checks the learner: no read of them beforehand.
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(1);
  });

  it('answers 400 naming learnerId when the learner is gone by the time of the write', async () => {
    dynamo.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [
          { Code: 'None' },
          { Code: 'None' },
          { Code: 'None' },
          { Code: 'ConditionalCheckFailed' },
        ],
      }),
    );

    const answer = await record();

    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual([
      { path: 'learnerId', message: 'is not a learner of this site' },
    ]);
  });
});

describe("the site's teachers, searched", () => {
  it("queries the word index partition of q's word, then reads status and site on the users it found", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    const result = (await handler(
      httpEvent({
        routeKey: 'GET /centres/{centreId}/sites/{site}/teachers',
        pathParameters: { centreId: 'GB001', site: 'primary' },
        query: { q: ' Áli ', status: 'active' },
        claims: accessClaims('teacher'),
      }) as never,
      context,
    )) as { statusCode: number };

    expect(result.statusCode).toBe(200);
    const queries = dynamo.commandCalls(QueryCommand);
    expect(queries).toHaveLength(1);
    // The index items hold no status or sites (a change of those writes none of them): the
    // Query reads up to the budget, and the filters are read on the users it leads to.
    const input = queries[0]?.args[0].input;
    expect(input).toMatchObject({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :partition',
      Limit: readBudget,
      ExpressionAttributeValues: { ':partition': { S: 'CENTRE#GB001#SEARCH#ali' } },
    });
    expect(input).not.toHaveProperty('FilterExpression');
  });
});
