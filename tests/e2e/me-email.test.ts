/**
 * Issue 4, "Must show" 3: POST /me/email with the current password sends a
 * `Verification code:` to the new address; the old address keeps signing in until
 * POST /me/email/confirm with the right code; then the login email changes and the old
 * address gets a notice with no secret. Wrong password, wrong code, an email taken (before
 * or meanwhile) → the documented error, nothing changed. Codes are single-use, stored only as
 * hashes, and five wrong ones end the pending change.
 */
import { describe, expect, it } from 'vitest';
import { userItems } from '../support/emulators.js';
import {
  activeUser,
  addUser,
  api,
  centreWithTeacher,
  emailsAfter,
  emailsArrived,
  emailsTo,
  nextEmailTo,
  noreplyAddress,
  problem,
  problemOf,
  secretLine,
  tryLogin,
  uniqueEmail,
} from '../support/hub.js';

/** Starts a change to a fresh address and answers it with the code from the email. */
async function startChange(token: string, password: string, newEmail = uniqueEmail('new')) {
  const answer = await api('POST', '/me/email', {
    token,
    body: { newEmail, currentPassword: password },
  });
  if (answer.status !== 202) throw new Error(`POST /me/email: ${answer.status} ${answer.text}`);
  const email = await nextEmailTo(newEmail, 0, 10_000);
  return { answer, newEmail, email, code: secretLine(email.text, 'Verification code') };
}

const otherCode = (code: string) => (code === '000000' ? '111111' : '000000');
const confirm = (token: string, code: string) =>
  api('POST', '/me/email/confirm', { token, body: { code } });

describe('changing my email address', () => {
  it('sends a code to the new address; the old one signs in until confirmed, then only the new one does, and the old one gets a notice', async () => {
    // Arrange
    const { centreId, coordinatorToken, user, tokens, password } = await centreWithTeacher();
    const newEmail = uniqueEmail('moved');
    const oldSeen = (await emailsTo(user.email)).length;

    // Act: request
    const requested = await api('POST', '/me/email', {
      token: tokens.accessToken,
      body: { newEmail, currentPassword: password },
    });

    // Assert: 202, a code at the new address from noreply, the old address still works
    expect(requested.status, requested.text).toBe(202);
    expect(requested.json).toEqual({ pendingEmail: newEmail });
    const codeEmail = await nextEmailTo(newEmail, 0, 10_000);
    expect(codeEmail.from).toBe(noreplyAddress);
    const code = secretLine(codeEmail.text, 'Verification code');
    expect(code).toMatch(/^\d+$/);
    expect((await api('GET', '/me', { token: tokens.accessToken })).json.email).toBe(user.email);
    expect((await tryLogin(user.email, password)).status).toBe(200);
    expect(problemOf(await tryLogin(newEmail, password))).toEqual(
      problem(401, 'INVALID_CREDENTIALS'),
    );

    // Act: confirm
    const confirmed = await confirm(tokens.accessToken, code);

    // Assert: the new address is the login, everywhere
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.json).toMatchObject({ userId: user.userId, email: newEmail });
    expect((await api('GET', '/me', { token: tokens.accessToken })).json.email).toBe(newEmail);
    const seenByCoordinator = await api('GET', `/centres/${centreId}/users/${user.userId}`, {
      token: coordinatorToken,
    });
    expect(seenByCoordinator.json.email).toBe(newEmail);
    const signedIn = await tryLogin(newEmail, password);
    expect(signedIn.status).toBe(200);
    expect((await api('GET', '/me', { token: signedIn.json.accessToken })).json.userId).toBe(
      user.userId,
    );
    expect(problemOf(await tryLogin(user.email, password))).toEqual(
      problem(401, 'INVALID_CREDENTIALS'),
    );

    // Assert: the old address got a notice carrying no secret
    const notice = await nextEmailTo(user.email, oldSeen, 10_000);
    expect(notice.from).toBe(noreplyAddress);
    expect(notice.text).not.toMatch(/Verification code:|Temporary password:/);
    expect(notice.text).not.toContain(code);
  });

  it('stores the code only as a hash', async () => {
    // Arrange
    const { user, tokens, password } = await centreWithTeacher();

    // Act
    const { code } = await startChange(tokens.accessToken, password);

    // Assert: no item of the user holds the code itself
    const Items = await userItems(user.userId);
    expect(Items.length).toBeGreaterThan(1); // the user and the pending change
    expect(JSON.stringify(Items)).not.toContain(code);
  });

  it('refuses a wrong current password with 400 WRONG_CURRENT_PASSWORD and sends nothing', async () => {
    const { user, tokens, password } = await centreWithTeacher();
    const newEmail = uniqueEmail('never');

    const answer = await api('POST', '/me/email', {
      token: tokens.accessToken,
      body: { newEmail, currentPassword: `${password}-wrong` },
    });

    expect(problemOf(answer)).toEqual(problem(400, 'WRONG_CURRENT_PASSWORD'));
    expect(await emailsAfter(newEmail, 0, 500)).toEqual([]);
    expect((await api('GET', '/me', { token: tokens.accessToken })).json.email).toBe(user.email);
    expect(problemOf(await confirm(tokens.accessToken, '123456'))).toEqual(
      problem(400, 'INVALID_CODE'),
    );
  });

  it.each([
    ['another user of the same centre', 'same'],
    ['a user of another centre', 'other'],
    ['another user, typed in capitals with spaces', 'capitals'],
  ])('refuses the email of %s with 409 EMAIL_TAKEN and sends nothing', async (_case, kind) => {
    // Arrange
    const { centreId, coordinatorToken, user, tokens, password } = await centreWithTeacher();
    const taken =
      kind === 'other'
        ? (await centreWithTeacher()).user.email
        : (await addUser(centreId, coordinatorToken)).email;
    // The taken address's invitation first (it arrives through the outbox, after the answer).
    const seen = (await emailsArrived(taken, 1)).length;
    const asTyped = kind === 'capitals' ? `  ${taken.toUpperCase()} ` : taken;

    // Act
    const answer = await api('POST', '/me/email', {
      token: tokens.accessToken,
      body: { newEmail: asTyped, currentPassword: password },
    });

    // Assert
    expect(problemOf(answer)).toEqual(problem(409, 'EMAIL_TAKEN'));
    expect(await emailsAfter(taken, seen, 500)).toEqual([]);
    expect((await api('GET', '/me', { token: tokens.accessToken })).json.email).toBe(user.email);
  });

  it('refuses a wrong code with 400 INVALID_CODE and changes nothing; the right code still works after it', async () => {
    // Arrange
    const { user, tokens, password } = await centreWithTeacher();
    const { newEmail, code } = await startChange(tokens.accessToken, password);

    // Act
    const wrong = await confirm(tokens.accessToken, otherCode(code));

    // Assert
    expect(problemOf(wrong)).toEqual(problem(400, 'INVALID_CODE'));
    expect((await api('GET', '/me', { token: tokens.accessToken })).json.email).toBe(user.email);
    expect((await tryLogin(user.email, password)).status).toBe(200);
    expect((await tryLogin(newEmail, password)).status).toBe(401);
    const right = await confirm(tokens.accessToken, code);
    expect(right.status).toBe(200);
    expect(right.json.email).toBe(newEmail);
  });

  it('uses a code once: a second confirm with it answers 400 INVALID_CODE', async () => {
    const { tokens, password } = await centreWithTeacher();
    const { newEmail, code } = await startChange(tokens.accessToken, password);
    expect((await confirm(tokens.accessToken, code)).status).toBe(200);

    const again = await confirm(tokens.accessToken, code);

    expect(problemOf(again)).toEqual(problem(400, 'INVALID_CODE'));
    expect((await api('GET', '/me', { token: tokens.accessToken })).json.email).toBe(newEmail);
  });

  it('drops the pending change after 5 wrong codes: the right code no longer works', async () => {
    // Arrange
    const { user, tokens, password } = await centreWithTeacher();
    const { newEmail, code } = await startChange(tokens.accessToken, password);

    // Act
    const answers = [];
    for (let attempt = 0; attempt < 5; attempt++)
      answers.push(await confirm(tokens.accessToken, otherCode(code)));
    const right = await confirm(tokens.accessToken, code);

    // Assert
    expect(answers.slice(0, 4).map((a) => a.json?.code)).toEqual(new Array(4).fill('INVALID_CODE'));
    expect([400, 429]).toContain(answers[4]?.status);
    expect(['INVALID_CODE', 'RATE_LIMITED']).toContain(answers[4]?.json?.code);
    expect([400, 429]).toContain(right.status);
    expect(['INVALID_CODE', 'RATE_LIMITED']).toContain(right.json?.code);
    expect((await api('GET', '/me', { token: tokens.accessToken })).json.email).toBe(user.email);
    expect((await tryLogin(user.email, password)).status).toBe(200);
    expect((await tryLogin(newEmail, password)).status).toBe(401);
  });

  it('checks at most 5 of 30 parallel wrong codes: 5 answer 400 INVALID_CODE, 25 answer 429 RATE_LIMITED, none a 500; then the right code is refused too', async () => {
    // Arrange
    const { user, tokens, password } = await centreWithTeacher();
    const { newEmail, code } = await startChange(tokens.accessToken, password);

    // Act
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => confirm(tokens.accessToken, otherCode(code))),
    );
    const right = await confirm(tokens.accessToken, code);

    // Assert: every answer a documented problem; exactly five codes were compared
    const seen = answers.map(
      (answer) => `${answer.status} ${problemOf(answer).contentType} ${answer.json?.code}`,
    );
    expect(seen.filter((s) => s === '400 application/problem+json INVALID_CODE')).toHaveLength(5);
    expect(seen.filter((s) => s === '429 application/problem+json RATE_LIMITED')).toHaveLength(25);
    for (const limited of answers.filter((answer) => answer.status === 429))
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The limit held: the right code, after it, changes nothing
    expect(problemOf(right)).toEqual(problem(429, 'RATE_LIMITED'));
    expect((await api('GET', '/me', { token: tokens.accessToken })).json.email).toBe(user.email);
    expect((await tryLogin(newEmail, password)).status).toBe(401);
    // A new request starts afresh
    const again = await startChange(tokens.accessToken, password);
    expect((await confirm(tokens.accessToken, again.code)).status).toBe(200);
  });

  it('refuses the confirmation with 409 EMAIL_TAKEN when the address was taken meanwhile, and changes nothing', async () => {
    // Arrange: the teacher asks for an address, then the coordinator gives it to someone else
    const { centreId, coordinatorToken, user, tokens, password } = await centreWithTeacher();
    const { newEmail, code } = await startChange(tokens.accessToken, password);
    const other = await activeUser(centreId, coordinatorToken, { email: newEmail });

    // Act
    const answer = await confirm(tokens.accessToken, code);

    // Assert
    expect(problemOf(answer)).toEqual(problem(409, 'EMAIL_TAKEN'));
    expect((await api('GET', '/me', { token: tokens.accessToken })).json.email).toBe(user.email);
    expect((await tryLogin(user.email, password)).status).toBe(200);
    const newOwner = await tryLogin(newEmail, other.password);
    expect(newOwner.status).toBe(200);
    expect((await api('GET', '/me', { token: newOwner.json.accessToken })).json.userId).toBe(
      other.user.userId,
    );
  });

  it('lets only one of two users who both asked for the same address have it, when both confirm at once', async () => {
    // Arrange
    const first = await centreWithTeacher();
    const second = await centreWithTeacher();
    const wanted = uniqueEmail('wanted');
    const a = await startChange(first.tokens.accessToken, first.password, wanted);
    await api('POST', '/me/email', {
      token: second.tokens.accessToken,
      body: { newEmail: wanted, currentPassword: second.password },
    });
    const codeB = secretLine((await nextEmailTo(wanted, 1, 10_000)).text, 'Verification code');

    // Act
    const answers = await Promise.all([
      confirm(first.tokens.accessToken, a.code),
      confirm(second.tokens.accessToken, codeB),
    ]);

    // Assert: one 200, one 409, and the login and the records agree on who has it
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const winner = answers[0]?.status === 200 ? first : second;
    const loser = winner === first ? second : first;
    expect(answers.find((answer) => answer.status === 409)?.json.code).toBe('EMAIL_TAKEN');
    const signedIn = await tryLogin(wanted, winner.password);
    expect((await api('GET', '/me', { token: signedIn.json.accessToken })).json.userId).toBe(
      winner.user.userId,
    );
    expect((await api('GET', '/me', { token: loser.tokens.accessToken })).json.email).toBe(
      loser.user.email,
    );
    expect((await tryLogin(loser.user.email, loser.password)).status).toBe(200);
  });

  it('replaces a pending change with a newer request: only the newest code works', async () => {
    const { user, tokens, password } = await centreWithTeacher();
    const older = await startChange(tokens.accessToken, password);
    const newer = await startChange(tokens.accessToken, password);

    const withOlder = await confirm(tokens.accessToken, older.code);
    const withNewer = await confirm(tokens.accessToken, newer.code);

    if (older.code !== newer.code)
      expect(problemOf(withOlder)).toEqual(problem(400, 'INVALID_CODE'));
    expect(withNewer.status).toBe(200);
    expect(withNewer.json.email).toBe(newer.newEmail);
    expect((await tryLogin(older.newEmail, password)).status).toBe(401);
    expect((await tryLogin(user.email, password)).status).toBe(401);
  });

  it('frees the old address once the change is confirmed: the coordinator can give it to someone new', async () => {
    const { centreId, coordinatorToken, user, tokens, password } = await centreWithTeacher();
    const { code } = await startChange(tokens.accessToken, password);
    expect((await confirm(tokens.accessToken, code)).status).toBe(200);

    const added = await addUser(centreId, coordinatorToken, { email: user.email });

    expect(added.email).toBe(user.email);
    expect(added.userId).not.toBe(user.userId);
  });

  it('refuses a confirmation with no change waiting with 400 INVALID_CODE', async () => {
    const { user, tokens } = await centreWithTeacher();

    const answer = await confirm(tokens.accessToken, '123456');

    expect(problemOf(answer)).toEqual(problem(400, 'INVALID_CODE'));
    expect((await api('GET', '/me', { token: tokens.accessToken })).json.email).toBe(user.email);
  });
});
