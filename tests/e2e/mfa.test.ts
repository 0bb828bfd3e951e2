/**
 * Issue 12 items 3 and 5: two-step sign-in (an authenticator app, TOTP) and the app client.
 * Support staff set an app up at their first sign-in and answer a code at every sign-in; no
 * token is handed out before. Coordinators (any user) turn it on and off from their profile;
 * support staff turn a user's off when they lost their app. Cognito's app client allows only
 * the server-side flows and has a secret, so its id alone signs nobody in.
 */
import {
  ForgotPasswordCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureSupportAccount } from '../../infra/local/support-account.js';
import { localCognito, localDynamoDb } from '../support/emulators.js';
import { api, centreWithCoordinator, hub, signIn, uniqueEmail } from '../support/hub.js';
import { totpCode } from '../support/totp.js';

const cognito = localCognito();
const dynamodb = localDynamoDb();
afterAll(() => {
  cognito.destroy();
  dynamodb.destroy();
});

/** A code that is not the app's right now (nor in the step either side). */
const wrongCode = (secret: string) => {
  const near = [-30_000, 0, 30_000].map((shift) => totpCode(secret, Date.now() + shift));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!near.includes(code)) return code;
  }
};

const newSupportAccount = async () => {
  const email = uniqueEmail('support');
  const password = 'Support-Password-42';
  const { userId } = await ensureSupportAccount({
    dynamodb,
    cognito,
    tableName: hub().environment.TABLE_NAME as string,
    userPoolId: hub().userPoolId,
    userPoolClientId: hub().userPoolClientId,
    email,
    password,
  });
  return { email, password, userId };
};

const login = (email: string, password: string) =>
  api('POST', '/auth/login', { body: { email, password } });

describe('support staff: an authenticator app before any token', () => {
  it('sets the app up at the first sign-in, then asks for a code at every sign-in', async () => {
    const support = await newSupportAccount();
    const first = await login(support.email, support.password);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ challenge: 'MFA_SETUP' });
    expect(first.json.accessToken).toBeUndefined();
    expect(first.json.refreshToken).toBeUndefined();
    const { secret, otpauthUri, session } = first.json;
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/School%20Support%20Hub%3A/);

    // A wrong code may be typed again in the same session.
    const wrong = await api('POST', '/auth/mfa-setup', {
      body: { email: support.email, session, code: wrongCode(secret) },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.code).toBe('INVALID_CODE');
    const setUp = await api('POST', '/auth/mfa-setup', {
      body: { email: support.email, session, code: totpCode(secret) },
    });
    expect(setUp.status).toBe(200);
    expect(setUp.json.accessToken).toBeTruthy();
    // The held tokens are handed out once.
    const again = await api('POST', '/auth/mfa-setup', {
      body: { email: support.email, session, code: totpCode(secret) },
    });
    expect(again.status).toBe(400);
    const me = await api('GET', '/me/mfa', { token: setUp.json.accessToken });
    expect(me.json).toEqual({ enabled: true, required: true });

    // From now on: the password, then a code.
    const second = await login(support.email, support.password);
    expect(second.json).toEqual({ challenge: 'SOFTWARE_TOKEN_MFA', session: expect.any(String) });
    const bad = await api('POST', '/auth/mfa-code', {
      body: { email: support.email, session: second.json.session, code: wrongCode(secret) },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('INVALID_CODE');
    // The session was used up by the wrong code.
    const late = await api('POST', '/auth/mfa-code', {
      body: { email: support.email, session: second.json.session, code: totpCode(secret) },
    });
    expect(late.status).toBe(400);
    const tokens = await signIn(support.email, support.password, secret);
    expect((await api('GET', '/me', { token: tokens.accessToken })).status).toBe(200);

    // Support staff may not turn it off.
    const off = await api('POST', '/me/mfa/disable', {
      token: tokens.accessToken,
      body: { currentPassword: support.password },
    });
    expect(off.status).toBe(409);
    expect(off.json.code).toBe('MFA_REQUIRED');
  });

  it('refuses a code session for another email, and a new-password session for a code', async () => {
    const support = await newSupportAccount();
    const first = await login(support.email, support.password);
    const elsewhere = await api('POST', '/auth/mfa-setup', {
      body: { email: uniqueEmail('other'), session: first.json.session, code: '123456' },
    });
    expect(elsewhere.status).toBe(400);
    const asCode = await api('POST', '/auth/mfa-code', {
      body: { email: support.email, session: first.json.session, code: '123456' },
    });
    expect(asCode.status).toBe(400);
  });

  it.each([
    ['letters', { code: 'abcdef' }],
    ['five digits', { code: '12345' }],
    ['no session', { session: undefined }],
    ['an unknown field', { remember: true }],
  ])('answers bad input (%s) with 400 VALIDATION_FAILED', async (_case, change) => {
    const body = { email: 'a@example.org', session: 'abc', code: '123456', ...change };
    for (const path of ['/auth/mfa-code', '/auth/mfa-setup']) {
      const answer = await api('POST', path, { body });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.json.code).toBe('VALIDATION_FAILED');
    }
  });

  it('the seeded support account answers a code and refreshes its tokens', async () => {
    const tokens = await signIn(hub().support.email, hub().support.password);
    const refreshed = await api('POST', '/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(refreshed.status).toBe(200);
  });
});

describe('a coordinator turns two-step sign-in on from the profile', () => {
  it('sets it up, is asked for codes, and support turns it off for them; audited', async () => {
    const { centreId, email, coordinator, tokens, supportToken } = await centreWithCoordinator();
    const token = tokens.accessToken;
    expect((await api('GET', '/me/mfa', { token })).json).toEqual({
      enabled: false,
      required: false,
    });
    const started = await api('POST', '/me/mfa/setup', { token });
    expect(started.status).toBe(200);
    const { secret } = started.json;
    expect(started.json.otpauthUri).toContain(encodeURIComponent(email));
    const wrong = await api('POST', '/me/mfa', { token, body: { code: wrongCode(secret) } });
    expect(wrong.status).toBe(400);
    expect(wrong.json.code).toBe('INVALID_CODE');
    expect((await api('POST', '/me/mfa', { token, body: { code: totpCode(secret) } })).status).toBe(
      204,
    );
    expect((await api('GET', '/me/mfa', { token })).json.enabled).toBe(true);

    const challenged = await login(email, 'Chosen-Password-42');
    expect(challenged.json.challenge).toBe('SOFTWARE_TOKEN_MFA');
    const signedIn = await signIn(email, 'Chosen-Password-42', secret);

    // Only support resets it; a coordinator may not.
    const path = `/support/centres/${centreId}/users/${coordinator.userId}/mfa/reset`;
    expect((await api('POST', path, { token: signedIn.accessToken })).status).toBe(403);
    expect((await api('POST', path, { token: supportToken })).status).toBe(204);
    expect((await login(email, 'Chosen-Password-42')).json.accessToken).toBeTruthy();

    const audit = await api('GET', `/centres/${centreId}/audit`, { token: supportToken });
    const actions = audit.json.items.map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['user.mfa_enabled', 'user.mfa_reset']));
  });

  it('turns it off with the current password', async () => {
    const { tokens } = await centreWithCoordinator();
    const token = tokens.accessToken;
    const { secret } = (await api('POST', '/me/mfa/setup', { token })).json;
    await api('POST', '/me/mfa', { token, body: { code: totpCode(secret) } });
    const wrong = await api('POST', '/me/mfa/disable', {
      token,
      body: { currentPassword: 'Not-The-Password-1' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.code).toBe('WRONG_CURRENT_PASSWORD');
    const off = await api('POST', '/me/mfa/disable', {
      token,
      body: { currentPassword: 'Chosen-Password-42' },
    });
    expect(off.status).toBe(204);
    expect((await api('GET', '/me/mfa', { token })).json.enabled).toBe(false);
  });

  it('support cannot reset another support account here, nor a user of another centre', async () => {
    const { supportToken } = await centreWithCoordinator();
    const other = await centreWithCoordinator();
    const support = hub().support;
    const own = await api(
      'POST',
      `/support/centres/${other.centreId}/users/${support.userId}/mfa/reset`,
      { token: supportToken },
    );
    expect(own.status).toBe(404);
    const elsewhere = await api(
      'POST',
      `/support/centres/GB0000001/users/${other.coordinator.userId}/mfa/reset`,
      { token: supportToken },
    );
    expect(elsewhere.status).toBe(404);
  });
});

describe('the app client: the API alone can use it (item 5)', () => {
  it('refuses USER_PASSWORD_AUTH with the client id alone', async () => {
    await expect(
      cognito.send(
        new InitiateAuthCommand({
          ClientId: hub().userPoolClientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: hub().support.email, PASSWORD: hub().support.password },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('refuses a forgotten-password request without the secret hash', async () => {
    await expect(
      cognito.send(
        new ForgotPasswordCommand({
          ClientId: hub().userPoolClientId,
          Username: hub().support.email,
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });
});
