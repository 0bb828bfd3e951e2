/**
 * Issue 4: "Bad input of every kind gets the documented 4xx and changes nothing; show the
 * cases tried." Every case below is sent by (or about) one signed-in teacher; the teacher's
 * record, picture and inbox are read before and after each case to prove nothing changed,
 * and the teacher still signs in with the same password at the end.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  centreWithTeacher,
  emailsTo,
  getPicture,
  problemBody,
  putPicture,
  tryLogin,
} from '../support/hub.js';
import { png } from '../support/images.js';

let teacher: Awaited<ReturnType<typeof centreWithTeacher>>;

beforeAll(async () => {
  teacher = await centreWithTeacher();
  const put = await putPicture(teacher.tokens.accessToken, png(), 'image/png');
  if (put.status !== 200) throw new Error(`PUT /me/picture: ${put.status} ${put.text}`);
});

const snapshot = async () => ({
  me: (await api('GET', '/me', { token: teacher.tokens.accessToken })).json,
  picture: (await getPicture('/me/picture', teacher.tokens.accessToken)).bytes.toString('base64'),
  inbox: (await emailsTo(teacher.user.email)).length,
});

type TokenKind = 'access' | 'none' | 'garbage' | 'id';
interface Case {
  method: string;
  path: string;
  token?: TokenKind;
  body?: unknown | (() => unknown);
  rawBody?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** A path (or a word of the message) the errors must name. */
  names?: string;
}
const json = { 'content-type': 'application/json' };
const strongPassword = 'Strong-Password-99';

const cases: [string, Case][] = [
  // PATCH /me
  [
    'PATCH /me: malformed JSON',
    {
      method: 'PATCH',
      path: '/me',
      rawBody: '{"name": ',
      headers: json,
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  ['PATCH /me: no body', { method: 'PATCH', path: '/me', status: 400, code: 'VALIDATION_FAILED' }],
  [
    'PATCH /me: a JSON array',
    {
      method: 'PATCH',
      path: '/me',
      body: [{ name: 'Ada' }],
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  [
    'PATCH /me: name null',
    {
      method: 'PATCH',
      path: '/me',
      body: { name: null },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'name',
    },
  ],
  [
    'PATCH /me: an unknown field',
    {
      method: 'PATCH',
      path: '/me',
      body: { colour: 'blue' },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'colour',
    },
  ],
  [
    'PATCH /me: isAdmin',
    {
      method: 'PATCH',
      path: '/me',
      body: { isAdmin: true },
      status: 403,
      code: 'ACCESS_CHANGE_FORBIDDEN',
    },
  ],
  [
    'PATCH /me: text/plain',
    {
      method: 'PATCH',
      path: '/me',
      rawBody: '{"name":"Ada"}',
      headers: { 'content-type': 'text/plain' },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
  ],
  [
    'PATCH /me: no token',
    {
      method: 'PATCH',
      path: '/me',
      token: 'none',
      body: { name: 'Ada' },
      status: 401,
      code: 'UNAUTHENTICATED',
    },
  ],
  [
    'PATCH /me: a garbage token',
    {
      method: 'PATCH',
      path: '/me',
      token: 'garbage',
      body: { name: 'Ada' },
      status: 401,
      code: 'UNAUTHENTICATED',
    },
  ],
  [
    'PATCH /me: an id token instead of an access token',
    {
      method: 'PATCH',
      path: '/me',
      token: 'id',
      body: { name: 'Ada' },
      status: 401,
      code: 'UNAUTHENTICATED',
    },
  ],
  // POST /me/email
  [
    'POST /me/email: malformed JSON',
    {
      method: 'POST',
      path: '/me/email',
      rawBody: '{newEmail:',
      headers: json,
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  [
    'POST /me/email: no newEmail',
    {
      method: 'POST',
      path: '/me/email',
      body: { currentPassword: strongPassword },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'newEmail',
    },
  ],
  [
    'POST /me/email: not an email',
    {
      method: 'POST',
      path: '/me/email',
      body: { newEmail: 'not-an-email', currentPassword: strongPassword },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'newEmail',
    },
  ],
  [
    'POST /me/email: newEmail a number',
    {
      method: 'POST',
      path: '/me/email',
      body: { newEmail: 12, currentPassword: strongPassword },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'newEmail',
    },
  ],
  [
    'POST /me/email: no currentPassword',
    {
      method: 'POST',
      path: '/me/email',
      body: { newEmail: 'x@school.example' },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'currentPassword',
    },
  ],
  [
    'POST /me/email: an unknown field',
    {
      method: 'POST',
      path: '/me/email',
      body: { newEmail: 'x@school.example', currentPassword: strongPassword, confirm: true },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'confirm',
    },
  ],
  [
    'POST /me/email: no token',
    {
      method: 'POST',
      path: '/me/email',
      token: 'none',
      body: { newEmail: 'x@school.example', currentPassword: strongPassword },
      status: 401,
      code: 'UNAUTHENTICATED',
    },
  ],
  // POST /me/email/confirm
  [
    'confirm: malformed JSON',
    {
      method: 'POST',
      path: '/me/email/confirm',
      rawBody: '{"code"',
      headers: json,
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  [
    'confirm: no body',
    { method: 'POST', path: '/me/email/confirm', status: 400, code: 'VALIDATION_FAILED' },
  ],
  [
    'confirm: a code of letters',
    {
      method: 'POST',
      path: '/me/email/confirm',
      body: { code: 'abcdef' },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'code',
    },
  ],
  [
    'confirm: a code as a number',
    {
      method: 'POST',
      path: '/me/email/confirm',
      body: { code: 123456 },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'code',
    },
  ],
  [
    'confirm: an unknown field',
    {
      method: 'POST',
      path: '/me/email/confirm',
      body: { code: '123456', email: 'x@school.example' },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'email',
    },
  ],
  [
    'confirm: no change waiting',
    {
      method: 'POST',
      path: '/me/email/confirm',
      body: { code: '123456' },
      status: 400,
      code: 'INVALID_CODE',
    },
  ],
  [
    'confirm: no token',
    {
      method: 'POST',
      path: '/me/email/confirm',
      token: 'none',
      body: { code: '123456' },
      status: 401,
      code: 'UNAUTHENTICATED',
    },
  ],
  // POST /me/password
  [
    'POST /me/password: malformed JSON',
    {
      method: 'POST',
      path: '/me/password',
      rawBody: '[',
      headers: json,
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  [
    'POST /me/password: no newPassword',
    {
      method: 'POST',
      path: '/me/password',
      body: { currentPassword: strongPassword },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'newPassword',
    },
  ],
  [
    'POST /me/password: newPassword a number',
    {
      method: 'POST',
      path: '/me/password',
      body: { currentPassword: strongPassword, newPassword: 1234567890 },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'newPassword',
    },
  ],
  [
    'POST /me/password: an unknown field',
    {
      method: 'POST',
      path: '/me/password',
      body: { currentPassword: strongPassword, newPassword: strongPassword, everywhere: true },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'everywhere',
    },
  ],
  [
    'POST /me/password: no token',
    {
      method: 'POST',
      path: '/me/password',
      token: 'none',
      body: { currentPassword: strongPassword, newPassword: strongPassword },
      status: 401,
      code: 'UNAUTHENTICATED',
    },
  ],
  // Pictures
  [
    'PUT /me/picture: no token',
    {
      method: 'PUT',
      path: '/me/picture',
      token: 'none',
      rawBody: 'x',
      headers: { 'content-type': 'image/png' },
      status: 401,
      code: 'UNAUTHENTICATED',
    },
  ],
  [
    'PUT /me/picture: JSON instead of an image',
    {
      method: 'PUT',
      path: '/me/picture',
      body: { picture: 'data:image/png;base64,AAAA' },
      status: 400,
      code: 'INVALID_IMAGE',
    },
  ],
  [
    'DELETE /me/picture: no token',
    { method: 'DELETE', path: '/me/picture', token: 'none', status: 401, code: 'UNAUTHENTICATED' },
  ],
  [
    'GET /me/picture: a garbage token',
    { method: 'GET', path: '/me/picture', token: 'garbage', status: 401, code: 'UNAUTHENTICATED' },
  ],
  // POST /auth/logout
  [
    'logout: no token',
    { method: 'POST', path: '/auth/logout', token: 'none', status: 401, code: 'UNAUTHENTICATED' },
  ],
  [
    'logout: a garbage token',
    {
      method: 'POST',
      path: '/auth/logout',
      token: 'garbage',
      status: 401,
      code: 'UNAUTHENTICATED',
    },
  ],
  [
    'logout: a body it does not take',
    {
      method: 'POST',
      path: '/auth/logout',
      body: { everywhere: true },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  // Public routes, about the teacher's own email
  [
    'login: malformed JSON',
    {
      method: 'POST',
      path: '/auth/login',
      token: 'none',
      rawBody: '{"email":',
      headers: json,
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  [
    'login: an unknown field',
    {
      method: 'POST',
      path: '/auth/login',
      token: 'none',
      body: () => ({ email: teacher.user.email, password: 'x', remember: true }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'remember',
    },
  ],
  [
    'login: password a number',
    {
      method: 'POST',
      path: '/auth/login',
      token: 'none',
      body: () => ({ email: teacher.user.email, password: 1 }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'password',
    },
  ],
  [
    'forgotten-password: malformed JSON',
    {
      method: 'POST',
      path: '/auth/forgotten-password',
      token: 'none',
      rawBody: 'email=x',
      headers: json,
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  [
    'forgotten-password: no email',
    {
      method: 'POST',
      path: '/auth/forgotten-password',
      token: 'none',
      body: {},
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'email',
    },
  ],
  [
    'forgotten-password: not an email',
    {
      method: 'POST',
      path: '/auth/forgotten-password',
      token: 'none',
      body: { email: 'nobody' },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'email',
    },
  ],
  [
    'forgotten-password: an unknown field',
    {
      method: 'POST',
      path: '/auth/forgotten-password',
      token: 'none',
      body: () => ({ email: teacher.user.email, sms: true }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'sms',
    },
  ],
  [
    'reset-password: malformed JSON',
    {
      method: 'POST',
      path: '/auth/reset-password',
      token: 'none',
      rawBody: '{',
      headers: json,
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  [
    'reset-password: no code',
    {
      method: 'POST',
      path: '/auth/reset-password',
      token: 'none',
      body: () => ({ email: teacher.user.email, newPassword: strongPassword }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'code',
    },
  ],
  [
    'reset-password: an unknown field',
    {
      method: 'POST',
      path: '/auth/reset-password',
      token: 'none',
      body: () => ({
        email: teacher.user.email,
        code: '123456',
        newPassword: strongPassword,
        userId: teacher.user.userId,
      }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'userId',
    },
  ],
  [
    'reset-password: a weak password',
    {
      method: 'POST',
      path: '/auth/reset-password',
      token: 'none',
      body: () => ({ email: teacher.user.email, code: '123456', newPassword: 'weak' }),
      status: 400,
      code: 'WEAK_PASSWORD',
      names: 'newPassword',
    },
  ],
  [
    'refresh: an unknown field',
    {
      method: 'POST',
      path: '/auth/refresh',
      token: 'none',
      body: { refreshToken: 'x', accessToken: 'y' },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'accessToken',
    },
  ],
  [
    'refresh: a made-up refresh token',
    {
      method: 'POST',
      path: '/auth/refresh',
      token: 'none',
      body: { refreshToken: 'made-up' },
      status: 401,
      code: 'UNAUTHENTICATED',
    },
  ],
];

describe('bad input on the self-service routes is refused with a documented problem and changes nothing', () => {
  it.each(cases)('%s', async (_case, request) => {
    // Arrange
    const before = await snapshot();
    const kind = request.token ?? 'access';
    const token =
      kind === 'access'
        ? teacher.tokens.accessToken
        : kind === 'id'
          ? teacher.tokens.idToken
          : kind === 'garbage'
            ? 'not.a.jwt'
            : undefined;
    const body = typeof request.body === 'function' ? request.body() : request.body;

    // Act
    const answer = await api(request.method, request.path, {
      token,
      body,
      rawBody: request.rawBody,
      headers: request.headers,
    });

    // Assert
    expect(answer.status, answer.text).toBe(request.status);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.json).toMatchObject(problemBody(request.status, request.code));
    if (request.names) {
      const errors = (answer.json.errors ?? []) as { path: string; message: string }[];
      const names = request.names;
      expect(
        errors.some((error) => error.path === names || error.message.includes(names)),
        JSON.stringify(errors),
      ).toBe(true);
    }
    expect(answer.text).not.toMatch(/Exception|\sat \S+\.[jt]s|arn:aws/);
    expect(await snapshot()).toEqual(before);
  });

  it('still lets the teacher sign in with the same password and use the same token after every refused request', async () => {
    expect((await tryLogin(teacher.user.email, teacher.password)).status).toBe(200);
    expect((await api('GET', '/me', { token: teacher.tokens.accessToken })).status).toBe(200);
  });
});
