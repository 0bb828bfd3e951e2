/**
 * Signing in as the guide describes it: the first sign-in with the invitation's temporary
 * password, a forgotten password, signing out. Elements are found as a person finds them.
 */

import {
  defaultPassword,
  emailsTo,
  expect,
  newCentre,
  nextEmailTo,
  secretLine,
  signIn,
  test,
  uniqueEmail,
} from './fixtures.js';
import { anotherCode, expectPage, linkIn } from './sign-in-helpers.js';

const summary = (page: import('@playwright/test').Page) =>
  page.getByRole('alert').filter({ hasText: 'There is a problem' });

test('a coordinator invited by customer services signs in with the temporary password and chooses their own', {
  tag: '@extended',
}, async ({ page }) => {
  const centre = await newCentre();
  const temporary = secretLine((await nextEmailTo(centre.email)).text, 'Temporary password');

  await page.goto(`/sign-in?email=${encodeURIComponent(centre.email)}`);
  await expectPage(page, 'Sign in');
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(centre.email);
  await page.getByLabel('Password', { exact: true }).fill(temporary);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expectPage(page, 'Choose a new password');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  const newPassword = page.getByLabel('New password', { exact: true });
  // The rules are there before anything is typed.
  await expect(newPassword).toHaveValue('');
  await expect(page.getByRole('listitem')).toHaveText([
    'at least 10 characters',
    'a lowercase letter',
    'an uppercase letter',
    'a digit (0 to 9)',
  ]);
  await expect(newPassword).toHaveAccessibleDescription(/must have:.*at least 10 characters/);

  let sentNewPassword = false;
  page.on('request', (request) => {
    if (request.url().endsWith('/auth/new-password')) sentNewPassword = true;
  });
  await newPassword.fill('weakpass');
  await page.getByLabel('Confirm new password').fill('weakpass');
  await page.getByRole('button', { name: 'Save new password' }).click();
  const reason =
    'The new password must be at least 10 characters, must contain an uppercase letter and must contain a digit.';
  await expect(summary(page)).toBeFocused();
  await expect(summary(page).getByRole('link', { name: reason })).toBeVisible();
  await expect(newPassword).toHaveAccessibleDescription(new RegExp(reason));
  await expect(newPassword).toHaveAttribute('aria-invalid', 'true');
  expect(sentNewPassword, 'the browser checks the rules before asking the API').toBe(false);

  await newPassword.fill('Better-Password-2026');
  await page.getByLabel('Confirm new password').fill('Better-Password-2027');
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(summary(page)).toContainText('The passwords do not match');

  await page.getByLabel('Confirm new password').fill('Better-Password-2026');
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(page).toHaveURL(new RegExp(`/centres/${centre.centreId}/users$`));
  await expect(page.getByRole('button', { name: 'User menu for Grace Hopper' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Administration' })).toBeVisible();
});

test('a wrong password is refused without saying which of email and password is wrong', {
  tag: '@extended',
}, async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  for (const [email, password] of [
    [centre.email, 'Not-The-Password-1'],
    [uniqueEmail('nobody'), defaultPassword],
  ] as const) {
    await page.goto('/sign-in');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(summary(page)).toBeFocused();
    await expect(summary(page)).toContainText('The email address or password is not right.');
    // Said once, in the summary; neither field is marked as the wrong one.
    await expect(page.getByText('The email address or password is not right.')).toHaveCount(1);
    await expect(page.getByLabel('Email', { exact: true })).not.toHaveAttribute(
      'aria-invalid',
      'true',
    );
    await expect(page.getByLabel('Password', { exact: true })).not.toHaveAttribute(
      'aria-invalid',
      'true',
    );
  }
});

test('empty fields are named beside themselves and in the summary, and nothing is sent', {
  tag: '@extended',
}, async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(summary(page)).toBeFocused();
  await expect(summary(page).getByRole('link')).toHaveText([
    'Enter your email address',
    'Enter your password',
  ]);
  await summary(page).getByRole('link', { name: 'Enter your password' }).click();
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
  await page.getByLabel('Email', { exact: true }).fill('not-an-email');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByLabel('Email', { exact: true })).toHaveAccessibleDescription(
    'Enter an email address in the correct format, like name@example.com',
  );
});

test('too many attempts and a lost connection are said plainly, in the summary', {
  tag: '@extended',
}, async ({ page }) => {
  await page.route(
    (url) => url.pathname.endsWith('/auth/login'),
    async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      const response = await route.fetch();
      await route.fulfill({
        response,
        status: 429,
        contentType: 'application/problem+json',
        body: JSON.stringify({ code: 'RATE_LIMITED', status: 429, title: 'Too many attempts' }),
      });
    },
    { times: 1 },
  );
  await page.goto(`/sign-in?email=${encodeURIComponent(uniqueEmail('someone'))}`);
  await page.getByLabel('Password', { exact: true }).fill(defaultPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(summary(page)).toContainText('Too many attempts. Wait a few minutes and try again.');

  await page.route(
    (url) => url.pathname.endsWith('/auth/login'),
    (route) => route.abort(),
  );
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(summary(page)).toContainText(
    'The School Support Hub cannot be reached. Check your connection and try again.',
  );
});

test('a forgotten password is reset with the emailed code, and the new one signs in', async ({
  page,
}) => {
  const centre = await newCentre({ accepted: true });
  const seen = (await emailsTo(centre.email)).length;

  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Forgotten password' }).click();
  await expectPage(page, 'Forgotten password');
  await page.getByLabel('Email', { exact: true }).fill(centre.email);
  await page.getByRole('button', { name: 'Send code' }).click();

  await expectPage(page, 'Reset your password');
  await expect(page).toHaveURL(/\/reset-password\?email=/);
  await expect(
    page.getByText('If an account uses this email address, we have sent it a code'),
  ).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(centre.email);
  await expect(page.getByRole('listitem').first()).toHaveText('at least 10 characters');
  const code = secretLine((await nextEmailTo(centre.email, seen)).text, 'Verification code');

  const newPassword = 'Reset-Password-2026';
  await page.getByLabel('Verification code').fill(anotherCode(code));
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Confirm new password').fill(newPassword);
  await page.getByRole('button', { name: 'Save new password' }).click();
  const wrongCode = 'The code is not right or has expired. Ask for a new one.';
  await expect(summary(page)).toBeFocused();
  await expect(summary(page).getByRole('link', { name: wrongCode })).toBeVisible();
  await expect(page.getByLabel('Verification code')).toHaveAccessibleDescription(
    new RegExp(wrongCode.replace('.', '\\.')),
  );
  await expect(page.getByRole('link', { name: 'Send a new code' })).toBeVisible();

  await page.getByLabel('Verification code').fill(code);
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expectPage(page, 'Sign in');
  await expect(
    page.getByText('Your password has been changed. Sign in with your new password.'),
  ).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(centre.email);

  // The old password no longer works; the new one does.
  await page.getByLabel('Password', { exact: true }).fill(defaultPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(summary(page)).toContainText('The email address or password is not right.');
  await page.getByLabel('Password', { exact: true }).fill(newPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/centres/${centre.centreId}/users$`));
});

test('the forgotten-password answer is the same for an email with no account', {
  tag: '@extended',
}, async ({ page }) => {
  const nobody = uniqueEmail('nobody');
  await page.goto('/forgotten-password');
  await page.getByLabel('Email', { exact: true }).fill(nobody);
  await page.getByRole('button', { name: 'Send code' }).click();
  await expectPage(page, 'Reset your password');
  await expect(page).toHaveURL(`/reset-password?email=${encodeURIComponent(nobody)}&sent=1`);
  await expect(
    page.getByText('If an account uses this email address, we have sent it a code'),
  ).toBeVisible();
  expect(await emailsTo(nobody)).toEqual([]);
});

test('signing out ends the session and the sign-in page says so', async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  await signIn(page, centre.email);
  await expect(page).toHaveURL(new RegExp(`/centres/${centre.centreId}/users$`));

  const logout = page.waitForResponse(
    (response) => response.url().endsWith('/auth/logout') && response.status() === 204,
  );
  await page.getByRole('button', { name: 'User menu for Grace Hopper' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await logout;
  await expectPage(page, 'Sign in');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByText('You have signed out.')).toBeVisible();
  await expect(page.getByRole('button', { name: /User menu/ })).toHaveCount(0);

  // Going back does not show the signed-in pages again.
  await page.goBack();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole('button', { name: /User menu/ })).toHaveCount(0);
});

test('a page opened before signing in is shown after it; signed in, /sign-in leads home', {
  tag: '@extended',
}, async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  await page.goto('/profile');
  await expect(page).toHaveURL('/sign-in?next=%2Fprofile');
  await page.getByLabel('Email', { exact: true }).fill(centre.email);
  await page.getByLabel('Password', { exact: true }).fill(defaultPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectPage(page, 'Your profile');

  // Tokens live in memory, so only the app's own navigation keeps the session.
  await page.evaluate(
    "history.pushState(null, '', '/sign-in'); dispatchEvent(new PopStateEvent('popstate'))",
  );
  await expect(page).toHaveURL(new RegExp(`/centres/${centre.centreId}/users$`));
});

test('the whole first sign-in, from the invitation email, with the keyboard only', async ({
  page,
}) => {
  const centre = await newCentre();
  const invitation = await nextEmailTo(centre.email);
  const temporary = secretLine(invitation.text, 'Temporary password');

  await page.goto(linkIn(invitation.text, 'Sign in to the School Support Hub'));
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Email', { exact: true })).toBeFocused();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(centre.email);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
  await page.keyboard.type(temporary);
  await page.keyboard.press('Enter');

  await expect(
    page.getByRole('heading', { level: 1, name: 'Choose a new password' }),
  ).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('New password', { exact: true })).toBeFocused();
  await page.keyboard.type('too-weak');
  await page.keyboard.press('Enter');
  await expect(summary(page)).toBeFocused();
  // The summary's link takes the keyboard to the field.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('New password', { exact: true })).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Keyboard-Only-2026');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Confirm new password')).toBeFocused();
  await page.keyboard.type('Keyboard-Only-2026');
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(new RegExp(`/centres/${centre.centreId}/users$`));
  await expect(page.getByRole('button', { name: 'User menu for Grace Hopper' })).toBeVisible();
});
