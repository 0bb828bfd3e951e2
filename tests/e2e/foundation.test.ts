/**
 * The first slice, end to end over HTTP against the real emulators: support creates a
 * centre, its coordinator is invited by email, signs in, sets a password and reaches their
 * own centre, and nothing else.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { routeList } from '../../functions/core/routes.js';
import { localDynamoDb } from '../support/emulators.js';
import {
  api,
  centreWithCoordinator,
  emailsAfter,
  emailsArrived,
  emailsTo,
  hub,
  lastEmailTo,
  secretLine,
  signIn,
  supportToken,
  uniqueCentreId,
  uniqueEmail,
} from '../support/hub.js';

describe('public routes', () => {
  it('answers GET /health', async () => {
    const answer = await api('GET', '/health');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI 3.1 document with every route of the route table', async () => {
    const answer = await api('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.json.openapi).toBe('3.1.0');
    for (const route of routeList)
      expect(
        answer.json.paths[route.path]?.[route.method.toLowerCase()]?.operationId,
        route.routeKey,
      ).toBe(route.operationId);
    const login = answer.json.paths['/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const answer = await api('GET', '/no/such/route');
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.json.code).toBe('NOT_FOUND');
  });
});

describe('support creates a centre and its first coordinator is invited', () => {
  it('signs support in with no password change and answers GET /me', async () => {
    const tokens = await signIn(hub().support.email, hub().support.password);
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number) });
    const me = await api('GET', '/me', { token: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ email: hub().support.email, status: 'active' });
  });

  it('invites the coordinator by email from the noreply address; they sign in, set a password and reach their centre', async () => {
    const token = await supportToken();
    const centreId = uniqueCentreId();
    const email = uniqueEmail('Coordinator');

    const created = await api('POST', '/support/centres', {
      token,
      body: {
        centreId,
        name: 'Riverside Primary',
        eligibleSites: ['primary', 'lower-secondary'],
        coordinator: { name: 'Grace Hopper', email: `  ${email.toUpperCase()} ` },
      },
    });

    expect(created.status).toBe(201);
    expect(created.json.centre).toEqual({
      centreId,
      name: 'Riverside Primary',
      eligibleSites: ['primary', 'lower-secondary'],
    });
    expect(created.json.coordinator).toMatchObject({
      centreId,
      name: 'Grace Hopper',
      email: email.toLowerCase(),
      isAdmin: true,
      status: 'invited',
      sites: ['primary', 'lower-secondary'],
    });

    const invitation = await lastEmailTo(email);
    expect(invitation.from).toBe('noreply@cambridgeinternational.org');
    const temporary = secretLine(invitation.text, 'Temporary password');

    const challenge = await api('POST', '/auth/login', { body: { email, password: temporary } });
    expect(challenge.status).toBe(200);
    expect(challenge.json).toEqual({
      challenge: 'NEW_PASSWORD_REQUIRED',
      session: expect.any(String),
    });

    const weak = await api('POST', '/auth/new-password', {
      body: { email, session: challenge.json.session, newPassword: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(weak.json.code).toBe('WEAK_PASSWORD');

    const tokens = await api('POST', '/auth/new-password', {
      body: { email, session: challenge.json.session, newPassword: 'Analytical-Engine-1843' },
    });
    expect(tokens.status).toBe(200);
    const accessToken = tokens.json.accessToken as string;

    const me = await api('GET', '/me', { token: accessToken });
    expect(me.json).toMatchObject({
      email: email.toLowerCase(),
      status: 'active',
      isAdmin: true,
      centreId,
    });
    const centre = await api('GET', `/centres/${centreId}`, { token: accessToken });
    expect(centre.status).toBe(200);
    expect(centre.json.name).toBe('Riverside Primary');

    const again = await signIn(email, 'Analytical-Engine-1843');
    expect(again.accessToken).toBeTruthy();
  });

  it('refreshes tokens without a new refresh token', async () => {
    const { tokens } = await centreWithCoordinator();
    const refreshed = await api('POST', '/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json).toMatchObject({ accessToken: expect.any(String), tokenType: 'Bearer' });
    expect((await api('GET', '/me', { token: refreshed.json.accessToken })).status).toBe(200);
  });

  it('keeps a coordinator to their own centre and off support routes', async () => {
    const mine = await centreWithCoordinator();
    const other = await centreWithCoordinator();
    const token = mine.tokens.accessToken;

    expect((await api('GET', `/centres/${other.centreId}`, { token })).status).toBe(404);
    expect((await api('GET', '/centres/GB0000000', { token })).status).toBe(404);
    const support = await api('GET', '/support/centres', { token });
    expect(support.status).toBe(403);
    expect(support.json.code).toBe('FORBIDDEN');
    const create = await api('POST', '/support/centres', {
      token,
      body: {
        centreId: uniqueCentreId(),
        name: 'X',
        eligibleSites: [],
        coordinator: { name: 'X', email: uniqueEmail() },
      },
    });
    expect(create.status).toBe(403);
  });

  it('lets support read any centre and page through every centre', async () => {
    const { centreId } = await centreWithCoordinator();
    const token = await supportToken();
    expect((await api('GET', `/centres/${centreId}`, { token })).json.centreId).toBe(centreId);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        json: { items: { centreId: string }[]; nextCursor: string | null };
      } = await api('GET', `/support/centres?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token,
      });
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.items.map((centre) => centre.centreId));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toContain(centreId);
    expect([...seen].sort()).toEqual(seen);
  });
});

describe('creating a centre changes nothing when refused', () => {
  it('refuses an existing centre id with CENTRE_EXISTS and sends no email', async () => {
    const { centreId, supportToken: token } = await centreWithCoordinator();
    const email = uniqueEmail();
    const again = await api('POST', '/support/centres', {
      token,
      body: { centreId, name: 'Copy', eligibleSites: [], coordinator: { name: 'Someone', email } },
    });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('CENTRE_EXISTS');
    expect(await emailsTo(email)).toEqual([]);
    const login = await api('POST', '/auth/login', { body: { email, password: 'Anything-123' } });
    expect(login.status).toBe(401);
  });

  it('refuses a coordinator email already used by any account, and creates no centre', async () => {
    const { email: taken, supportToken: token } = await centreWithCoordinator();
    const centreId = uniqueCentreId();
    const answer = await api('POST', '/support/centres', {
      token,
      body: {
        centreId,
        name: 'Second',
        eligibleSites: ['primary'],
        coordinator: { name: 'Twin', email: taken.toUpperCase() },
      },
    });
    expect(answer.status).toBe(409);
    expect(answer.json.code).toBe('EMAIL_TAKEN');
    expect(answer.text).not.toContain('GB');
    expect((await api('GET', `/centres/${centreId}`, { token })).status).toBe(404);
  });

  it('answers a retry with the same Idempotency-Key with the first answer, doing the work once', async () => {
    const token = await supportToken();
    const email = uniqueEmail();
    const body = {
      centreId: uniqueCentreId(),
      name: 'Once',
      eligibleSites: ['primary'],
      coordinator: { name: 'Once', email },
    };
    const headers = { 'idempotency-key': `create-${body.centreId}` };

    const first = await api('POST', '/support/centres', { token, body, headers });
    const retry = await api('POST', '/support/centres', { token, body, headers });
    const reused = await api('POST', '/support/centres', {
      token,
      body: { ...body, name: 'Changed' },
      headers,
    });

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(reused.status).toBe(409);
    expect(reused.json.code).toBe('IDEMPOTENCY_CONFLICT');
    // One invitation, however long the outbox takes: the first, then nothing more.
    await emailsArrived(email, 1);
    expect(await emailsAfter(email, 0, 500)).toHaveLength(1);
  });
});

describe('sign-in refuses without revealing why', () => {
  it('answers a wrong password and an unknown email with the same 401', async () => {
    const { email } = await centreWithCoordinator();
    const wrong = await api('POST', '/auth/login', {
      body: { email, password: 'Not-The-Password-1' },
    });
    const unknown = await api('POST', '/auth/login', {
      body: { email: uniqueEmail(), password: 'Not-The-Password-1' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const { requestId: _a, ...wrongBody } = wrong.json;
    const { requestId: _b, ...unknownBody } = unknown.json;
    expect(wrongBody).toEqual(unknownBody);
    expect(wrongBody.code).toBe('INVALID_CREDENTIALS');
  });

  it('gives no challenge for a wrong temporary password, and a session works once, for its own email only', async () => {
    const token = await supportToken();
    const email = uniqueEmail();
    await api('POST', '/support/centres', {
      token,
      body: {
        centreId: uniqueCentreId(),
        name: 'S',
        eligibleSites: [],
        coordinator: { name: 'S', email },
      },
    });
    const wrong = await api('POST', '/auth/login', {
      body: { email, password: 'Wrong-Temporary-1' },
    });
    expect(wrong.status).toBe(401);

    const temporary = secretLine((await lastEmailTo(email)).text, 'Temporary password');
    const { json } = await api('POST', '/auth/login', { body: { email, password: temporary } });
    const otherEmail = await api('POST', '/auth/new-password', {
      body: { email: uniqueEmail(), session: json.session, newPassword: 'Good-Password-123' },
    });
    expect(otherEmail.status).toBe(401);
    const made = await api('POST', '/auth/new-password', {
      body: { email, session: json.session, newPassword: 'Good-Password-123' },
    });
    expect(made.status).toBe(200);
    const replay = await api('POST', '/auth/new-password', {
      body: { email, session: json.session, newPassword: 'Other-Password-123' },
    });
    expect(replay.status).toBe(401);
    expect(replay.json.code).toBe('INVALID_CREDENTIALS');
  });

  it("refuses a suspended user's token on the next request, and their sign-in", async () => {
    const { email, coordinator, tokens } = await centreWithCoordinator();
    await localDynamoDb().send(
      new UpdateItemCommand({
        TableName: hub().tableName,
        Key: { PK: { S: `USER#${coordinator.userId}` }, SK: { S: 'USER' } },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'suspended' } },
      }),
    );
    const me = await api('GET', '/me', { token: tokens.accessToken });
    expect(me.status).toBe(401);
    expect(me.json.code).toBe('UNAUTHENTICATED');
    const login = await api('POST', '/auth/login', {
      body: { email, password: 'Chosen-Password-42' },
    });
    expect(login.status).toBe(401);
    expect(login.json.code).toBe('INVALID_CREDENTIALS');
    const refresh = await api('POST', '/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(refresh.status).toBe(401);
  });
});
