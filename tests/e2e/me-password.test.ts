/**
 * Issue 4, "Must show" 4 and 6: POST /me/password with the current password; afterwards every
 * other session's tokens are refused, and so is anything an old refresh token would mint,
 * while the session that changed it goes on. POST /auth/logout revokes the user's refresh
 * tokens and makes the current tokens refused on the next request.
 */
import { describe, expect, it } from 'vitest';
import {
  api,
  centreWithTeacher,
  problem,
  problemOf,
  signIn,
  sleep,
  tryLogin,
} from '../support/hub.js';

const refresh = (refreshToken: string) => api('POST', '/auth/refresh', { body: { refreshToken } });

describe('changing my password', () => {
  it('answers 204; the new password signs in, the old is refused, other sessions are signed out and this one goes on', async () => {
    // Arrange: this session (from accepting the invitation), then another sign-in more than
    // a second later (token times are whole seconds), then another second before the change.
    const { user, tokens: current, password } = await centreWithTeacher();
    await sleep(1_100);
    const other = await signIn(user.email, password);
    expect((await api('GET', '/me', { token: other.accessToken })).status).toBe(200);
    await sleep(1_100);

    // Act
    const changed = await api('POST', '/me/password', {
      token: current.accessToken,
      body: { currentPassword: password, newPassword: 'Second-Password-77' },
    });

    // Assert
    expect(changed.status, changed.text).toBe(204);
    expect(changed.text).toBe('');
    expect((await api('GET', '/me', { token: current.accessToken })).status).toBe(200);
    expect(problemOf(await api('GET', '/me', { token: other.accessToken }))).toEqual(
      problem(401, 'UNAUTHENTICATED'),
    );
    expect(problemOf(await refresh(other.refreshToken))).toEqual(problem(401, 'UNAUTHENTICATED'));
    const fresh = await tryLogin(user.email, 'Second-Password-77');
    expect(fresh.status).toBe(200);
    expect((await api('GET', '/me', { token: fresh.json.accessToken })).status).toBe(200);
    expect(problemOf(await tryLogin(user.email, password))).toEqual(
      problem(401, 'INVALID_CREDENTIALS'),
    );
  });

  it('signs out another session that began in the very same second as this one: sessions are told apart exactly, not by their second', async () => {
    // Arrange: two sign-ins whose tokens carry the same auth_time (tried until they do)
    const { user, password } = await centreWithTeacher();
    const authTime = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).auth_time;
    let pair: Awaited<ReturnType<typeof signIn>>[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      pair = await Promise.all([signIn(user.email, password), signIn(user.email, password)]);
      if (authTime(pair[0]?.accessToken as string) === authTime(pair[1]?.accessToken as string))
        break;
    }
    const [current, other] = pair as [(typeof pair)[0], (typeof pair)[0]];
    expect(authTime(current.accessToken)).toBe(authTime(other.accessToken));

    // Act
    const changed = await api('POST', '/me/password', {
      token: current.accessToken,
      body: { currentPassword: password, newPassword: 'Same-Second-Password-79' },
    });

    // Assert: this session goes on, its refresh token too; the other is refused at once
    expect(changed.status, changed.text).toBe(204);
    expect((await api('GET', '/me', { token: current.accessToken })).status).toBe(200);
    expect(problemOf(await api('GET', '/me', { token: other.accessToken }))).toEqual(
      problem(401, 'UNAUTHENTICATED'),
    );
    expect(problemOf(await refresh(other.refreshToken))).toEqual(problem(401, 'UNAUTHENTICATED'));
    const minted = await refresh(current.refreshToken);
    expect(minted.status, minted.text).toBe(200);
    expect((await api('GET', '/me', { token: minted.json.accessToken })).status).toBe(200);
  });

  it('keeps the session that changed it: its refresh token, used at once, mints tokens that work', async () => {
    const { tokens: current, password } = await centreWithTeacher();
    await sleep(1_100);

    const changed = await api('POST', '/me/password', {
      token: current.accessToken,
      body: { currentPassword: password, newPassword: 'Second-Password-78' },
    });

    expect(changed.status).toBe(204);
    const minted = await refresh(current.refreshToken);
    expect(minted.status, minted.text).toBe(200);
    expect((await api('GET', '/me', { token: minted.json.accessToken })).status).toBe(200);
  });

  it('refuses a wrong current password with 400 WRONG_CURRENT_PASSWORD and changes nothing', async () => {
    const { user, tokens, password } = await centreWithTeacher();

    const answer = await api('POST', '/me/password', {
      token: tokens.accessToken,
      body: { currentPassword: 'Not-The-Password-1', newPassword: 'Second-Password-79' },
    });

    expect(problemOf(answer)).toEqual(problem(400, 'WRONG_CURRENT_PASSWORD'));
    expect((await tryLogin(user.email, password)).status).toBe(200);
    expect((await tryLogin(user.email, 'Second-Password-79')).status).toBe(401);
    expect((await api('GET', '/me', { token: tokens.accessToken })).status).toBe(200);
  });

  it.each([
    ['too short', 'Ab1-short'],
    ['without a capital', 'lowercase-only-123'],
    ['without a digit', 'No-Digits-At-All'],
  ])(
    'refuses a new password %s with 400 WEAK_PASSWORD naming newPassword, and changes nothing',
    async (_case, newPassword) => {
      const { user, tokens, password } = await centreWithTeacher();

      const answer = await api('POST', '/me/password', {
        token: tokens.accessToken,
        body: { currentPassword: password, newPassword },
      });

      expect(problemOf(answer)).toEqual(problem(400, 'WEAK_PASSWORD'));
      expect(answer.json.errors.length).toBeGreaterThan(0);
      for (const error of answer.json.errors) expect(error.path).toBe('newPassword');
      expect((await tryLogin(user.email, password)).status).toBe(200);
      expect((await tryLogin(user.email, newPassword)).status).toBe(401);
    },
  );
});

describe('signing out', () => {
  it('answers 204; the access token is refused next, no refresh token mints anything, and signing in again works at once', async () => {
    // Arrange: two sessions of the same user
    const { user, tokens, password } = await centreWithTeacher();
    const second = await signIn(user.email, password);

    // Act
    const out = await api('POST', '/auth/logout', { token: tokens.accessToken });

    // Assert
    expect(out.status, out.text).toBe(204);
    expect(out.text).toBe('');
    expect(problemOf(await api('GET', '/me', { token: tokens.accessToken }))).toEqual(
      problem(401, 'UNAUTHENTICATED'),
    );
    expect(problemOf(await refresh(tokens.refreshToken))).toEqual(problem(401, 'UNAUTHENTICATED'));
    expect(problemOf(await refresh(second.refreshToken))).toEqual(problem(401, 'UNAUTHENTICATED'));
    expect((await api('GET', '/me', { token: second.accessToken })).status).toBe(401);
    // Even within the same second as the sign-out
    const again = await tryLogin(user.email, password);
    expect(again.status).toBe(200);
    expect((await api('GET', '/me', { token: again.json.accessToken })).status).toBe(200);
  });

  it('refuses a sign-out without a token with 401 UNAUTHENTICATED', async () => {
    expect(problemOf(await api('POST', '/auth/logout'))).toEqual(problem(401, 'UNAUTHENTICATED'));
  });
});

describe('a session refreshed before it changed the password', () => {
  it('keeps working after the change: the refreshed access token and the refresh token', async () => {
    // Arrange: sign in, wait, refresh (the session's newest tokens), wait again.
    const { tokens: first, password } = await centreWithTeacher();
    await sleep(1_100);
    const refreshed = await refresh(first.refreshToken);
    expect(refreshed.status).toBe(200);
    await sleep(1_100);

    // Act: change the password with the refreshed access token.
    const changed = await api('POST', '/me/password', {
      token: refreshed.json.accessToken,
      body: { currentPassword: password, newPassword: 'Third-Password-79' },
    });

    // Assert: this session goes on, by its access token and by its refresh token.
    expect(changed.status, changed.text).toBe(204);
    expect((await api('GET', '/me', { token: refreshed.json.accessToken })).status).toBe(200);
    const again = await refresh(first.refreshToken);
    expect(again.status, again.text).toBe(200);
    expect((await api('GET', '/me', { token: again.json.accessToken })).status).toBe(200);
  });
});
