import { describe, expect, it, vi } from 'vitest';
import { centresRoutes } from '../../functions/centres/routes.js';
import type { Db } from '../../functions/core/data/db.js';
import type { User } from '../../functions/core/data/user.js';
import { createAreaHandler } from '../../functions/core/http.js';
import { meRoutes } from '../../functions/me/routes.js';
import { supportRoutes } from '../../functions/support/routes.js';
import { accessClaims, context, httpEvent } from './fakes/events.js';
import { aUser, consoleUrl, fakeIdentity, fakeMailer, fixedClock } from './fakes/index.js';

type Result = { statusCode: number; headers: Record<string, string>; body?: string };

function meHandler(users: User[]) {
  const loadCaller = vi.fn(async (id: string) => users.find((user) => user.userId === id));
  const deps = {
    db: { client: { send: vi.fn() }, tableName: 't' } as unknown as Db,
    identity: fakeIdentity(),
    mailer: fakeMailer(),
    consoleUrl,
    limiter: { take: vi.fn(), counting: vi.fn() },
    clock: fixedClock(),
  };
  return { handler: createAreaHandler('me', meRoutes(deps), { loadCaller }), loadCaller };
}

const call = async (handler: (e: never, c: never) => Promise<unknown>, event: unknown) => {
  const result = (await handler(event as never, context as never)) as Result;
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
};

describe('the request pipeline: who is calling', () => {
  it('answers the signed-in user from their record', async () => {
    const { handler } = meHandler([aUser()]);
    const response = await call(
      handler,
      httpEvent({ routeKey: 'GET /me', claims: accessClaims('user-1') }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({
      userId: 'user-1',
      email: 'ada@school.example',
      status: 'active',
    });
    expect(response.json).not.toHaveProperty('tokensValidAfter');
  });

  it.each([
    ['no authorizer claims at all', undefined],
    ['an id token instead of an access token', { ...accessClaims('user-1'), token_use: 'id' }],
    ['a token for a user with no record (deleted)', accessClaims('gone')],
    ['a token issued before the user signed out', accessClaims('user-1', 1_700_000_000)],
  ])('refuses %s with 401 UNAUTHENTICATED as problem+json', async (_case, claims) => {
    const { handler } = meHandler([aUser({ tokensValidAfter: 1_750_000_000 })]);
    const response = await call(handler, httpEvent({ routeKey: 'GET /me', claims }));
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.json).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it("refuses a suspended user's still-valid token on the very next request", async () => {
    const { handler } = meHandler([aUser({ status: 'suspended' })]);
    const response = await call(
      handler,
      httpEvent({ routeKey: 'GET /me', claims: accessClaims('user-1') }),
    );
    expect(response.statusCode).toBe(401);
    expect(response.json.code).toBe('UNAUTHENTICATED');
  });

  it('reads the caller record once per request', async () => {
    const { handler, loadCaller } = meHandler([aUser()]);
    await call(handler, httpEvent({ routeKey: 'GET /me', claims: accessClaims('user-1') }));
    expect(loadCaller).toHaveBeenCalledTimes(1);
  });
});

describe('the request pipeline: a route that takes no body', () => {
  it.each([
    ['an empty array', '[]', 'application/json'],
    ['an object with a key', '{"__proto__":1}', 'application/json'],
    ['text', 'hello', 'text/plain'],
    ['form data', 'a=1', 'application/x-www-form-urlencoded'],
    ['JSON with no content type', '{}', ''],
    ['a body over 256 KiB', `"${'x'.repeat(300_000)}"`, 'application/json'],
  ])(
    'refuses %s with 400 VALIDATION_FAILED, whatever its type or size',
    async (_case, body, type) => {
      const { handler } = meHandler([aUser()]);
      const response = await call(
        handler,
        httpEvent({
          routeKey: 'GET /me',
          claims: accessClaims('user-1'),
          body,
          headers: { 'content-type': type },
        }),
      );
      expect(response.statusCode).toBe(400);
      expect(response.json).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path: '', message: 'this route takes no body' }],
      });
    },
  );

  it('lets through the empty JSON object some clients send with every request', async () => {
    const { handler } = meHandler([aUser()]);
    const response = await call(
      handler,
      httpEvent({ routeKey: 'GET /me', claims: accessClaims('user-1'), body: '{}' }),
    );
    expect(response.statusCode).toBe(200);
  });
});

describe('the request pipeline: who may call which route', () => {
  const db = {
    client: { send: vi.fn(async () => ({ Item: undefined })) },
    tableName: 't',
  } as unknown as Db;
  const users = [
    aUser({ userId: 'coordinator', isAdmin: true }),
    aUser({ userId: 'teacher' }),
    aUser({ userId: 'support', centreId: null, isSupport: true }),
  ];
  const deps = { loadCaller: async (id: string) => users.find((user) => user.userId === id) };
  const centres = createAreaHandler(
    'centres',
    centresRoutes({
      db,
      identity: fakeIdentity(),
      workflows: { start: vi.fn() },
      limiter: { take: vi.fn(), counting: vi.fn() },
      clock: fixedClock(),
    }),
    deps,
  );
  const support = createAreaHandler(
    'support',
    supportRoutes({
      db,
      identity: fakeIdentity(),
      clock: fixedClock(),
      siteRemovals: { start: vi.fn() },
    }),
    deps,
  );
  const getCentre = (sub: string, centreId: string) =>
    httpEvent({
      routeKey: 'GET /centres/{centreId}',
      path: `/centres/${centreId}`,
      pathParameters: { centreId },
      claims: accessClaims(sub),
    });

  it('answers 404 to a coordinator asking for another centre, revealing nothing', async () => {
    const response = await call(centres, getCentre('coordinator', 'GB999'));
    expect(response.statusCode).toBe(404);
    expect(response.json.code).toBe('NOT_FOUND');
  });

  it('answers 403 FORBIDDEN to a teacher on a coordinator route of their own centre', async () => {
    const response = await call(centres, getCentre('teacher', 'GB001'));
    expect(response.statusCode).toBe(403);
    expect(response.json.code).toBe('FORBIDDEN');
  });

  it('lets support reach any centre (404 here only because the centre does not exist)', async () => {
    const response = await call(centres, getCentre('support', 'GB999'));
    expect(response.statusCode).toBe(404);
    expect(response.json.detail).toBe('No such centre');
  });

  it('answers 403 to a coordinator on a support-only route', async () => {
    const response = await call(
      support,
      httpEvent({ routeKey: 'GET /support/centres', claims: accessClaims('coordinator') }),
    );
    expect(response.statusCode).toBe(403);
  });
});

describe('the request pipeline: bad input changes nothing', () => {
  const send = vi.fn();
  const db = { client: { send }, tableName: 't' } as unknown as Db;
  const identity = fakeIdentity();
  const support = createAreaHandler(
    'support',
    supportRoutes({
      db,
      identity,
      clock: fixedClock(),
      siteRemovals: { start: vi.fn() },
    }),
    { loadCaller: async () => aUser({ userId: 'support', centreId: null, isSupport: true }) },
  );
  const createCentre = (body: string, headers: Record<string, string> = {}) =>
    httpEvent({
      routeKey: 'POST /support/centres',
      body,
      headers,
      claims: accessClaims('support'),
    });
  const valid = {
    centreId: 'GB001',
    name: 'Example School',
    eligibleSites: ['primary'],
    coordinator: { name: 'Ada', email: 'ada@school.example' },
  };

  it.each([
    ['malformed JSON', '{"centreId": ', 400, 'VALIDATION_FAILED', ''],
    ['a JSON array instead of an object', '[]', 400, 'VALIDATION_FAILED', ''],
    [
      'a field of the wrong type',
      JSON.stringify({ ...valid, eligibleSites: 'primary' }),
      400,
      'VALIDATION_FAILED',
      'eligibleSites',
    ],
    ['an unknown field', JSON.stringify({ ...valid, isAdmin: true }), 400, 'VALIDATION_FAILED', ''],
    [
      'an unknown nested field',
      JSON.stringify({ ...valid, coordinator: { ...valid.coordinator, role: 'x' } }),
      400,
      'VALIDATION_FAILED',
      'coordinator',
    ],
    [
      'a bad email',
      JSON.stringify({ ...valid, coordinator: { name: 'Ada', email: 'not-an-email' } }),
      400,
      'VALIDATION_FAILED',
      'coordinator.email',
    ],
    [
      'an unknown site',
      JSON.stringify({ ...valid, eligibleSites: ['secondary'] }),
      400,
      'VALIDATION_FAILED',
      'eligibleSites.0',
    ],
    [
      'a centre id in the wrong shape',
      JSON.stringify({ ...valid, centreId: 'gb-1' }),
      400,
      'VALIDATION_FAILED',
      'centreId',
    ],
    [
      'a name with markup',
      JSON.stringify({ ...valid, name: '<script>' }),
      400,
      'VALIDATION_FAILED',
      'name',
    ],
    [
      'an oversized body',
      JSON.stringify({ ...valid, name: 'x'.repeat(300_000) }),
      413,
      'PAYLOAD_TOO_LARGE',
      undefined,
    ],
  ])('%s → %i %s, and nothing is written', async (_case, body, status, code, path) => {
    send.mockClear();
    const response = await call(support, createCentre(body));
    expect(response.statusCode).toBe(status);
    expect(response.json.code).toBe(code);
    if (path !== undefined)
      expect(response.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(response.body).not.toMatch(/at .*\.ts:\d+|Exception/);
    expect(send).not.toHaveBeenCalled();
    expect(identity.calls).toEqual([]);
  });

  it('refuses a body that is not sent as application/json', async () => {
    const response = await call(
      support,
      createCentre(JSON.stringify(valid), { 'content-type': 'text/plain' }),
    );
    expect(response.statusCode).toBe(415);
    expect(send).not.toHaveBeenCalled();
  });

  it('refuses a query parameter it does not know, or a limit out of range', async () => {
    for (const query of [
      { colour: 'red' },
      { limit: '0' },
      { limit: '101' },
      { limit: 'ten' },
    ] as Record<string, string>[]) {
      const response = await call(
        support,
        httpEvent({ routeKey: 'GET /support/centres', query, claims: accessClaims('support') }),
      );
      expect(response.statusCode, JSON.stringify(query)).toBe(400);
      expect(response.json.code).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses a tampered cursor before reading anything', async () => {
    send.mockClear();
    const cursor = Buffer.from(
      JSON.stringify({ GSI1PK: 'CENTRE#GB002#USERS', GSI1SK: 'x', PK: 'x', SK: 'y' }),
    ).toString('base64url');
    const response = await call(
      support,
      httpEvent({
        routeKey: 'GET /support/centres',
        query: { cursor },
        claims: accessClaims('support'),
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json.errors[0].path).toBe('cursor');
    expect(send).not.toHaveBeenCalled();
  });

  it('turns an unexpected failure into a bare 500 with no AWS text', async () => {
    send.mockRejectedValueOnce(
      Object.assign(new Error('User: arn:aws:iam::123:role/x is not authorized'), {
        name: 'AccessDeniedException',
      }),
    );
    const response = await call(
      support,
      httpEvent({ routeKey: 'GET /support/centres', claims: accessClaims('support') }),
    );
    expect(response.statusCode).toBe(500);
    expect(response.json.code).toBe('INTERNAL');
    expect(response.body).not.toContain('arn:aws');
    expect(response.body).not.toContain('AccessDenied');
  });
});
