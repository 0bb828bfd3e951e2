/**
 * Issue 10: support's searches (centres by id or name, people by email or name) and the keys
 * that serve them, checked at the DynamoDB calls they make: one bounded key-range Query or
 * two GetItems, never a Scan, nothing at all for a refused request.
 */
import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toCentreItem } from '../../functions/core/data/centre.js';
import { toUserItem, type User } from '../../functions/core/data/user.js';
import { createAreaHandler } from '../../functions/core/http.js';
import { supportRoutes } from '../../functions/support/routes.js';
import { accessClaims, context, httpEvent } from './fakes/events.js';
import { aUser, fakeIdentity, fixedClock } from './fakes/index.js';

const dynamo = mockClient(DynamoDBClient);
const db = { client: new DynamoDBClient({ region: 'eu-west-2' }), tableName: 'hub' };
const callers: User[] = [
  aUser({ userId: 'support', centreId: null, isSupport: true, sites: [] }),
  aUser({ userId: 'coordinator', isAdmin: true }),
  aUser({ userId: 'teacher' }),
];
const handler = createAreaHandler(
  'support',
  supportRoutes({
    db,
    identity: fakeIdentity(),
    clock: fixedClock(),
    siteRemovals: { start: async () => undefined },
  }),
  { loadCaller: async (id) => callers.find((user) => user.userId === id) },
);

const call = async (routeKey: string, options: Parameters<typeof httpEvent>[0] = { routeKey }) => {
  const result = (await handler(httpEvent({ ...options, routeKey }) as never, context)) as {
    statusCode: number;
    body?: string;
  };
  return { status: result.statusCode, json: result.body ? JSON.parse(result.body) : undefined };
};
const get = (routeKey: string, query: Record<string, string>, as = 'support') =>
  call(routeKey, { routeKey, query, claims: accessClaims(as) });

const centre = (centreId: string, name: string) => ({
  centreId,
  name,
  eligibleSites: ['primary' as const],
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
});

beforeEach(() => {
  dynamo.reset();
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(GetItemCommand).resolves({});
});
afterEach(() => {
  expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
});

describe('the keys that serve the searches', () => {
  it('puts every centre in the name index under its lower-cased name and id', () => {
    expect(toCentreItem(centre('GB001', 'North Park School'))).toMatchObject({
      GSI1PK: 'CENTRES',
      GSI1SK: 'GB001',
      GSI2PK: 'CENTRE_NAMES',
      GSI2SK: 'north park school#GB001',
    });
  });

  it('puts every centre user in the people index by the first two characters of their name', () => {
    expect(toUserItem(aUser({ userId: 'u-1', name: 'Ada Lovelace' }))).toMatchObject({
      GSI4PK: 'PEOPLE#ad',
      GSI4SK: 'ada lovelace#u-1',
    });
    // Two characters, not two UTF-16 code units: no surrogate is split.
    expect(toUserItem(aUser({ userId: 'u-2', name: '😀😀 Smile' })).GSI4PK).toBe('PEOPLE#😀😀');
    // Support staff belong to no centre and are in no centre's index.
    expect(toUserItem(aUser({ centreId: null, isSupport: true }))).not.toHaveProperty('GSI4PK');
  });
});

describe('GET /support/centres?q=', () => {
  const routeKey = 'GET /support/centres';

  it('reads the start of the id range with one Query of GSI1 when q has a digit, upper-cased', async () => {
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [marshall(toCentreItem(centre('GB001', 'North Park School')))] });

    const answer = await get(routeKey, { q: ' gb0 ', limit: '20' });

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      items: [{ centreId: 'GB001', name: 'North Park School', eligibleSites: ['primary'] }],
      nextCursor: null,
    });
    const queries = dynamo.commandCalls(QueryCommand);
    expect(queries).toHaveLength(1);
    expect(queries[0]?.args[0].input).toMatchObject({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :partition AND begins_with(GSI1SK, :prefix)',
      ExpressionAttributeValues: { ':partition': { S: 'CENTRES' }, ':prefix': { S: 'GB0' } },
      Limit: 20,
    });
    expect(queries[0]?.args[0].input.FilterExpression).toBeUndefined();
  });

  it('reads the start of the name range with one Query of the name index otherwise, lower-cased', async () => {
    await get(routeKey, { q: 'North PARK' });

    const queries = dynamo.commandCalls(QueryCommand);
    expect(queries).toHaveLength(1);
    expect(queries[0]?.args[0].input).toMatchObject({
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :partition AND begins_with(GSI2SK, :prefix)',
      ExpressionAttributeValues: {
        ':partition': { S: 'CENTRE_NAMES' },
        ':prefix': { S: 'north park' },
      },
      Limit: 50,
    });
  });

  it('lists every centre by id without q, as before', async () => {
    await get(routeKey, {});

    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :partition',
    });
  });

  it('refuses an empty or long q, or a cursor outside the prefix, before reading anything', async () => {
    const cursor = Buffer.from(
      JSON.stringify({
        PK: 'CENTRE#GB002',
        SK: 'CENTRE',
        GSI2PK: 'CENTRE_NAMES',
        GSI2SK: 'south#GB002',
      }),
    ).toString('base64url');
    const queries: Record<string, string>[] = [
      { q: '' },
      { q: '   ' },
      { q: 'x'.repeat(101) },
      { q: 'north', cursor },
    ];
    for (const query of queries) {
      const answer = await get(routeKey, query);
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.json.code).toBe('VALIDATION_FAILED');
    }
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('moves the name index with the name when a centre is renamed', async () => {
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: marshall(toCentreItem(centre('GB001', 'Old Name'))) });
    dynamo.on(TransactWriteItemsCommand).resolves({});

    const answer = await call('PATCH /support/centres/{centreId}', {
      routeKey: 'PATCH /support/centres/{centreId}',
      pathParameters: { centreId: 'GB001' },
      body: JSON.stringify({ name: 'New Name' }),
      claims: accessClaims('support'),
    });

    expect(answer.status).toBe(200);
    const update =
      dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems?.[0]?.Update;
    expect(update?.UpdateExpression).toContain('GSI2SK = :nameKey');
    expect(update?.ExpressionAttributeValues).toMatchObject({
      ':namesPartition': { S: 'CENTRE_NAMES' },
      ':nameKey': { S: 'new name#GB001' },
    });
  });
});

describe('GET /support/users?q=', () => {
  const routeKey = 'GET /support/users';
  const ada = aUser({ userId: 'u-ada', centreId: 'GB007', name: 'Ada Lovelace' });

  it('finds one person by exact email with two GetItems (the marker, then the user) and no Query', async () => {
    dynamo
      .on(GetItemCommand, { Key: marshall({ PK: 'EMAIL#ada@school.example', SK: 'EMAIL' }) })
      .resolves({ Item: marshall({ PK: 'EMAIL#ada@school.example', userId: 'u-ada' }) })
      .on(GetItemCommand, { Key: marshall({ PK: 'USER#u-ada', SK: 'USER' }) })
      .resolves({ Item: marshall(toUserItem(ada)) });

    const answer = await get(routeKey, { q: ' Ada@School.Example ' });

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      items: [
        expect.objectContaining({ userId: 'u-ada', centreId: 'GB007', name: 'Ada Lovelace' }),
      ],
      nextCursor: null,
    });
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(2);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('answers an unknown email with an empty page after one read', async () => {
    const answer = await get(routeKey, { q: 'nobody@school.example' });

    expect(answer.json).toEqual({ items: [], nextCursor: null });
    expect(dynamo.calls()).toHaveLength(1);
  });

  it('reads the start of one name partition of GSI4 with one Query, by the first two characters of q', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [marshall(toUserItem(ada))] });

    const answer = await get(routeKey, { q: 'ADA Lov', limit: '10' });

    expect(answer.json.items).toEqual([
      expect.objectContaining({ userId: 'u-ada', centreId: 'GB007' }),
    ]);
    const queries = dynamo.commandCalls(QueryCommand);
    expect(queries).toHaveLength(1);
    expect(queries[0]?.args[0].input).toMatchObject({
      IndexName: 'GSI4',
      KeyConditionExpression: 'GSI4PK = :partition AND begins_with(GSI4SK, :prefix)',
      ExpressionAttributeValues: { ':partition': { S: 'PEOPLE#ad' }, ':prefix': { S: 'ada lov' } },
      Limit: 10,
    });
  });

  it.each([
    ['no q', {}],
    ['an empty q', { q: '' }],
    ['a one-character q', { q: 'a' }],
    ['one character of two code units', { q: '😀' }],
    ['a q longer than an email may be', { q: `${'a'.repeat(250)}@b.co` }],
    [
      'a cursor of another partition',
      {
        q: 'ada',
        cursor: Buffer.from(
          JSON.stringify({ PK: 'USER#x', SK: 'USER', GSI4PK: 'PEOPLE#bo', GSI4SK: 'bob#x' }),
        ).toString('base64url'),
      },
    ],
    [
      'a cursor outside the prefix',
      {
        q: 'ada l',
        cursor: Buffer.from(
          JSON.stringify({ PK: 'USER#x', SK: 'USER', GSI4PK: 'PEOPLE#ad', GSI4SK: 'adam#x' }),
        ).toString('base64url'),
      },
    ],
    ['a cursor with an email', { q: 'ada@school.example', cursor: 'abc' }],
  ])('refuses %s with 400 VALIDATION_FAILED before reading anything', async (_case, query) => {
    const answer = await get(routeKey, query as Record<string, string>);

    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe('VALIDATION_FAILED');
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('says what a one-character q lacks', async () => {
    const answer = await get(routeKey, { q: 'a' });

    expect(answer.json.errors).toEqual([
      { path: 'query.q', message: 'must be an email address or at least 2 characters of a name' },
    ]);
  });

  it('is for support only: a coordinator and a teacher get 403, and nothing is read', async () => {
    for (const as of ['coordinator', 'teacher']) {
      const answer = await get(routeKey, { q: 'ada' }, as);
      expect(answer.status).toBe(403);
      expect(answer.json.code).toBe('FORBIDDEN');
    }
    expect(dynamo.calls()).toHaveLength(0);
  });
});
