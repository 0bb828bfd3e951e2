/** Talking to the local stack the way a web client would: over HTTP, and through the inbox. */
import { randomInt } from 'node:crypto';
import { expect, inject } from 'vitest';
import { inboxOf, uniqueEmail } from './inbox.js';
import { totpCode } from './totp.js';

export { uniqueEmail };

export const hub = () => inject('hub');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  json: T;
  text: string;
}

export async function api<T = any>(
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    rawBody?: string | Buffer;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${hub().apiUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

export const uniqueCentreId = () => `GB${String(randomInt(10_000_000)).padStart(7, '0')}`;

/**
 * How long a test waits for an email it expects. Emails are sent after the answer (the
 * outbox); on a loaded 2-core CI machine, with other files seeding thousands of items into
 * the same table's stream, one has taken more than 10 s. Only a failing wait pays it.
 */
const emailWaitMs = 30_000;

/** Every email a person received, oldest first. */
export const emailsTo = (address: string) => inboxOf(hub().mailEndpoint, address);

/**
 * The emails to an address once `count` have arrived. Emails go through the outbox (the
 * table's stream, then the sender), so they land a moment after the answer that caused them.
 */
export async function emailsArrived(address: string, count: number, timeoutMs = emailWaitMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const emails = await emailsTo(address);
    if (emails.length >= count || Date.now() > deadline) return emails;
    await sleep(100);
  }
}

/** Waits (up to 10 s) for an email to an address: emails arrive through the outbox, after the answer. */
export async function lastEmailTo(address: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const emails = await emailsTo(address);
    if (emails.length) return emails[emails.length - 1] as (typeof emails)[number];
    await sleep(100);
  }
  throw new Error(`No email reached ${address}`);
}

export const secretLine = (text: string, label: 'Temporary password' | 'Verification code') => {
  const match = new RegExp(`^${label}: (\\S+)$`, 'm').exec(text);
  if (!match?.[1]) throw new Error(`No "${label}:" line in: ${text}`);
  return match[1];
};

/**
 * Signs in as a person would; a code prompt (SOFTWARE_TOKEN_MFA) is answered with the
 * authenticator secret given, or the support account's.
 */
export async function signIn(email: string, password: string, authenticatorSecret?: string) {
  let answer = await api('POST', '/auth/login', { body: { email, password } });
  if (answer.status === 200 && answer.json.challenge === 'SOFTWARE_TOKEN_MFA') {
    const secret =
      authenticatorSecret ??
      (email === hub().support.email ? hub().support.authenticatorSecret : undefined);
    if (!secret) throw new Error(`${email} has an authenticator app: pass its secret`);
    answer = await api('POST', '/auth/mfa-code', {
      body: { email, session: answer.json.session, code: totpCode(secret) },
    });
  }
  if (answer.status !== 200 || !answer.json.accessToken)
    throw new Error(`Sign-in failed: ${answer.status} ${answer.text}`);
  return answer.json as { accessToken: string; idToken: string; refreshToken: string };
}

/**
 * The support account's access token, signed in once per worker and kept for 10 minutes (it
 * lives 15): each sign-in is a password and an authenticator code, about 150 ms of CPU, and
 * every centre a test makes starts with one. No test signs the shared support account out;
 * a test about support's own sign-in calls signIn itself.
 */
let support: { accessToken: string; until: number } | undefined;
export async function supportToken() {
  if (support && support.until > Date.now()) return support.accessToken;
  const { accessToken } = await signIn(hub().support.email, hub().support.password);
  support = { accessToken, until: Date.now() + 10 * 60_000 };
  return accessToken;
}

/**
 * Waits (up to 10 s) for an email to an address whose subject or text matches: emails arrive
 * through the outbox, after the answer, and not always in the order their changes were made.
 */
export async function emailMatching(address: string, pattern: RegExp, timeoutMs = emailWaitMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const emails = await emailsTo(address);
    const found = emails.findLast((email) => pattern.test(`${email.subject}\n${email.text}`));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`No email matching ${pattern} reached ${address}`);
    await sleep(100);
  }
}

/** Signs in with an invitation's temporary password and chooses a password, as a new user does. */
export async function acceptInvitation(email: string, newPassword = 'Chosen-Password-42') {
  const temporary = secretLine(
    (await emailMatching(email, /^Temporary password: /m)).text,
    'Temporary password',
  );
  const challenge = await api('POST', '/auth/login', { body: { email, password: temporary } });
  if (challenge.json?.challenge !== 'NEW_PASSWORD_REQUIRED')
    throw new Error(`Expected a challenge: ${challenge.status} ${challenge.text}`);
  const answer = await api('POST', '/auth/new-password', {
    body: { email, session: challenge.json.session, newPassword },
  });
  if (answer.status !== 200)
    throw new Error(`new-password failed: ${answer.status} ${answer.text}`);
  return answer.json as { accessToken: string; idToken: string; refreshToken: string };
}

/** A new centre with an active coordinator, signed in. */
export async function centreWithCoordinator(eligibleSites = ['primary', 'lower-secondary']) {
  const token = await supportToken();
  const centreId = uniqueCentreId();
  const email = uniqueEmail('coordinator');
  const created = await api('POST', '/support/centres', {
    token,
    body: {
      centreId,
      name: `School ${centreId}`,
      eligibleSites,
      coordinator: { name: 'Grace Hopper', email },
    },
  });
  if (created.status !== 201) throw new Error(`createCentre: ${created.status} ${created.text}`);
  const tokens = await acceptInvitation(email);
  return { centreId, email, coordinator: created.json.coordinator, tokens, supportToken: token };
}

// ---------------------------------------------------------------------------------------
// Helpers for the coordinator's user management tests (tests/e2e/users-*.test.ts).

export const defaultPassword = 'Chosen-Password-42';

/** Waits until an address has received more than `seen` emails, and answers the newest. */
export async function nextEmailTo(address: string, seen: number, timeoutMs = emailWaitMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const emails = await emailsTo(address);
    if (emails.length > seen) return emails[emails.length - 1] as (typeof emails)[number];
    if (Date.now() > deadline)
      throw new Error(`No new email reached ${address} (still ${emails.length})`);
    await sleep(100);
  }
}

/** The parts of a problem answer a test compares: status, media type and stable code. */
export const problemOf = (answer: Answer) => ({
  status: answer.status,
  contentType: answer.headers.get('content-type'),
  code: answer.json?.code as string | undefined,
});

/** What `problemOf` answers for a documented problem. */
export const problem = (status: number, code: string) => ({
  status,
  contentType: 'application/problem+json',
  code,
});

/** The RFC 9457 body of a documented problem, for `toMatchObject`. */
export const problemBody = (status: number, code: string) => ({
  type: expect.any(String),
  title: expect.any(String),
  status,
  detail: expect.any(String),
  code,
});

/** `/centres/{centreId}/users/{userId}`, then `/{action}` if any. */
export const userPath = (centreId: string, userId: string, action = '') =>
  `/centres/${centreId}/users/${userId}${action ? `/${action}` : ''}`;

/** A row of "Add new users" with a unique email. */
export const userRow = (overrides: Record<string, unknown> = {}) => ({
  name: 'Ada Lovelace',
  email: uniqueEmail('teacher'),
  ...overrides,
});

/** POST /centres/{centreId}/users. */
export const addUsers = (
  centreId: string,
  token: string,
  users: unknown[],
  headers?: Record<string, string>,
) => api('POST', `/centres/${centreId}/users`, { token, body: { users }, headers });

/** Adds one user to a centre (as its coordinator or support) and answers the created user. */
export async function addUser(centreId: string, token: string, row: Record<string, unknown> = {}) {
  const answer = await addUsers(centreId, token, [userRow(row)]);
  const result = answer.json?.results?.[0];
  if (answer.status !== 200 || result?.status !== 'created')
    throw new Error(`addUser: ${answer.status} ${answer.text}`);
  return result.user as {
    userId: string;
    centreId: string;
    name: string;
    email: string;
    isAdmin: boolean;
    sites: string[];
    status: string;
  };
}

/** Adds a user who then accepts the invitation: an `active` user, signed in. */
export async function activeUser(
  centreId: string,
  token: string,
  row: Record<string, unknown> = {},
) {
  const user = await addUser(centreId, token, row);
  const tokens = await acceptInvitation(user.email, defaultPassword);
  return { user: { ...user, status: 'active' }, tokens, password: defaultPassword };
}

/** POST /auth/login as an answer (not thrown), for tests of refusals. */
export const tryLogin = (email: string, password: string) =>
  api('POST', '/auth/login', { body: { email, password } });

/** Every item of a list route, page by page; also the number of pages and each page's size. */
export async function allPages<T = any>(path: string, token: string, limit = 100) {
  const items: T[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page: Answer<{ items: T[]; nextCursor: string | null }> = await api(
      'GET',
      `${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    if (page.status !== 200) throw new Error(`${path}: ${page.status} ${page.text}`);
    items.push(...page.json.items);
    sizes.push(page.json.items.length);
    cursor = page.json.nextCursor;
  } while (cursor);
  return { items, sizes };
}

/** GET /centres/{centreId}/users with a query, every page. */
export const usersOf = async (centreId: string, token: string, query = '') =>
  (
    await allPages<{ userId: string; name: string; email: string; status: string }>(
      `/centres/${centreId}/users${query ? `?${query}` : ''}`,
      token,
    )
  ).items;

/** The centre's audit log, newest first, every page. */
export const auditOf = async (centreId: string, token: string) =>
  (
    await allPages<{
      at: string;
      actorId: string;
      action: string;
      targetId?: string;
      details: Record<string, any>;
    }>(`/centres/${centreId}/audit`, token)
  ).items;

// ---------------------------------------------------------------------------------------
// Helpers for the self-service tests (tests/e2e/me-*.test.ts).

/** PUT /me/picture with raw bytes. */
export const putPicture = (token: string, bytes: Uint8Array, contentType: string) =>
  api('PUT', '/me/picture', {
    token,
    rawBody: Buffer.from(bytes),
    headers: { 'content-type': contentType },
  });

/** GETs a picture route with fetch itself, because `api` decodes the body as text. */
export async function getPicture(path: string, token: string) {
  const response = await fetch(`${hub().apiUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, contentType: response.headers.get('content-type'), bytes };
}

export const noreplyAddress = 'noreply@cambridgeinternational.org';

/** A new centre, its coordinator, and one active teacher of it, signed in. */
export async function centreWithTeacher(row: Record<string, unknown> = {}) {
  const centre = await centreWithCoordinator();
  const teacher = await activeUser(centre.centreId, centre.tokens.accessToken, row);
  return {
    centreId: centre.centreId,
    coordinatorToken: centre.tokens.accessToken,
    user: teacher.user,
    tokens: teacher.tokens,
    password: teacher.password,
  };
}

/** Waits `quietMs`, then answers the emails an address received after the first `seen`. */
export async function emailsAfter(address: string, seen: number, quietMs = 1_000) {
  await sleep(quietMs);
  return (await emailsTo(address)).slice(seen);
}
