/**
 * Issue 3: "Bad input of every kind gets the documented 4xx and changes nothing; show the
 * cases tried." Each case is sent to one centre, and the centre's users, its audit log and
 * the target's inbox are read before and after to prove nothing changed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeUser,
  addUsers,
  api,
  auditOf,
  centreWithCoordinator,
  defaultPassword,
  emailsTo,
  problemBody,
  tryLogin,
  uniqueEmail,
  userRow,
  usersOf,
} from '../support/hub.js';

let centreId: string;
let token: string;
let target: { userId: string; email: string };

beforeAll(async () => {
  const centre = await centreWithCoordinator(['primary']);
  centreId = centre.centreId;
  token = centre.tokens.accessToken;
  target = (await activeUser(centreId, token, { sites: ['primary'] })).user;
});

const snapshot = async () => ({
  users: await usersOf(centreId, token),
  audit: await auditOf(centreId, token),
  inbox: (await emailsTo(target.email)).length,
});

interface Case {
  method: string;
  path: () => string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
}
const json = { 'content-type': 'application/json' };
const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
const users = () => `/centres/${centreId}/users`;
const user = (action = '') => `/centres/${centreId}/users/${target.userId}${action}`;

describe('bad input is refused with a documented problem and changes nothing', () => {
  it.each<[string, Case]>([
    // POST /centres/{id}/users: the envelope
    [
      'add users: malformed JSON',
      {
        method: 'POST',
        path: users,
        rawBody: '{"users": [',
        headers: json,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'add users: no body at all',
      { method: 'POST', path: users, status: 400, code: 'VALIDATION_FAILED' },
    ],
    [
      'add users: a JSON string as the body',
      {
        method: 'POST',
        path: users,
        rawBody: '"users"',
        headers: json,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'add users: JSON null as the body',
      {
        method: 'POST',
        path: users,
        rawBody: 'null',
        headers: json,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'add users: users is a number',
      { method: 'POST', path: users, body: { users: 3 }, status: 400, code: 'VALIDATION_FAILED' },
    ],
    [
      'add users: a body over 256 KiB',
      {
        method: 'POST',
        path: users,
        body: { users: [{ name: 'N'.repeat(300_000), email: 'big@school.example' }] },
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
    ],
    [
      'add users: a malformed Idempotency-Key',
      {
        method: 'POST',
        path: users,
        body: { users: [userRow()] },
        headers: { 'idempotency-key': 'x' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    // PATCH /centres/{id}/users/{userId}
    [
      'edit: malformed JSON',
      {
        method: 'PATCH',
        path: user,
        rawBody: '{"isAdmin":',
        headers: json,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'edit: no body at all',
      { method: 'PATCH', path: user, status: 400, code: 'VALIDATION_FAILED' },
    ],
    [
      'edit: a list as the body',
      {
        method: 'PATCH',
        path: user,
        body: [{ isAdmin: true }],
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'edit: an unknown field',
      {
        method: 'PATCH',
        path: user,
        body: { isAdmin: true, status: 'active' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'edit: isAdmin as a string',
      {
        method: 'PATCH',
        path: user,
        body: { isAdmin: 'true' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'edit: an invalid email',
      {
        method: 'PATCH',
        path: user,
        body: { email: 'not-an-email' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'edit: an empty email',
      {
        method: 'PATCH',
        path: user,
        body: { email: '   ' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'edit: an email that is a number',
      { method: 'PATCH', path: user, body: { email: 42 }, status: 400, code: 'VALIDATION_FAILED' },
    ],
    [
      'edit: sites as a string',
      {
        method: 'PATCH',
        path: user,
        body: { sites: 'primary' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'edit: an unknown site',
      {
        method: 'PATCH',
        path: user,
        body: { sites: ['moon'] },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'edit: a site repeated',
      {
        method: 'PATCH',
        path: user,
        body: { sites: ['primary', 'primary'] },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'edit: an ineligible site',
      {
        method: 'PATCH',
        path: user,
        body: { sites: ['advanced'] },
        status: 400,
        code: 'SITE_NOT_ELIGIBLE',
      },
    ],
    [
      'edit: a name',
      {
        method: 'PATCH',
        path: user,
        body: { name: 'New Name' },
        status: 403,
        code: 'NAME_CHANGE_FORBIDDEN',
      },
    ],
    [
      'edit: an invalid email beside a valid change',
      {
        method: 'PATCH',
        path: user,
        body: { isAdmin: true, email: 'nope' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    // Routes that take no body
    [
      'suspend: with a body',
      {
        method: 'POST',
        path: () => user('/suspend'),
        body: { reason: 'x' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'restore: with a body',
      {
        method: 'POST',
        path: () => user('/restore'),
        body: { reason: 'x' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'password reset: with a body',
      {
        method: 'POST',
        path: () => user('/password-reset'),
        body: { email: 'x@school.example' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'invitation: with a body',
      {
        method: 'POST',
        path: () => user('/invitation'),
        body: { force: true },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'invitation: for an active user',
      { method: 'POST', path: () => user('/invitation'), status: 409, code: 'NOT_INVITED' },
    ],
    // Paths naming nobody
    [
      'get: a user id that does not exist',
      {
        method: 'GET',
        path: () => `${users()}/00000000-0000-0000-0000-000000000000`,
        status: 404,
        code: 'NOT_FOUND',
      },
    ],
    [
      'edit: a user id that does not exist',
      {
        method: 'PATCH',
        path: () => `${users()}/00000000-0000-0000-0000-000000000000`,
        body: { isAdmin: true },
        status: 404,
        code: 'NOT_FOUND',
      },
    ],
    [
      'suspend: a user id that does not exist',
      {
        method: 'POST',
        path: () => `${users()}/00000000-0000-0000-0000-000000000000/suspend`,
        status: 404,
        code: 'NOT_FOUND',
      },
    ],
    [
      'restore: a malformed user id',
      {
        method: 'POST',
        path: () => `${users()}/not%20an%20id!/restore`,
        status: 404,
        code: 'NOT_FOUND',
      },
    ],
    [
      'password reset: a malformed centre id',
      {
        method: 'POST',
        path: () => `/centres/gb-1/users/${target.userId}/password-reset`,
        status: 404,
        code: 'NOT_FOUND',
      },
    ],
    [
      'audit: a bad cursor',
      {
        method: 'GET',
        path: () => `/centres/${centreId}/audit?cursor=%%%`,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    // Tampered cursors (base64url JSON DynamoDB would refuse as a start key): once 500s.
    [
      'list: a cursor holding only the partition key',
      {
        method: 'GET',
        path: () => `${users()}?cursor=${cursorOf({ GSI1PK: `CENTRE#${centreId}#USERS` })}`,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'list: a cursor with an extra key attribute',
      {
        method: 'GET',
        path: () =>
          `${users()}?cursor=${cursorOf({
            PK: 'USER#x',
            SK: 'USER',
            GSI1PK: `CENTRE#${centreId}#USERS`,
            GSI1SK: 'a#x',
            GSI2PK: `CENTRE#${centreId}#STATUS#active`,
          })}`,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'audit: an empty cursor key',
      {
        method: 'GET',
        path: () => `/centres/${centreId}/audit?cursor=${cursorOf({})}`,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    // The local server once dropped `__proto__` (a plain object's setter); API Gateway passes it.
    [
      'list: a query parameter named __proto__',
      {
        method: 'GET',
        path: () => `${users()}?__proto__=1`,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'list: a query parameter named constructor',
      {
        method: 'GET',
        path: () => `${users()}?constructor=1`,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'list: a bad status',
      {
        method: 'GET',
        path: () => `${users()}?status=gone`,
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    // POST /auth/reset-password (public)
    [
      'reset-password: no code',
      {
        method: 'POST',
        path: () => '/auth/reset-password',
        body: { email: 'x@school.example', newPassword: 'Good-Password-123' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'reset-password: a code of letters',
      {
        method: 'POST',
        path: () => '/auth/reset-password',
        body: { email: 'x@school.example', code: 'abcdef', newPassword: 'Good-Password-123' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'reset-password: an unknown field',
      {
        method: 'POST',
        path: () => '/auth/reset-password',
        body: {
          email: 'x@school.example',
          code: '123456',
          newPassword: 'Good-Password-123',
          userId: 'x',
        },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'reset-password: an invalid email',
      {
        method: 'POST',
        path: () => '/auth/reset-password',
        body: { email: 'nope', code: '123456', newPassword: 'Good-Password-123' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    [
      'reset-password: a weak new password',
      {
        method: 'POST',
        path: () => '/auth/reset-password',
        body: { email: 'x@school.example', code: '123456', newPassword: 'short' },
        status: 400,
        code: 'WEAK_PASSWORD',
      },
    ],
    [
      'reset-password: a wrong code for a real user',
      {
        method: 'POST',
        path: () => '/auth/reset-password',
        body: {
          get email() {
            return target.email;
          },
          code: '000000',
          newPassword: 'Good-Password-123',
        },
        status: 400,
        code: 'INVALID_CODE',
      },
    ],
  ])('%s', async (_case, request) => {
    // Arrange
    const before = await snapshot();

    // Act
    const answer = await api(request.method, request.path(), {
      token,
      body: request.body,
      rawBody: request.rawBody,
      headers: request.headers,
    });

    // Assert
    expect(answer.status, answer.text).toBe(request.status);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.json).toMatchObject(problemBody(request.status, request.code));
    expect(answer.text).not.toMatch(/Exception|\sat \S+\.[jt]s|arn:aws/);
    expect(await snapshot()).toEqual(before);
  });

  it('still lets the target sign in with their password after every refused request', async () => {
    expect((await tryLogin(target.email, defaultPassword)).status).toBe(200);
  });
});

describe('bad rows are refused alone and create nobody', () => {
  it.each<[string, Record<string, unknown>]>([
    ['isAdmin as a string', { isAdmin: 'yes' }],
    ['sites as a string', { sites: 'primary' }],
    ['an unknown site', { sites: ['moon'] }],
    ['a site repeated', { sites: ['primary', 'primary'] }],
    ['a name of 101 characters', { name: 'N'.repeat(101) }],
    ['a name with angle brackets', { name: '<script>x</script>' }],
    ['a name that is a number', { name: 7 }],
    ['no name', { name: undefined }],
    ['no email', { email: undefined }],
    ['an email of 255 characters', { email: `${'a'.repeat(243)}@school.example` }],
  ])('refuses a row with %s as VALIDATION_FAILED and creates nobody', async (_case, overrides) => {
    // Arrange
    const email = uniqueEmail('badrow');
    const row = JSON.parse(JSON.stringify({ name: 'Bad Row', email, ...overrides }));
    const before = await snapshot();

    // Act
    const answer = await addUsers(centreId, token, [row]);

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ created: 0, failed: 1 });
    expect(answer.json.results[0]).toMatchObject({
      index: 0,
      status: 'failed',
      error: { status: 400, code: 'VALIDATION_FAILED', errors: expect.any(Array) },
    });
    expect(await snapshot()).toEqual(before);
    expect(await emailsTo(email)).toEqual([]);
  });
});
