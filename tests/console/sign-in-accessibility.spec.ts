/**
 * Every sign-in page in every state a person meets: axe finds no WCAG 2.2 AA failure, the
 * page has its own title and one h1, and a screenshot is kept to look at.
 */

import {
  expect,
  expectAccessible,
  newCentre,
  nextEmailTo,
  screenshot,
  secretLine,
  signIn,
  test,
} from './fixtures.js';
import { expectPage } from './sign-in-helpers.js';

const summary = (page: import('@playwright/test').Page) =>
  page.getByRole('alert').filter({ hasText: 'There is a problem' });

test('sign in, with and without errors, and the first sign-in step', async ({ page }) => {
  const centre = await newCentre();
  const temporary = secretLine((await nextEmailTo(centre.email)).text, 'Temporary password');

  await page.goto('/sign-in');
  await expectPage(page, 'Sign in');
  await expectAccessible(page, 'sign-in');
  await screenshot(page, 'sign-in');

  await page.getByLabel('Email', { exact: true }).fill('someone@');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(summary(page)).toBeVisible();
  await expectAccessible(page, 'sign-in with errors');
  await screenshot(page, 'sign-in-errors');

  await page.getByLabel('Email', { exact: true }).fill(centre.email);
  await page.getByLabel('Password', { exact: true }).fill(`${temporary}-wrong`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(summary(page)).toContainText('The email address or password is not right.');
  await expectAccessible(page, 'sign-in refused');
  await screenshot(page, 'sign-in-refused');

  await page.getByLabel('Password', { exact: true }).fill(temporary);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectPage(page, 'Choose a new password');
  await expectAccessible(page, 'new password');
  await screenshot(page, 'sign-in-new-password');

  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(summary(page)).toBeVisible();
  await expectAccessible(page, 'new password with errors');
  await screenshot(page, 'sign-in-new-password-errors');
});

test('forgotten password and reset password, with and without errors', {
  tag: '@extended',
}, async ({ page }) => {
  await page.goto('/forgotten-password');
  await expectPage(page, 'Forgotten password');
  await expectAccessible(page, 'forgotten password');
  await screenshot(page, 'forgotten-password');

  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(summary(page)).toBeVisible();
  await expectAccessible(page, 'forgotten password with errors');
  await screenshot(page, 'forgotten-password-errors');

  await page.getByLabel('Email', { exact: true }).fill('someone@school.example');
  await page.getByRole('button', { name: 'Send code' }).click();
  await expectPage(page, 'Reset your password');
  await expectAccessible(page, 'reset password');
  await screenshot(page, 'reset-password');

  await page.getByLabel('Verification code').fill('12x');
  await page.getByLabel('New password', { exact: true }).fill('Good-Password-2026');
  await page.getByLabel('Confirm new password').fill('Other-Password-2026');
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(summary(page).getByRole('link')).toHaveCount(2);
  await expectAccessible(page, 'reset password with errors');
  await screenshot(page, 'reset-password-errors');

  await page.getByLabel('Verification code').fill('123456');
  await page.getByLabel('Confirm new password').fill('Good-Password-2026');
  await page.getByRole('button', { name: 'Save new password' }).click();
  await expect(summary(page)).toContainText('The code is not right or has expired.');
  await expectAccessible(page, 'reset password refused');
  await screenshot(page, 'reset-password-refused');
});

test('the profile, and the sign-in page after signing out', { tag: '@extended' }, async ({
  page,
}) => {
  const centre = await newCentre({ accepted: true });
  await signIn(page, centre.email);
  await page.getByRole('button', { name: 'User menu for Grace Hopper' }).click();
  await page.getByRole('menuitem', { name: 'View profile' }).click();
  await expectPage(page, 'Your profile');
  await expect(page.getByRole('definition')).toContainText([
    'Grace Hopper',
    centre.email,
    centre.centreId,
    'Yes, School Coordinator',
    'Cambridge Primary',
  ]);
  await expect(
    page.getByText(
      'If you need to change your access rights to Cambridge support sites you will need to contact your School Coordinator.',
    ),
  ).toBeVisible();
  await expectAccessible(page, 'profile');
  await screenshot(page, 'profile-coordinator');

  await page.getByRole('button', { name: 'User menu for Grace Hopper' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page.getByText('You have signed out.')).toBeVisible();
  await expectAccessible(page, 'signed out');
  await screenshot(page, 'sign-in-signed-out');
});
