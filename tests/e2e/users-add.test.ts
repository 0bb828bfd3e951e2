/**
 * Issue 3, "Must show" 1: a coordinator adds users, one or many in one request. Each row
 * succeeds or fails alone; each created user is invited by email and can sign in; email
 * uniqueness holds across centres and under concurrency; Idempotency-Key retries do the
 * work once. Over HTTP against the local stack.
 */
import { describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  addUser,
  addUsers,
  api,
  centreWithCoordinator,
  emailsArrived,
  emailsTo,
  hub,
  lastEmailTo,
  noreplyAddress,
  problem,
  problemOf,
  secretLine,
  sleep,
  tryLogin,
  uniqueEmail,
  userRow,
  usersOf,
} from '../support/hub.js';

const problemShape = {
  type: expect.any(String),
  title: expect.any(String),
  status: expect.any(Number),
  detail: expect.any(String),
  code: expect.any(String),
};

describe('adding users: each created user is invited', () => {
  it('adds one user as invited, fetchable, emailed a temporary password from noreply, who can then sign in', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator(['primary', 'lower-secondary']);
    const email = uniqueEmail('Single');

    // Act
    const answer = await addUsers(centreId, tokens.accessToken, [
      { name: '  Ada Lovelace ', email: `  ${email.toUpperCase()} `, sites: ['primary'] },
    ]);

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.json).toEqual({
      results: [{ index: 0, status: 'created', user: expect.any(Object) }],
      created: 1,
      failed: 0,
    });
    const user = answer.json.results[0].user;
    expect(user).toEqual({
      userId: expect.any(String),
      centreId,
      name: 'Ada Lovelace',
      email: email.toLowerCase(),
      isAdmin: false,
      sites: ['primary'],
      status: 'invited',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const fetched = await api('GET', `/centres/${centreId}/users/${user.userId}`, {
      token: tokens.accessToken,
    });
    expect(fetched.status).toBe(200);
    expect(fetched.json).toEqual(user);

    const invitations = await emailsArrived(email, 1);
    expect(invitations).toHaveLength(1);
    expect(invitations[0]?.from).toBe(noreplyAddress);
    expect(secretLine(invitations[0]?.text ?? '', 'Temporary password')).toBeTruthy();

    const signedIn = await acceptInvitation(email);
    const me = await api('GET', '/me', { token: signedIn.accessToken });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ userId: user.userId, centreId, status: 'active' });
  });

  it('adds five users in one request, answering one result per row in index order, each invited and able to sign in', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator(['primary', 'lower-secondary']);
    const rows = [
      { name: 'Row Zero', email: uniqueEmail('row0') },
      { name: 'Row One', email: uniqueEmail('row1'), isAdmin: true },
      { name: 'Row Two', email: uniqueEmail('row2'), sites: ['primary'] },
      { name: 'Row Three', email: uniqueEmail('row3'), sites: ['lower-secondary', 'primary'] },
      { name: 'Row Four', email: uniqueEmail('row4'), isAdmin: false, sites: [] },
    ];

    // Act
    const answer = await addUsers(centreId, tokens.accessToken, rows);

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.json.created).toBe(5);
    expect(answer.json.failed).toBe(0);
    expect(answer.json.results.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3, 4]);
    for (const [index, row] of rows.entries()) {
      const result = answer.json.results[index];
      expect(result.status).toBe('created');
      expect(result.user).toMatchObject({
        centreId,
        name: row.name,
        email: row.email,
        isAdmin: row.isAdmin ?? false,
        status: 'invited',
      });
      expect([...result.user.sites].sort()).toEqual([...(row.sites ?? [])].sort());
      const fetched = await api('GET', `/centres/${centreId}/users/${result.user.userId}`, {
        token: tokens.accessToken,
      });
      expect(fetched.json).toEqual(result.user);
      const invitation = await lastEmailTo(row.email);
      expect(invitation.from).toBe(noreplyAddress);
      expect(secretLine(invitation.text, 'Temporary password')).toBeTruthy();
    }
    const ids = new Set(
      answer.json.results.map((r: { user: { userId: string } }) => r.user.userId),
    );
    expect(ids.size).toBe(5);

    const signedIn = await Promise.all(rows.map((row) => acceptInvitation(row.email)));
    for (const tokensOfRow of signedIn)
      expect((await api('GET', '/me', { token: tokensOfRow.accessToken })).status).toBe(200);
  });

  it('lets support add users to any centre', async () => {
    const { centreId, supportToken } = await centreWithCoordinator();
    const email = uniqueEmail('bysupport');
    const answer = await addUsers(centreId, supportToken, [{ name: 'By Support', email }]);
    expect(answer.status).toBe(200);
    expect(answer.json.results[0]).toMatchObject({
      status: 'created',
      user: { centreId, email, status: 'invited' },
    });
    expect((await lastEmailTo(email)).from).toBe(noreplyAddress);
  });
});

describe('adding users: a bad row fails alone', () => {
  it('fails a bad email, an empty name, an unknown field, a repeated email, a taken email and an ineligible site, each alone, and creates the good rows', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator(['primary']);
    const other = await centreWithCoordinator();
    const takenElsewhere = await addUser(other.centreId, other.tokens.accessToken, {
      name: 'Elsewhere',
    });
    const good = [uniqueEmail('good0'), uniqueEmail('good4'), uniqueEmail('good9')];
    const rows = [
      { name: 'Good Zero', email: good[0] },
      { name: 'Bad Email', email: 'not-an-email' },
      { name: '   ', email: uniqueEmail('emptyname') },
      { name: 'Unknown Field', email: uniqueEmail('unknown'), role: 'teacher' },
      { name: 'Good Four', email: good[1] },
      { name: 'Repeated', email: `  ${(good[0] as string).toUpperCase()}` },
      { name: 'Taken Elsewhere', email: takenElsewhere.email.toUpperCase() },
      { name: 'Ineligible', email: uniqueEmail('ineligible'), sites: ['advanced'] },
      { name: 'Support Email', email: hub().support.email },
      { name: 'Good Nine', email: good[2] },
    ];

    // Act
    const answer = await addUsers(centreId, tokens.accessToken, rows);

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.json.created).toBe(3);
    expect(answer.json.failed).toBe(7);
    const results = answer.json.results as {
      index: number;
      status: string;
      error?: { code: string; status: number; errors?: { path: string }[] };
    }[];
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(results.map((r) => r.status)).toEqual([
      'created',
      'failed',
      'failed',
      'failed',
      'created',
      'failed',
      'failed',
      'failed',
      'failed',
      'created',
    ]);
    for (const failed of results.filter((r) => r.status === 'failed'))
      expect(failed.error).toMatchObject(problemShape);
    expect(results[1]?.error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(results[1]?.error?.errors?.map((e) => e.path)).toContain('users.1.email');
    expect(results[2]?.error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(results[2]?.error?.errors?.map((e) => e.path)).toContain('users.2.name');
    expect(results[3]?.error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    // API.md names no code for a repeat within the request; the first row wins either way.
    expect(['EMAIL_TAKEN', 'VALIDATION_FAILED']).toContain(results[5]?.error?.code);
    expect(results[6]?.error).toMatchObject({ code: 'EMAIL_TAKEN', status: 409 });
    expect(JSON.stringify(results[6]?.error)).not.toContain(other.centreId);
    expect(JSON.stringify(results[6]?.error)).not.toContain(takenElsewhere.userId);
    expect(results[7]?.error).toMatchObject({ code: 'SITE_NOT_ELIGIBLE', status: 400 });
    expect(results[8]?.error).toMatchObject({ code: 'EMAIL_TAKEN', status: 409 });

    // Only the good rows exist in the centre; the refused rows left no user and no email.
    const listed = await usersOf(centreId, tokens.accessToken, 'role=teacher');
    expect(listed.map((u) => u.email).sort()).toEqual([...good].sort());
    // The good row's invitation arrives (through the outbox) before the others are checked.
    expect(await emailsArrived(good[0] as string, 1)).toHaveLength(1);
    for (const index of [2, 3, 7]) expect(await emailsTo(rows[index]?.email as string)).toEqual([]);
    // The other centre's user is untouched and got no second invitation.
    expect(await emailsTo(takenElsewhere.email)).toHaveLength(1);
    const theirs = await api('GET', `/centres/${other.centreId}/users/${takenElsewhere.userId}`, {
      token: other.tokens.accessToken,
    });
    expect(theirs.json).toMatchObject({ email: takenElsewhere.email, name: 'Elsewhere' });
  });

  it('refuses a taken email without naming the other centre in any field of the problem', async () => {
    const { centreId, tokens } = await centreWithCoordinator();
    const other = await centreWithCoordinator();
    const answer = await addUsers(centreId, tokens.accessToken, [
      { name: 'Copy Of Coordinator', email: other.email },
    ]);
    expect(answer.json.results[0].status).toBe('failed');
    expect(answer.json.results[0].error.code).toBe('EMAIL_TAKEN');
    expect(answer.text).not.toContain(other.centreId);
    expect(answer.text).not.toContain(other.coordinator.userId);
    expect(await usersOf(centreId, tokens.accessToken, 'role=teacher')).toEqual([]);
  });
});

describe('adding users: a body that is not 1–100 row objects is refused whole', () => {
  const manyRows = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ name: `Row ${i}`, email: uniqueEmail(`r${i}`) }));

  it.each<[string, () => unknown]>([
    ['0 rows', () => ({ users: [] })],
    ['101 rows', () => ({ users: manyRows(101) })],
    ['a row that is a string', () => ({ users: [userRow(), 'not a row'] })],
    ['a row that is null', () => ({ users: [userRow(), null] })],
    ['a row that is an array', () => ({ users: [userRow(), [userRow()]] })],
    ['users that is an object, not a list', () => ({ users: userRow() })],
    ['no users field', () => ({})],
    ['an unknown field beside users', () => ({ users: [userRow()], notify: false })],
    ['a bare list of rows', () => [userRow()]],
  ])('refuses %s with 400 VALIDATION_FAILED and creates nobody', async (_case, makeBody) => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator();
    const body = makeBody();
    const emails = JSON.stringify(body).match(/[\w.]+@school\.example/g) ?? [];
    const before = await usersOf(centreId, tokens.accessToken);

    // Act
    const answer = await api('POST', `/centres/${centreId}/users`, {
      token: tokens.accessToken,
      body,
    });

    // Assert
    expect(problemOf(answer)).toEqual(problem(400, 'VALIDATION_FAILED'));
    expect(answer.json.errors?.length).toBeGreaterThan(0);
    expect(await usersOf(centreId, tokens.accessToken)).toEqual(before);
    for (const email of emails.slice(0, 3)) expect(await emailsTo(email)).toEqual([]);
  });
  // Exactly 100 rows (the upper bound) are accepted: tests/e2e/users-add-deadline.test.ts.
});

describe('adding users: email uniqueness under concurrency', () => {
  it('creates exactly one account when 20 requests add the same email at the same moment', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator();
    const email = uniqueEmail('race');

    // Act
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        addUsers(centreId, tokens.accessToken, [
          { name: `Racer ${i}`, email: i % 2 ? email.toUpperCase() : email },
        ]),
      ),
    );

    // Assert
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const results = answers.map((a) => a.json.results[0]);
    expect(results.filter((r) => r.status === 'created')).toHaveLength(1);
    const refusals = results.filter((r) => r.status === 'failed').map((r) => r.error.code);
    expect(refusals).toEqual(Array(19).fill('EMAIL_TAKEN'));
    const found = await usersOf(centreId, tokens.accessToken, `q=${encodeURIComponent(email)}`);
    expect(found).toHaveLength(1);
    await lastEmailTo(email);
    await sleep(300);
    const invitations = await emailsArrived(email, 1);
    expect(invitations).toHaveLength(1);
    // The one login works with the one temporary password sent.
    const temporary = secretLine(invitations[0]?.text ?? '', 'Temporary password');
    expect((await tryLogin(email, temporary)).json.challenge).toBe('NEW_PASSWORD_REQUIRED');
  });

  it('creates exactly one account when two centres add the same email at the same moment', async () => {
    const first = await centreWithCoordinator();
    const second = await centreWithCoordinator();
    const email = uniqueEmail('tworace');

    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const centre = i % 2 ? first : second;
        return addUsers(centre.centreId, centre.tokens.accessToken, [{ name: 'Twin', email }]);
      }),
    );

    const results = answers.map((a) => a.json.results[0]);
    expect(results.filter((r) => r.status === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'failed').map((r) => r.error.code)).toEqual(
      Array(9).fill('EMAIL_TAKEN'),
    );
    const inFirst = await usersOf(first.centreId, first.tokens.accessToken, `q=${email}`);
    const inSecond = await usersOf(second.centreId, second.tokens.accessToken, `q=${email}`);
    expect(inFirst.length + inSecond.length).toBe(1);
    await lastEmailTo(email);
    await sleep(300);
    expect(await emailsArrived(email, 1)).toHaveLength(1);
  });
});

describe('adding users: Idempotency-Key', () => {
  it('answers a retry with the same key and body with the identical first answer, creating and emailing once', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator();
    const emails = [uniqueEmail('idem0'), uniqueEmail('idem1')];
    const rows = [
      { name: 'Idem Zero', email: emails[0] },
      { name: 'Idem One', email: emails[1], isAdmin: true },
    ];
    const headers = { 'idempotency-key': `add-users-${centreId}` };

    // Act
    const first = await addUsers(centreId, tokens.accessToken, rows, headers);
    const retry = await addUsers(centreId, tokens.accessToken, rows, headers);

    // Assert
    expect(first.status).toBe(200);
    expect(first.json.created).toBe(2);
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await usersOf(centreId, tokens.accessToken, 'role=teacher')).toHaveLength(1);
    expect(await usersOf(centreId, tokens.accessToken, 'q=idem')).toHaveLength(2);
    for (const email of emails) expect(await emailsArrived(email as string, 1)).toHaveLength(1);
  });

  it('refuses the same key with another body with 409 IDEMPOTENCY_CONFLICT and creates nothing more', async () => {
    const { centreId, tokens } = await centreWithCoordinator();
    const headers = { 'idempotency-key': `add-users-conflict-${centreId}` };
    const first = await addUsers(centreId, tokens.accessToken, [userRow()], headers);
    const otherEmail = uniqueEmail('otherbody');
    const reused = await addUsers(
      centreId,
      tokens.accessToken,
      [{ name: 'Other Body', email: otherEmail }],
      headers,
    );
    expect(first.status).toBe(200);
    expect(problemOf(reused)).toEqual(problem(409, 'IDEMPOTENCY_CONFLICT'));
    expect(await usersOf(centreId, tokens.accessToken, 'role=teacher')).toHaveLength(1);
    expect(await emailsTo(otherEmail)).toEqual([]);
  });
});
