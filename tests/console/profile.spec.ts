/**
 * The guide's "Editing your profile" and "Changing your log in details", as a teacher does
 * them from the user icon's View profile: their name (the top-right menu follows at once),
 * their picture (shown top right and to their coordinator, refused in words when it is not a
 * picture), their password with `Reset password` (by keyboard alone; other sessions are
 * signed out, this one goes on) and their email, which changes only once the code emailed to
 * the new address is entered.
 */
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, Page } from '@playwright/test';
import {
  defaultPassword,
  expect,
  expectAccessible,
  newCentre,
  nextEmailTo,
  screenshot,
  secretLine,
  signIn,
  sleep,
  stack,
  test,
  uniqueEmail,
} from './fixtures.js';
import { anotherCode, expectPage } from './sign-in-helpers.js';
import { addUser, openInApp } from './user-pages-helpers.js';

type Rgb = [number, number, number];

/** A real PNG (the API checks its signature, header and every CRC), coloured by `pixel`. */
function png(width: number, height: number, pixel: (x: number, y: number) => Rgb) {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows = Array.from({ length: height }, (_, y) => {
    const row = Buffer.alloc(1 + width * 3); // filter type 0, then the pixels
    for (let x = 0; x < width; x++) row.set(pixel(x, y), 1 + x * 3);
    return row;
  });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A small landscape: sky, sun and a hill, so the screenshots show a picture. */
const landscape = (x: number, y: number): Rgb => {
  if ((x - 66) ** 2 + (y - 28) ** 2 < 14 ** 2) return [255, 191, 71];
  if (y > 62 + 10 * Math.sin(x / 15)) return [29, 107, 55];
  return [110 + y, 170 + Math.floor(y / 2), 230];
};

const userMenu = (page: Page) =>
  page.getByRole('banner').getByRole('button', { name: /User menu/ });
const status = (page: Page, text: string | RegExp) =>
  page.getByRole('status').filter({ hasText: text });
const summary = (page: Page) => page.getByRole('alert').filter({ hasText: 'There is a problem' });

/** A teacher of a new centre who has accepted their invitation (through the API). */
async function aTeacher(name: string) {
  const centre = await newCentre({ accepted: true });
  const teacher = await addUser(centre, { name, sites: ['primary'], accept: true });
  return { centre, teacher };
}

/** A second browser, signed in as `email`: another session of the same person, or another person. */
async function anotherSession(browser: Browser, email: string, password = defaultPassword) {
  const context = await browser.newContext({ baseURL: stack.consoleUrl });
  const page = await context.newPage();
  await signIn(page, email, password);
  return { context, page };
}

test('a teacher changes their name and picture; their coordinator sees the picture', {
  tag: '@extended',
}, async ({ page, browser }) => {
  // One long flow rather than many small ones that each make a centre and sign in.
  test.setTimeout(120_000);
  const { centre, teacher } = await aTeacher('Ada Lovelace');
  await signIn(page, teacher.email);
  // A teacher's home is their profile; View profile opens it too.
  await userMenu(page).click();
  await page.getByRole('menuitem', { name: 'View profile' }).click();
  await expectPage(page, 'Your profile');
  await expect(page.getByRole('definition')).toContainText([
    'Ada Lovelace',
    teacher.email,
    centre.centreId,
    'No',
    'Cambridge Primary',
  ]);
  await expect(
    page.getByText(
      'If you need to change your access rights to Cambridge support sites you will need to contact your School Coordinator.',
    ),
  ).toBeVisible();
  // Access rights are shown, never offered for editing.
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Ada Lovelace');
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(teacher.email);
  // The current password is asked for only when the email changes.
  await expect(page.getByLabel('Current password')).toHaveCount(0);
  await expect(userMenu(page).locator('img')).toHaveCount(0);
  await expectAccessible(page, 'profile');

  // The name: refused when empty, in words; saved, and the top-right menu says so at once.
  const name = page.getByLabel('Name', { exact: true });
  await name.fill('  ');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(summary(page)).toBeFocused();
  await expect(summary(page).getByRole('link', { name: 'Enter your name' })).toBeVisible();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'profile, name refused');
  await name.fill('Ada King');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(status(page, 'Your name has been saved: Ada King.')).toBeVisible();
  await expect(summary(page)).toHaveCount(0);
  await expect(userMenu(page)).toHaveAccessibleName('AK. User menu for Ada King');
  await expect(page.getByRole('definition').first()).toHaveText('Ada King');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(status(page, 'There are no changes to save.')).toBeVisible();

  // A file that is not a picture is refused by the browser, with the reason.
  const file = page.getByLabel('Choose a picture');
  await file.setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('not a picture'),
  });
  const notAPicture =
    'notes.txt is not a PNG, JPEG or WebP image. Choose a picture in one of these formats.';
  await expect(summary(page).getByRole('link', { name: notAPicture })).toBeVisible();
  await expect(file).toHaveAttribute('aria-invalid', 'true');
  await expect(file).toHaveAccessibleDescription(new RegExp(notAPicture.replace('.', '\\.')));
  await expectAccessible(page, 'profile, not a picture');
  // Nor is one over the API's 1 MiB.
  await file.setInputFiles({
    name: 'big.png',
    mimeType: 'image/png',
    buffer: Buffer.alloc(1.5 * 1024 * 1024),
  });
  await expect(
    summary(page).getByRole('link', {
      name: 'big.png is 1.5 MB. Choose a picture of 1 MB or smaller.',
    }),
  ).toBeVisible();

  // One the browser can show but the API refuses (wider than 8192 px): its reason in words.
  await file.setInputFiles({
    name: 'banner.png',
    mimeType: 'image/png',
    buffer: png(8200, 1, () => [11, 92, 173]),
  });
  await expect(page.getByRole('img', { name: 'Preview of your new picture' })).toBeVisible();
  await page.getByRole('button', { name: 'Save picture' }).click();
  await expect(
    summary(page).getByRole('link', { name: /The picture was not accepted\. It must be a PNG/ }),
  ).toBeVisible();
  await expectAccessible(page, 'profile, picture refused by the API');

  // A picture: previewed, saved, and shown top right at once.
  await file.setInputFiles({
    name: 'ada.png',
    mimeType: 'image/png',
    buffer: png(96, 96, landscape),
  });
  await expect(page.getByRole('img', { name: 'Preview of your new picture' })).toBeVisible();
  await expect(summary(page)).toHaveCount(0);
  await expectAccessible(page, 'profile, picture chosen');
  await page.getByRole('button', { name: 'Save picture' }).click();
  await expect(status(page, 'Your picture has been saved.')).toBeVisible();
  await expect(userMenu(page).locator('img')).toBeVisible();
  await expect(page.getByRole('img', { name: 'Your picture' })).toBeVisible();
  // Shown from an object URL of bytes fetched with the user's token, never a public address.
  expect(await userMenu(page).locator('img').getAttribute('src')).toMatch(/^blob:/);
  await expectAccessible(page, 'profile, picture saved');
  await screenshot(page, 'profile');

  // The coordinator sees it on the teacher's page in My Centre.
  const coordinator = await anotherSession(browser, centre.email);
  await openInApp(coordinator.page, `/centres/${centre.centreId}/users/${teacher.userId}`);
  await expect(coordinator.page.getByRole('heading', { level: 1, name: 'Ada King' })).toBeVisible();
  await expect(coordinator.page.getByRole('img', { name: 'Picture of Ada King' })).toBeVisible();
  await expectAccessible(coordinator.page, 'user page with a picture');
  await coordinator.context.close();

  // Removed: the initials again.
  await page.getByRole('button', { name: 'Remove picture' }).click();
  await expect(
    status(page, 'Your picture has been removed. Your initials are shown instead.'),
  ).toBeVisible();
  await expect(userMenu(page).locator('img')).toHaveCount(0);
  await expect(userMenu(page)).toContainText('AK');
  await expect(page.getByLabel('Choose a picture')).toBeFocused();
  await expect(page.getByRole('button', { name: 'Remove picture' })).toHaveCount(0);
  await expectAccessible(page, 'profile, picture removed');
});

test('a teacher changes their password by keyboard alone, then their email with the emailed code', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const { teacher } = await aTeacher('Alan Turing');
  // A session opened before the change, in another browser (sign-in times are whole seconds).
  const earlier = await anotherSession(browser, teacher.email);
  await sleep(1_100);
  await signIn(page, teacher.email);
  await expectPage(page, 'Your profile');

  // Reset password reveals the fields; everything from here is typed.
  const reset = page.getByRole('button', { name: 'Reset password' });
  await reset.focus();
  await expect(reset).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('Enter');
  await expect(reset).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Current password')).toBeFocused();
  await page.keyboard.type('Not-My-Password-1');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('New password', { exact: true })).toBeFocused();
  await page.keyboard.type('Second-Password-77');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Confirm new password')).toBeFocused();
  await page.keyboard.type('Second-Password-77');
  await expectAccessible(page, 'profile, reset password');
  await page.keyboard.press('Enter');

  // A wrong current password: the reason, and the summary's link leads back to the field.
  await expect(summary(page)).toBeFocused();
  await expect(
    summary(page).getByRole('link', { name: 'The current password is not right.' }),
  ).toBeVisible();
  await expectAccessible(page, 'profile, wrong current password');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Current password')).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(defaultPassword);

  // A weak new password: the rules it breaks.
  await page.keyboard.press('Tab');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('weakpass');
  await page.keyboard.press('Enter');
  await expect(summary(page)).toBeFocused();
  await expect(summary(page).getByRole('link', { name: /^The new password must/ })).toBeVisible();
  await expect(page.getByLabel('New password', { exact: true })).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  await expectAccessible(page, 'profile, weak new password');
  await screenshot(page, 'profile-password');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('New password', { exact: true })).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('Second-Password-77');
  await page.keyboard.press('Enter');

  await expect(
    status(page, /Your password has been changed\. You have been signed out everywhere else/),
  ).toBeVisible();
  await expect(reset).toBeFocused();
  await expect(reset).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByLabel('Current password')).toHaveCount(0);
  await expectAccessible(page, 'profile, password changed');

  // The old password no longer signs in; the new one does.
  const login = (email: string, password: string) =>
    fetch(`${stack.apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  expect((await login(teacher.email, defaultPassword)).status).toBe(401);
  // The session opened before is signed out at its next call, in plain words.
  await earlier.page.getByRole('link', { name: 'School Support Hub' }).click();
  await expectPage(earlier.page, 'Sign in');
  await expect(earlier.page.getByText(/You have been signed out\. Sign in again\./)).toBeVisible();

  // The email: a new address needs the current password, then the code emailed to it.
  const newEmail = uniqueEmail('alan.new');
  const email = page.getByLabel('Email', { exact: true });
  await email.fill(newEmail);
  const current = page.getByLabel('Current password');
  await expect(current).toBeVisible();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(
    summary(page).getByRole('link', { name: 'Enter your current password' }),
  ).toBeVisible();
  await current.fill(defaultPassword);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(
    summary(page).getByRole('link', { name: 'The current password is not right.' }),
  ).toBeVisible();
  await expectAccessible(page, 'profile, email change, wrong password');
  await current.fill('Second-Password-77');
  await page.getByRole('button', { name: 'Save changes' }).click();

  // Waiting for the code: the page says where it went and that nothing has changed yet.
  await expect(status(page, `We have emailed a 6-digit code to ${newEmail}.`)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Confirm your new email address' })).toBeVisible();
  await expect(page.getByText(`your email address stays ${teacher.email}`)).toBeVisible();
  const codeField = page.getByLabel('Verification code');
  await expect(codeField).toBeFocused();
  await expect(email).toHaveValue(teacher.email);
  await expectAccessible(page, 'profile, email waiting for its code');
  const firstCode = secretLine((await nextEmailTo(newEmail)).text, 'Verification code');

  await codeField.fill(anotherCode(firstCode));
  await page.getByRole('button', { name: 'Confirm email address' }).click();
  await expect(
    summary(page).getByRole('link', {
      name: 'The code is not right or has expired. Check the email, or send a new code.',
    }),
  ).toBeVisible();
  await expect(codeField).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'profile, wrong code');
  await screenshot(page, 'profile-email-code');

  // A new code, asked for with the password again; it is the one that counts.
  await page.getByRole('button', { name: 'Send a new code' }).click();
  const resendPassword = page.getByLabel('Current password');
  await expect(resendPassword).toBeFocused();
  await resendPassword.fill('Second-Password-77');
  await page.getByRole('button', { name: 'Send a new code' }).click();
  await expect(status(page, `We have emailed a new code to ${newEmail}.`)).toBeVisible();
  await expect(codeField).toBeFocused();
  await expectAccessible(page, 'profile, a new code sent');
  const code = secretLine((await nextEmailTo(newEmail, 1)).text, 'Verification code');

  // The session that changed the password goes on: this call is still accepted.
  await codeField.fill(code);
  await page.getByRole('button', { name: 'Confirm email address' }).click();
  await expect(
    status(
      page,
      `Your email address has been changed to ${newEmail}. Use it to sign in from now on.`,
    ),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Confirm your new email address' })).toHaveCount(
    0,
  );
  await expect(email).toHaveValue(newEmail);
  await expect(page.getByRole('definition').nth(1)).toHaveText(newEmail);
  await expect(userMenu(page)).toBeVisible();
  await expectAccessible(page, 'profile, email changed');

  // This session went on through both changes, and still does: a call refused now (as the API
  // refuses a revoked token) is answered by a refresh, which the API still grants this
  // session's refresh token after its password and email changed, and one retry.
  let refused = false;
  await page.route(
    (url) => url.pathname.endsWith('/me'),
    async (route) => {
      if (refused || route.request().method() !== 'GET') return route.fallback();
      refused = true;
      const response = await route.fetch();
      await route.fulfill({
        response,
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          code: 'UNAUTHENTICATED',
          status: 401,
          title: 'Sign in to continue',
        }),
      });
    },
  );
  const refreshed = page.waitForResponse((response) => response.url().endsWith('/auth/refresh'));
  // Home is the profile, opened afresh: it asks the API who the user is.
  await page.getByRole('link', { name: 'School Support Hub' }).click();
  expect((await refreshed).status()).toBe(200);
  await expectPage(page, 'Your profile');
  await expect(page.getByRole('definition').nth(1)).toHaveText(newEmail);
  expect(refused).toBe(true);

  // The new email signs in (the other browser, at its sign-in page); the old one no longer does.
  expect((await login(teacher.email, 'Second-Password-77')).status).toBe(401);
  await signIn(earlier.page, newEmail, 'Second-Password-77');
  await expectPage(earlier.page, 'Your profile');
  await expect(earlier.page.getByText(newEmail)).toBeVisible();
  await earlier.context.close();
});
