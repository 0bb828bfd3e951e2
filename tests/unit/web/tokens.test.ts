/**
 * Why the console says a session ended. Signing out revokes the tokens; a request still
 * running is then refused with 401 and may end the session before the sign-out does (a
 * loaded CI run showed "You have been signed out … suspended" after Sign out). The user's
 * own sign-out must still be what the sign-in page says. Typechecked by web/tsconfig.json.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../../../web/src/session/tokens';

const tokens = {
  accessToken: 'access',
  idToken: 'id',
  refreshToken: 'refresh',
  expiresIn: 900,
  tokenType: 'Bearer' as const,
};

afterEach(() => tokenStore.clear());

describe('why a session ended', () => {
  it('is the hub when a refused request ends it', () => {
    tokenStore.set(tokens);
    tokenStore.clear('ended');
    expect(tokenStore.endReason()).toBe('ended');
  });

  it('is the user when a request refused during their sign-out ends it first', () => {
    tokenStore.set(tokens);
    tokenStore.signingOut();
    tokenStore.clear('ended'); // the refused request
    tokenStore.clear('signed-out'); // the sign-out's own end: nothing left to end
    expect(tokenStore.endReason()).toBe('signed-out');
  });

  it('is the user even when a refresh answered during their sign-out, before the refusal', () => {
    tokenStore.set(tokens);
    tokenStore.signingOut();
    tokenStore.set(tokens); // a refresh that won the race with the logout
    tokenStore.clear('ended');
    expect(tokenStore.endReason()).toBe('signed-out');
  });

  it('is the hub again after a sign-out that found the session already ended', () => {
    tokenStore.signingOut();
    tokenStore.clear('signed-out'); // the sign-out's end, with no session left to end
    tokenStore.set(tokens);
    tokenStore.clear('ended');
    expect(tokenStore.endReason()).toBe('ended');
  });

  it('is the hub again for the next session, once the user has signed in again', () => {
    tokenStore.set(tokens);
    tokenStore.signingOut();
    tokenStore.clear('signed-out');
    tokenStore.set(tokens);
    tokenStore.clear('ended');
    expect(tokenStore.endReason()).toBe('ended');
  });
});
