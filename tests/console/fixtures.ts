/**
 * What console tests share: the stack's addresses, an API client for arranging data (as
 * support or a coordinator would through HTTP), the inbox, and checks every page gets:
 * axe finds no WCAG 2.2 AA violation, and a screenshot is kept as a test artefact.
 */
import { randomInt } from 'node:crypto';
import { test as base, expect, type Page } from '@playwright/test';
import axe from 'axe-core';
import { inboxOf, uniqueEmail } from '../support/inbox.js';
import { totpCode } from '../support/totp.js';

export { uniqueEmail };

export const stack = {
  get consoleUrl() {
    return required('HUB_TEST_CONSOLE_URL');
  },
  get apiUrl() {
    return required('HUB_TEST_API_URL');
  },
  get mailUrl() {
    return required('HUB_TEST_MAIL_URL');
  },
  /** The variables the handlers run with (emulator endpoints, table, pool). */
  get environment(): Record<string, string> {
    return JSON.parse(required('HUB_TEST_ENVIRONMENT'));
  },
  get support(): { email: string; password: string; userId: string; authenticatorSecret: string } {
    return JSON.parse(required('HUB_TEST_SUPPORT'));
  },
};

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the console tests through playwright.config.ts`);
  return value;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const uniqueCentreId = () => `GB${String(randomInt(10_000_000)).padStart(7, '0')}`;
export const defaultPassword = 'Chosen-Password-42';

/** A call to the API, as a web client makes it; throws with the answer when it is not `expected`. */
export async function api<T = any>(
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
    expected?: number;
  } = {},
): Promise<T> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  if (options.expected !== undefined && response.status !== options.expected)
    throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export const emailsTo = (address: string) => inboxOf(stack.mailUrl, address);

/**
 * Waits until an address has received more than `seen` emails, and answers the newest. Emails
 * leave through the outbox after the answer; on a loaded CI machine one has taken over 10 s.
 */
export async function nextEmailTo(address: string, seen = 0, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const emails = await emailsTo(address);
    if (emails.length > seen) return emails[emails.length - 1] as (typeof emails)[number];
    if (Date.now() > deadline) throw new Error(`No new email reached ${address}`);
    await sleep(100);
  }
}

export const secretLine = (text: string, label: 'Temporary password' | 'Verification code') => {
  const match = new RegExp(`^${label}: (\\S+)$`, 'm').exec(text);
  if (!match?.[1]) throw new Error(`No "${label}:" line in: ${text}`);
  return match[1];
};

/**
 * Signs in through the API; a code prompt (SOFTWARE_TOKEN_MFA) is answered with the
 * authenticator secret given, or the support account's.
 */
export async function signInTokens(email: string, password: string, authenticatorSecret?: string) {
  const answer = await api<{ accessToken: string; challenge?: string; session?: string }>(
    'POST',
    '/auth/login',
    { body: { email, password }, expected: 200 },
  );
  if (answer.challenge !== 'SOFTWARE_TOKEN_MFA') return answer;
  const secret =
    authenticatorSecret ??
    (email === stack.support.email ? stack.support.authenticatorSecret : undefined);
  if (!secret) throw new Error(`${email} has an authenticator app: pass its secret`);
  return api<{ accessToken: string }>('POST', '/auth/mfa-code', {
    body: { email, session: answer.session, code: totpCode(secret) },
    expected: 200,
  });
}

/**
 * The support account's access token, signed in once per worker and kept for 10 minutes (it
 * lives 15): a sign-in is a password and an authenticator code, and most tests start by
 * making a centre with it. No test signs the shared support account out (Sign out ends a
 * user's sessions everywhere; support.spec.ts ends its own by a reload).
 */
let support: { accessToken: string; until: number } | undefined;
export async function supportToken() {
  if (support && support.until > Date.now()) return support.accessToken;
  const { accessToken } = await signInTokens(stack.support.email, stack.support.password);
  support = { accessToken, until: Date.now() + 10 * 60_000 };
  return accessToken;
}

/** Accepts an invitation through the API (for users a test needs but does not watch sign in). */
export async function acceptInvitation(email: string, newPassword = defaultPassword) {
  const temporary = secretLine((await nextEmailTo(email)).text, 'Temporary password');
  const challenge = await api('POST', '/auth/login', {
    body: { email, password: temporary },
    expected: 200,
  });
  return api<{ accessToken: string }>('POST', '/auth/new-password', {
    body: { email, session: challenge.session, newPassword },
    expected: 200,
  });
}

/**
 * A new centre made by customer services, its coordinator invited. With `accepted`, the
 * coordinator has already chosen `defaultPassword` through the API.
 */
export async function newCentre(
  options: { eligibleSites?: string[]; accepted?: boolean; coordinatorName?: string } = {},
) {
  const centreId = uniqueCentreId();
  const email = uniqueEmail('coordinator');
  const created = await api('POST', '/support/centres', {
    token: await supportToken(),
    body: {
      centreId,
      name: `School ${centreId}`,
      eligibleSites: options.eligibleSites ?? ['primary', 'lower-secondary'],
      coordinator: { name: options.coordinatorName ?? 'Grace Hopper', email },
    },
    expected: 201,
  });
  const token = options.accepted ? (await acceptInvitation(email)).accessToken : undefined;
  return {
    centreId,
    centreName: `School ${centreId}`,
    email,
    coordinator: created.coordinator,
    token,
  };
}

/** Signs in through the console's sign-in page and waits for the first signed-in page. */
/**
 * Signs in through the console; the support account (or anyone whose authenticator secret
 * is given) answers the security-code prompt too.
 */
export async function signIn(
  page: Page,
  email: string,
  password = defaultPassword,
  authenticatorSecret?: string,
) {
  await page.goto('/sign-in');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const secret =
    authenticatorSecret ??
    (email === stack.support.email ? stack.support.authenticatorSecret : undefined);
  if (secret) {
    await expect(page.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
    await page.getByLabel('Security code').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await expect(page.getByRole('button', { name: /User menu/ })).toBeVisible();
}

/** axe (WCAG 2.0–2.2 A and AA) finds nothing on the page as it is now. */
type AxeResults = { violations: { id: string; help: string; nodes: { target: string[] }[] }[] };

/**
 * axe (WCAG 2.0, 2.1 and 2.2, A and AA) finds no violation on the page as it is now. axe-core
 * is put into the page once per document: the console is a single-page app, so one injection
 * serves every later check on that page (AxeBuilder injects its 500 kB on every call, which
 * made each check cost about a second of the two cores).
 */
export async function expectAccessible(page: Page, state: string) {
  // These functions run in the page (the test's own tsconfig has no DOM types).
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axe.source);
  const results = await page.evaluate(
    (tags) => {
      const inPage = globalThis as unknown as {
        document: unknown;
        axe: { run: (context: unknown, options: unknown) => Promise<AxeResults> };
      };
      return inPage.axe.run(inPage.document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
    },
    ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'],
  );
  const violations = results.violations.map((violation) => ({
    id: violation.id,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(' ')),
  }));
  expect(violations, `axe violations (${state})`).toEqual([]);
}

/** A screenshot of the page, kept in test-results/screenshots/ (ignored by git). */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

export const test = base.extend<{ withoutCspViolations: undefined }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  baseURL: async ({}, use) => {
    await use(stack.consoleUrl);
  },
  /**
   * Every test also proves the console runs under its Content-Security-Policy: the page
   * must not do anything the policy blocks (an inline style or script, eval, a request to
   * another origin). The page's own `securitypolicyviolation` events are the record:
   * Chromium logs some violations to the console, but not an eval that the code catches.
   */
  withoutCspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      await page.addInitScript({
        content: `document.addEventListener('securitypolicyviolation', (event) => {
          console.error('CSP violation: ' + event.violatedDirective + ' blocked ' +
            (event.blockedURI || 'inline') + ' at ' + event.sourceFile + ':' + event.lineNumber);
        });`,
      });
      page.on('console', (message) => {
        if (message.type() === 'error' && message.text().startsWith('CSP violation:'))
          violations.push(message.text());
      });
      await use(undefined);
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };
