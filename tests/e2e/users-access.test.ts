/**
 * Issue 3, "Must show" 4 and 5: a coordinator resets a user's password (a `Verification
 * code:` by email, used with POST /auth/reset-password), resends an invitation with a fresh
 * temporary password, suspends a user (blocked at once: tokens, sign-in, refresh, and the
 * Cognito login disabled; a notice) and restores them (a notice; access back).
 */
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { localCognito } from '../support/emulators.js';
import {
  activeUser,
  addUser,
  api,
  centreWithCoordinator,
  defaultPassword,
  emailMatching,
  emailsTo,
  hub,
  lastEmailTo,
  nextEmailTo,
  noreplyAddress,
  problem,
  problemOf,
  secretLine,
  sleep,
  tryLogin,
  uniqueEmail,
  userPath,
} from '../support/hub.js';

const cognitoEnabled = async (userId: string) => {
  const cognito = localCognito();
  const user = await cognito.send(
    new AdminGetUserCommand({ UserPoolId: hub().userPoolId, Username: userId }),
  );
  return user.Enabled;
};

describe("resetting a user's password", () => {
  it('emails a Verification code from noreply; the code sets a new password that signs in, and the old tokens and password are refused', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator();
    const teacher = await activeUser(centreId, tokens.accessToken);
    const email = teacher.user.email;
    const seen = (await emailsTo(email)).length;
    // Token times are in seconds: let the old tokens be from an earlier second than the reset.
    await sleep(1_100);

    // Act
    const reset = await api('POST', userPath(centreId, teacher.user.userId, 'password-reset'), {
      token: tokens.accessToken,
    });

    // Assert: the code arrives
    expect(reset.status).toBe(202);
    const codeEmail = await nextEmailTo(email, seen, 3_000);
    expect(codeEmail.from).toBe(noreplyAddress);
    const code = secretLine(codeEmail.text, 'Verification code');
    expect(code).toMatch(/^\d+$/);

    // Act + Assert: a wrong code is refused and changes nothing
    const wrong = await api('POST', '/auth/reset-password', {
      body: {
        email,
        code: code === '000000' ? '111111' : '000000',
        newPassword: 'Brand-New-Pass-77',
      },
    });
    expect(problemOf(wrong)).toEqual(problem(400, 'INVALID_CODE'));
    expect((await tryLogin(email, defaultPassword)).status).toBe(200);

    // Act + Assert: a weak password is refused
    const weak = await api('POST', '/auth/reset-password', {
      body: { email, code, newPassword: 'short' },
    });
    expect(problemOf(weak)).toEqual(problem(400, 'WEAK_PASSWORD'));

    // Act + Assert: the right code sets the new password
    const done = await api('POST', '/auth/reset-password', {
      body: { email: email.toUpperCase(), code, newPassword: 'Brand-New-Pass-77' },
    });
    expect(done.status).toBe(204);
    // Tokens count in whole seconds; the same-second case has its own test below.
    await sleep(1_100);
    const signedIn = await tryLogin(email, 'Brand-New-Pass-77');
    expect(signedIn.status).toBe(200);
    expect((await api('GET', '/me', { token: signedIn.json.accessToken })).status).toBe(200);
    expect(problemOf(await tryLogin(email, defaultPassword))).toEqual(
      problem(401, 'INVALID_CREDENTIALS'),
    );
    const old = await api('GET', '/me', { token: teacher.tokens.accessToken });
    expect(problemOf(old)).toEqual(problem(401, 'UNAUTHENTICATED'));
    const oldRefresh = await api('POST', '/auth/refresh', {
      body: { refreshToken: teacher.tokens.refreshToken },
    });
    expect(oldRefresh.status).toBe(401);
  });

  it('lets the user sign in and use the hub at once after a reset, in the same second', async () => {
    const { centreId, tokens } = await centreWithCoordinator();
    const teacher = await activeUser(centreId, tokens.accessToken);
    const email = teacher.user.email;
    const seen = (await emailsTo(email)).length;
    await api('POST', userPath(centreId, teacher.user.userId, 'password-reset'), {
      token: tokens.accessToken,
    });
    const code = secretLine((await nextEmailTo(email, seen, 3_000)).text, 'Verification code');

    const done = await api('POST', '/auth/reset-password', {
      body: { email, code, newPassword: 'Brand-New-Pass-78' },
    });
    const signedIn = await tryLogin(email, 'Brand-New-Pass-78');
    const me = await api('GET', '/me', { token: signedIn.json?.accessToken });

    expect(done.status).toBe(204);
    expect(signedIn.status).toBe(200);
    expect(me.status).toBe(200);
  });

  it('refuses a code sent to another user with 400 INVALID_CODE', async () => {
    const { centreId, tokens } = await centreWithCoordinator();
    const first = await activeUser(centreId, tokens.accessToken);
    const second = await activeUser(centreId, tokens.accessToken);
    const seen = (await emailsTo(first.user.email)).length;
    await api('POST', userPath(centreId, first.user.userId, 'password-reset'), {
      token: tokens.accessToken,
    });
    const code = secretLine(
      (await nextEmailTo(first.user.email, seen, 3_000)).text,
      'Verification code',
    );

    const answer = await api('POST', '/auth/reset-password', {
      body: { email: second.user.email, code, newPassword: 'Brand-New-Pass-79' },
    });

    expect(problemOf(answer)).toEqual(problem(400, 'INVALID_CODE'));
    expect((await tryLogin(second.user.email, defaultPassword)).status).toBe(200);
  });

  it('refuses a code for an email with no account with 400 INVALID_CODE', async () => {
    const answer = await api('POST', '/auth/reset-password', {
      body: { email: uniqueEmail('ghost'), code: '123456', newPassword: 'Brand-New-Pass-80' },
    });
    expect(problemOf(answer)).toEqual(problem(400, 'INVALID_CODE'));
  });

  it('sends an invited user a fresh invitation instead, whose temporary password works while the old one does not', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator();
    const user = await addUser(centreId, tokens.accessToken);
    const first = secretLine((await lastEmailTo(user.email)).text, 'Temporary password');

    // Act
    const reset = await api('POST', userPath(centreId, user.userId, 'password-reset'), {
      token: tokens.accessToken,
    });

    // Assert
    expect(reset.status).toBe(202);
    const invitation = await nextEmailTo(user.email, 1);
    expect(invitation.from).toBe(noreplyAddress);
    const fresh = secretLine(invitation.text, 'Temporary password');
    expect(fresh).not.toBe(first);
    expect((await tryLogin(user.email, fresh)).json?.challenge).toBe('NEW_PASSWORD_REQUIRED');
    expect(problemOf(await tryLogin(user.email, first))).toEqual(
      problem(401, 'INVALID_CREDENTIALS'),
    );
  });
});

describe('resending an invitation', () => {
  it('answers 202 and emails a fresh temporary password from noreply; the new one works and the old one no longer does', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator();
    const user = await addUser(centreId, tokens.accessToken);
    const first = secretLine((await lastEmailTo(user.email)).text, 'Temporary password');

    // Act
    const answer = await api('POST', userPath(centreId, user.userId, 'invitation'), {
      token: tokens.accessToken,
    });

    // Assert
    expect(answer.status).toBe(202);
    const invitation = await nextEmailTo(user.email, 1);
    expect(invitation.from).toBe(noreplyAddress);
    const fresh = secretLine(invitation.text, 'Temporary password');
    expect(fresh).not.toBe(first);
    expect(problemOf(await tryLogin(user.email, first))).toEqual(
      problem(401, 'INVALID_CREDENTIALS'),
    );
    const challenge = await tryLogin(user.email, fresh);
    expect(challenge.json).toEqual({
      challenge: 'NEW_PASSWORD_REQUIRED',
      session: expect.any(String),
    });
    const accepted = await api('POST', '/auth/new-password', {
      body: { email: user.email, session: challenge.json.session, newPassword: defaultPassword },
    });
    expect(accepted.status).toBe(200);
    expect(
      (await api('GET', userPath(centreId, user.userId), { token: tokens.accessToken })).json
        .status,
    ).toBe('active');
  });

  it('refuses an active user with 409 NOT_INVITED and sends nothing', async () => {
    const { centreId, tokens } = await centreWithCoordinator();
    const teacher = await activeUser(centreId, tokens.accessToken);
    const seen = (await emailsTo(teacher.user.email)).length;

    const answer = await api('POST', userPath(centreId, teacher.user.userId, 'invitation'), {
      token: tokens.accessToken,
    });

    expect(problemOf(answer)).toEqual(problem(409, 'NOT_INVITED'));
    await sleep(200);
    expect(await emailsTo(teacher.user.email)).toHaveLength(seen);
    expect((await tryLogin(teacher.user.email, defaultPassword)).status).toBe(200);
  });

  it('refuses a suspended user with 409 NOT_INVITED', async () => {
    const { centreId, tokens } = await centreWithCoordinator();
    const user = await addUser(centreId, tokens.accessToken);
    await api('POST', userPath(centreId, user.userId, 'suspend'), { token: tokens.accessToken });

    const answer = await api('POST', userPath(centreId, user.userId, 'invitation'), {
      token: tokens.accessToken,
    });

    expect(problemOf(answer)).toEqual(problem(409, 'NOT_INVITED'));
  });
});

describe('suspending and restoring a user', () => {
  it('suspends at once: answers the user and zero progressionData, refuses the existing token, sign-in and refresh, disables the login, and emails a notice', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator();
    const teacher = await activeUser(centreId, tokens.accessToken, { sites: ['primary'] });
    expect((await api('GET', '/me', { token: teacher.tokens.accessToken })).status).toBe(200);
    const seen = (await emailsTo(teacher.user.email)).length;

    // Act
    const answer = await api('POST', userPath(centreId, teacher.user.userId, 'suspend'), {
      token: tokens.accessToken,
    });

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      user: expect.objectContaining({ userId: teacher.user.userId, status: 'suspended' }),
      progressionData: { primary: 0, 'lower-secondary': 0, total: 0 },
    });
    const me = await api('GET', '/me', { token: teacher.tokens.accessToken });
    expect(problemOf(me)).toEqual(problem(401, 'UNAUTHENTICATED'));
    expect(problemOf(await tryLogin(teacher.user.email, defaultPassword))).toEqual(
      problem(401, 'INVALID_CREDENTIALS'),
    );
    const refresh = await api('POST', '/auth/refresh', {
      body: { refreshToken: teacher.tokens.refreshToken },
    });
    expect(refresh.status).toBe(401);
    expect(await cognitoEnabled(teacher.user.userId)).toBe(false);
    const fetched = await api('GET', userPath(centreId, teacher.user.userId), {
      token: tokens.accessToken,
    });
    expect(fetched.json.status).toBe('suspended');
    const notice = await nextEmailTo(teacher.user.email, seen);
    expect(notice.from).toBe(noreplyAddress);
    expect(`${notice.subject}\n${notice.text}`).toMatch(/suspended/i);
    expect(notice.text).not.toMatch(/Temporary password:|Verification code:/);
  });

  it('restores a suspended active user: status active, sign-in works again, the login is enabled, and a notice is emailed', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator();
    const teacher = await activeUser(centreId, tokens.accessToken);
    await api('POST', userPath(centreId, teacher.user.userId, 'suspend'), {
      token: tokens.accessToken,
    });
    await nextEmailTo(teacher.user.email, 1); // the suspension notice
    // Tokens count in whole seconds; the same-second case has its own test below.
    await sleep(1_100);
    const seen = (await emailsTo(teacher.user.email)).length;

    // Act
    const answer = await api('POST', userPath(centreId, teacher.user.userId, 'restore'), {
      token: tokens.accessToken,
    });

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ userId: teacher.user.userId, status: 'active' });
    const signedIn = await tryLogin(teacher.user.email, defaultPassword);
    expect(signedIn.status).toBe(200);
    expect((await api('GET', '/me', { token: signedIn.json.accessToken })).json.status).toBe(
      'active',
    );
    expect(await cognitoEnabled(teacher.user.userId)).toBe(true);
    const notice = await nextEmailTo(teacher.user.email, seen);
    expect(notice.from).toBe(noreplyAddress);
    expect(`${notice.subject}\n${notice.text}`).toMatch(/restored/i);
    expect(notice.text).not.toMatch(/Temporary password:|Verification code:/);
  });

  it('gives access back to a user restored and signing in within the same second as the suspension', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator();
    const teacher = await activeUser(centreId, tokens.accessToken);
    await api('POST', userPath(centreId, teacher.user.userId, 'suspend'), {
      token: tokens.accessToken,
    });

    // Act
    const restored = await api('POST', userPath(centreId, teacher.user.userId, 'restore'), {
      token: tokens.accessToken,
    });
    const signedIn = await tryLogin(teacher.user.email, defaultPassword);
    const me = await api('GET', '/me', { token: signedIn.json?.accessToken });

    // Assert: sign-in answered tokens, so they must work
    expect(restored.json.status).toBe('active');
    expect(signedIn.status).toBe(200);
    expect(me.status).toBe(200);
  });

  it('restores a user who never signed in as invited, and their invitation still works', async () => {
    const { centreId, tokens } = await centreWithCoordinator();
    const user = await addUser(centreId, tokens.accessToken);
    const temporary = secretLine((await lastEmailTo(user.email)).text, 'Temporary password');
    const suspended = await api('POST', userPath(centreId, user.userId, 'suspend'), {
      token: tokens.accessToken,
    });
    expect(suspended.json.user.status).toBe('suspended');
    expect((await tryLogin(user.email, temporary)).status).toBe(401);

    const answer = await api('POST', userPath(centreId, user.userId, 'restore'), {
      token: tokens.accessToken,
    });

    expect(answer.status).toBe(200);
    expect(answer.json.status).toBe('invited');
    expect((await tryLogin(user.email, temporary)).json?.challenge).toBe('NEW_PASSWORD_REQUIRED');
    expect((await emailMatching(user.email, /restored/i)).subject).toMatch(/restored/i);
  });

  it('lets support suspend and restore a user of any centre', async () => {
    const { centreId, tokens, supportToken } = await centreWithCoordinator();
    const teacher = await activeUser(centreId, tokens.accessToken);

    const suspended = await api('POST', userPath(centreId, teacher.user.userId, 'suspend'), {
      token: supportToken,
    });
    expect(suspended.status).toBe(200);
    expect((await api('GET', '/me', { token: teacher.tokens.accessToken })).status).toBe(401);
    const restored = await api('POST', userPath(centreId, teacher.user.userId, 'restore'), {
      token: supportToken,
    });
    expect(restored.json.status).toBe('active');
    expect((await tryLogin(teacher.user.email, defaultPassword)).status).toBe(200);
  });
});
