/**
 * Two-step sign-in in the console (issue 12 item 3): a new support account sets an
 * authenticator app up at its first sign-in (the setup key as text, and an otpauth:// link),
 * then every sign-in asks for the app's code. By keyboard alone; axe finds nothing.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Page } from '@playwright/test';
import { ensureSupportAccount } from '../../infra/local/support-account.js';
import { totpCode } from '../support/totp.js';
import {
  expect,
  expectAccessible,
  newCentre,
  screenshot,
  signIn,
  stack,
  test,
} from './fixtures.js';
import { expectPage } from './sign-in-helpers.js';
import { openInApp } from './user-pages-helpers.js';

const local = {
  region: 'eu-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};

async function newSupportAccount() {
  const env = stack.environment;
  const cognito = new CognitoIdentityProviderClient({
    ...local,
    endpoint: env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
    maxAttempts: 1,
  });
  const dynamodb = new DynamoDBClient({ ...local, endpoint: env.AWS_ENDPOINT_URL_DYNAMODB });
  try {
    const email = `support-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@hub.example`;
    const password = 'Support-Password-42';
    await ensureSupportAccount({
      dynamodb,
      cognito,
      tableName: env.TABLE_NAME as string,
      userPoolId: env.USER_POOL_ID as string,
      userPoolClientId: env.USER_POOL_CLIENT_ID as string,
      email,
      password,
    });
    return { email, password };
  } finally {
    cognito.destroy();
    dynamodb.destroy();
  }
}

/** Email and password typed and sent by keyboard alone. */
async function typePassword(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email', { exact: true }).focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

/** A code that is not the app's now, nor in the 30-second step either side. */
const wrongCode = (secret: string) => {
  const near = [-30_000, 0, 30_000].map((shift) => totpCode(secret, Date.now() + shift));
  return ['000000', '111111', '222222'].find((code) => !near.includes(code)) as string;
};

test('a new support account sets up its authenticator app, then answers a code at each sign-in', {
  tag: '@extended',
}, async ({ page }) => {
  const support = await newSupportAccount();
  await typePassword(page, support.email, support.password);

  await expectPage(page, 'Set up two-step sign-in');
  const key = page.locator('code.setup-key');
  await expect(key).toBeVisible();
  const secret = ((await key.textContent()) ?? '').replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await expect(page.getByRole('link', { name: 'Open in your authenticator app' })).toHaveAttribute(
    'href',
    new RegExp(`^otpauth://totp/.*secret=${secret}`),
  );
  await expectAccessible(page, 'authenticator set-up');
  await screenshot(page, 'authenticator-setup');

  // A wrong code stays on the page, beside the field; the right one signs in.
  await page.getByLabel('Security code').focus();
  await page.keyboard.type(wrongCode(secret));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toContainText(
    'That code did not work',
  );
  await expectAccessible(page, 'authenticator set-up, wrong code');
  await page.getByLabel('Security code').fill('');
  await page.getByLabel('Security code').focus();
  await page.keyboard.type(totpCode(secret));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: /User menu/ })).toBeVisible();

  // Tokens live in the page's memory only: a new load (typePassword's goto) starts signed
  // out, and its sign-in asks for a code.
  await typePassword(page, support.email, support.password);
  await expectPage(page, 'Enter your security code');
  await expectAccessible(page, 'security code');
  await screenshot(page, 'security-code');
  await page.getByLabel('Security code').focus();
  await page.keyboard.type(totpCode(secret));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: /User menu/ })).toBeVisible();
});

test('a wrong security code sends the user back to sign in, with a notice', {
  tag: '@extended',
}, async ({ page }) => {
  await typePassword(page, stack.support.email, stack.support.password);
  await expectPage(page, 'Enter your security code');
  await page.getByLabel('Security code').focus();
  await page.keyboard.type(wrongCode(stack.support.authenticatorSecret));
  await page.keyboard.press('Enter');
  await expectPage(page, 'Sign in');
  await expect(page.getByText('That code did not work, or took too long')).toBeVisible();
  await expectAccessible(page, 'sign-in after a wrong code');
});

test('a coordinator turns two-step sign-in on from the profile, then signs in with a code', {
  tag: '@extended',
}, async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  await signIn(page, centre.email);
  // A reload would sign out (tokens live in memory): the user menu's View profile.
  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByRole('menuitem', { name: 'View profile' }).click();
  const section = page.getByRole('region', { name: 'Two-step sign-in' });
  await expect(section).toContainText('Two-step sign-in is off');
  await section.getByRole('button', { name: 'Turn on two-step sign-in' }).focus();
  await page.keyboard.press('Enter');
  const key = section.locator('code.setup-key');
  await expect(key).toBeVisible();
  const secret = ((await key.textContent()) ?? '').replace(/\s+/g, '');
  await expectAccessible(page, 'profile, two-step set-up');
  await screenshot(page, 'profile-two-step');
  await section.getByLabel('Security code').focus();
  await page.keyboard.type(totpCode(secret));
  await page.keyboard.press('Enter');
  await expect(section).toContainText('Two-step sign-in is on');
  await expectAccessible(page, 'profile, two-step on');

  await signIn(page, centre.email, undefined, secret);
});

test('support turns off the app of a coordinator who lost it, from the user page', {
  tag: '@extended',
}, async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  const token = centre.token as string;
  const api = (path: string, body?: unknown) =>
    fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const { secret } = (await (await api('/me/mfa/setup')).json()) as { secret: string };
  expect((await api('/me/mfa', { code: totpCode(secret) })).status).toBe(204);

  await signIn(page, stack.support.email, stack.support.password);
  await openInApp(page, `/centres/${centre.centreId}/users/${centre.coordinator.userId}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Grace Hopper' })).toBeVisible();
  await page.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
  await expectAccessible(page, 'two-step reset dialog');
  await page.getByRole('alertdialog').getByRole('button', { name: 'Yes' }).click();
  await expect(page.getByText('Two-step sign-in is off for Grace Hopper')).toBeVisible();
  await expectAccessible(page, 'two-step reset');
});
