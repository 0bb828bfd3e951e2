/**
 * Customer services: create a centre with its first coordinator, find it by name and by
 * number, change it (a site taken away only after a warning that counts who loses it), and
 * rescue a coordinator who has lost both their email and their password. Other tests create
 * centres at the same time: every name and number here is unique, and no list is assumed
 * to hold only this test's centres.
 */
import { randomBytes } from 'node:crypto';
import type { Locator, Page } from '@playwright/test';
import {
  api,
  emailsTo,
  expect,
  expectAccessible,
  newCentre,
  nextEmailTo,
  screenshot,
  secretLine,
  signIn,
  signInTokens,
  sleep,
  stack,
  supportToken,
  test,
  uniqueCentreId,
  uniqueEmail,
} from './fixtures.js';
import { openInApp, tick } from './user-pages-helpers.js';

const summary = (page: Page) => page.getByRole('alert').filter({ hasText: 'There is a problem' });
const heading = (page: Page, name: string) =>
  expect(page.getByRole('heading', { level: 1, name, exact: true })).toBeVisible();
const supportNav = (page: Page) => page.getByRole('navigation', { name: 'Customer services' });
/**
 * A word no other test uses, so a search finds this test's centre or person alone. Letters
 * only: a search with a digit in it is for a centre number.
 */
const unique = () =>
  `Q${Array.from(randomBytes(8), (byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;

/** Presses Tab until `target` has focus, as a keyboard user moves through the page. */
async function tabTo(page: Page, target: Locator, most = 25) {
  for (let presses = 0; presses < most; presses++) {
    await page.keyboard.press('Tab');
    // (The tests' tsconfig has no DOM types: the element is typed by what is asked of it.)
    if (
      await target.evaluate((element: { matches(selector: string): boolean }) =>
        element.matches(':focus'),
      )
    )
      return;
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Searches the centres by keyboard alone and answers the rows found. */
async function searchCentresByKeyboard(page: Page, text: string) {
  const field = page.getByLabel('Centre number or name');
  await page.getByRole('heading', { level: 1 }).focus();
  await tabTo(page, field);
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/support\?q=/);
  return page.getByRole('table').locator('tbody tr');
}

test('support creates a centre, finds it by name and number, and changes it', async ({ page }) => {
  // One long flow (cheaper than several tests that each sign in), on a machine under load.
  test.setTimeout(120_000);
  const word = unique();
  const centreId = uniqueCentreId();
  const centreName = `${word} Academy`;
  const coordinatorEmail = uniqueEmail('first');
  const posts: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/support/centres'))
      posts.push(request.headers()['idempotency-key'] ?? '');
  });

  await signIn(page, stack.support.email, stack.support.password);
  await heading(page, 'Centres');
  await expect(page).toHaveTitle('Centres – School Support Hub');
  await expect(supportNav(page).getByRole('link', { name: 'Centres' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(page.getByLabel('Centre number or name')).toBeVisible();
  await expect(page.getByRole('status')).toHaveCount(0);
  await expectAccessible(page, 'centres');

  // Create centre: checked in the browser first, nothing sent.
  await page.getByRole('link', { name: 'Create centre' }).click();
  await heading(page, 'Create centre');
  await expectAccessible(page, 'create centre');
  await page.getByLabel('Centre number').fill('GB-1');
  await page.getByLabel('Email address').fill('not-an-email');
  await page.getByRole('button', { name: 'Create centre' }).click();
  await expect(summary(page)).toBeFocused();
  for (const message of [
    'Enter the centre number as two letters and 3 to 8 digits, like GB001.',
    'Enter the centre’s name.',
    'Enter the coordinator’s full name.',
    'Enter an email address in the correct format, like name@school.org.',
  ])
    await expect(summary(page).getByRole('link', { name: message })).toBeVisible();
  await expect(page.getByLabel('Centre number')).toHaveAttribute('aria-invalid', 'true');
  expect(posts).toEqual([]);
  await expectAccessible(page, 'create centre, errors');
  await screenshot(page, 'create-centre-errors');

  // Typed as people type a centre number: lower case, with spaces.
  await page.getByLabel('Centre number').fill(`  ${centreId.toLowerCase()} `);
  await page.getByLabel('Centre name').fill(centreName);
  await tick(page.getByRole('checkbox', { name: 'Primary', exact: true }));
  await tick(page.getByRole('checkbox', { name: 'Lower Secondary', exact: true }));
  await page.getByLabel('Full name').fill(`Grace ${word}`);
  await page.getByLabel('Email address').fill(coordinatorEmail);
  // A double click creates one centre and sends one invitation.
  await page.getByRole('button', { name: 'Create centre' }).dblclick();

  await heading(page, centreName);
  await expect(page).toHaveURL(new RegExp(`/support/centres/${centreId}$`));
  await expect(page.getByRole('status').filter({ hasText: 'has been created' })).toHaveText(
    `The centre has been created. We have emailed Grace ${word} an invitation at ${coordinatorEmail}.`,
  );
  const invitation = await nextEmailTo(coordinatorEmail);
  expect(secretLine(invitation.text, 'Temporary password')).toBeTruthy();
  await sleep(300);
  expect(await emailsTo(coordinatorEmail)).toHaveLength(1);
  expect(posts).toHaveLength(1);
  await expect(page.getByText('Primary and Lower Secondary')).toBeVisible();
  await expectAccessible(page, 'a new centre');
  await screenshot(page, 'support-centre');

  // The centre's page: its pages in My Centre (support may open any centre's), and its name
  // changed.
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await heading(page, 'Users');
  await expect(page.getByText(`(${centreId})`)).toBeVisible();
  await expect(page.getByRole('link', { name: `Grace ${word}` })).toBeVisible();
  await page.goBack();
  await page.getByRole('link', { name: 'Audit log', exact: true }).click();
  await heading(page, 'Audit log');
  await expect(page.getByRole('table')).toContainText('Created the centre');
  await page.goBack();
  await page.getByRole('link', { name: 'Add new users' }).click();
  await heading(page, 'Add new users');
  await expect(page.getByText(`(${centreId})`)).toBeVisible();
  await page.goBack();
  await heading(page, centreName);
  const renamed = `${word} College`;
  await page.getByLabel('Name', { exact: true }).fill(renamed);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await heading(page, renamed);
  await expect(page.getByRole('status').filter({ hasText: 'saved' })).toHaveText(
    'The changes to the centre have been saved.',
  );

  // Lower Secondary goes: the coordinator (given every site) and one teacher lose it.
  const token = await supportToken();
  const added = await api('POST', `/centres/${centreId}/users`, {
    token,
    body: {
      users: [
        { name: `Ada ${word}`, email: uniqueEmail('ada'), sites: ['lower-secondary'] },
        { name: `Alan ${word}`, email: uniqueEmail('alan'), sites: ['primary'] },
      ],
    },
    expected: 200,
  });
  const ada = added.results[0].user.userId;
  await tick(page.getByRole('checkbox', { name: 'Lower Secondary', exact: true }), false);
  await page.getByRole('button', { name: 'Save changes' }).click();
  const dialog = page.getByRole('alertdialog', {
    name: 'Take Lower Secondary away from this centre?',
  });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('listitem')).toHaveText([
    'Lower Secondary: 2 users will lose access.',
  ]);
  await expectAccessible(page, 'take a site away, warning');
  await screenshot(page, 'take-site-away');
  // No: nothing changes.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(
    (await api('GET', `/centres/${centreId}`, { token, expected: 200 })).eligibleSites,
  ).toEqual(['primary', 'lower-secondary']);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await dialog.getByRole('button', { name: 'Yes' }).click();
  await expect(dialog).toBeHidden();
  // The API takes the site from the users in an operation; the page follows it to the end.
  await expect(page.getByRole('status').filter({ hasText: 'saved' })).toHaveText(
    'The changes to the centre have been saved. Lower Secondary has been taken from 2 users.',
  );
  await expect(page.getByRole('definition').filter({ hasText: /^Primary$/ })).toBeVisible();
  const centre = await api('GET', `/centres/${centreId}`, { token, expected: 200 });
  expect(centre).toMatchObject({ name: renamed, eligibleSites: ['primary'] });
  expect(
    (await api('GET', `/centres/${centreId}/users/${ada}`, { token, expected: 200 })).sites,
  ).toEqual([]);
  await expectAccessible(page, 'centre saved');

  // The same number again, then the same coordinator's email: each refusal beside its field.
  await supportNav(page).getByRole('link', { name: 'Centres' }).click();
  await page.getByRole('link', { name: 'Create centre' }).click();
  await page.getByLabel('Centre number').fill(centreId);
  await page.getByLabel('Centre name').fill(`${word} Other School`);
  await page.getByLabel('Full name').fill('Alan Turing');
  await page.getByLabel('Email address').fill(uniqueEmail('other'));
  await page.getByRole('button', { name: 'Create centre' }).click();
  await expect(summary(page)).toBeFocused();
  await expect(page.getByLabel('Centre number')).toHaveAccessibleDescription(
    /A centre with this number already exists/,
  );
  await expectAccessible(page, 'create centre, CENTRE_EXISTS');
  await page.getByLabel('Centre number').fill(uniqueCentreId());
  await page.getByLabel('Email address').fill(coordinatorEmail.toUpperCase());
  await page.getByRole('button', { name: 'Create centre' }).click();
  await expect(page.getByLabel('Email address')).toHaveAccessibleDescription(
    /This email address is already used by another account/,
  );
  await expect(summary(page)).toBeFocused();
  expect(new Set(posts).size).toBe(3);

  // Find it by name, then by number, with the keyboard alone.
  await supportNav(page).getByRole('link', { name: 'Centres' }).click();
  await heading(page, 'Centres');
  let rows = await searchCentresByKeyboard(page, word.toLowerCase());
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(renamed);
  await expect(
    page.getByRole('table', { name: `1 centre matches “${word.toLowerCase()}”` }),
  ).toBeVisible();
  await expectAccessible(page, 'centres, found by name');
  await screenshot(page, 'centres');

  rows = await searchCentresByKeyboard(page, centreId.toLowerCase());
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(renamed);
  const link = rows.first().getByRole('link', { name: centreId, exact: true });
  await tabTo(page, link);
  await page.keyboard.press('Enter');
  await heading(page, renamed);

  // Nothing matches: said in words.
  await supportNav(page).getByRole('link', { name: 'Centres' }).click();
  rows = await searchCentresByKeyboard(page, `${word}zz`);
  await expect(page.getByText(`No centres match “${word}zz”.`)).toBeVisible();
  await expectAccessible(page, 'centres, nothing found');
  await page.getByRole('link', { name: 'Clear search' }).click();
  await expect(page).toHaveURL(/\/support$/);

  // A centre that does not exist: said in words.
  await openInApp(page, '/support/centres/ZZ99999999');
  await heading(page, 'Centre not found');
  await expectAccessible(page, 'unknown centre');
});

test('support rescues a coordinator who lost both their email and their password', {
  tag: '@extended',
}, async ({ page }) => {
  test.setTimeout(120_000);
  const word = unique();
  const name = `Rosalind ${word}`;
  const centre = await newCentre({ accepted: true, coordinatorName: name });
  const newEmail = uniqueEmail('rescued');

  await signIn(page, stack.support.email, stack.support.password);
  await supportNav(page).getByRole('link', { name: 'Find a person' }).click();
  await heading(page, 'Find a person');
  await expectAccessible(page, 'find a person');

  const field = page.getByLabel('Name or email address');
  await page.getByRole('heading', { level: 1 }).focus();
  await tabTo(page, field);
  await page.keyboard.type('R');
  await page.keyboard.press('Enter');
  await expect(summary(page)).toBeFocused();
  await expect(field).toHaveAccessibleDescription(/Enter at least 2 characters/);
  await expectAccessible(page, 'find a person, too short');

  // By the start of the full name, across every centre.
  await field.fill(name.toLowerCase());
  await field.press('Enter');
  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByRole('cell')).toHaveText([
    name,
    centre.email,
    centre.centreId,
    'Coordinator',
    'Active',
  ]);
  await expect(
    page.getByRole('table', { name: `1 person matches “${name.toLowerCase()}”` }),
  ).toBeVisible();
  await expectAccessible(page, 'find a person, found');
  await screenshot(page, 'find-a-person');

  // By a whole email address (as a colleague might still know it), in any case.
  await field.fill(centre.email.toUpperCase());
  await field.press('Enter');
  await expect(page).toHaveURL(/\/support\/people\?q=.*%40/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByRole('cell').first()).toHaveText(name);

  // Their page, in their centre's My Centre: a new email, then a password reset.
  const person = rows.first().getByRole('link', { name, exact: true });
  await tabTo(page, person);
  await page.keyboard.press('Enter');
  await heading(page, name);
  await expect(page).toHaveURL(new RegExp(`/centres/${centre.centreId}/users/`));
  await page.getByLabel('Email', { exact: true }).fill(newEmail);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(`The changes to ${name} have been saved.`)).toBeVisible();
  const seen = (await emailsTo(newEmail)).length;
  await page.getByRole('button', { name: 'Reset password' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Yes' }).click();
  await expect(page.getByText(`We have emailed ${name} a code`)).toBeVisible();
  await expectAccessible(page, 'rescued coordinator');
  const code = secretLine((await nextEmailTo(newEmail, seen)).text, 'Verification code');

  // The coordinator sets a new password with the code and signs in with the new email. (A
  // reload ends support's session in this tab alone: Sign out would end it everywhere, and
  // other tests are using it.)
  const password = 'Rescued-Password-2026';
  await page.goto('/reset-password');
  await page.getByLabel('Email', { exact: true }).fill(newEmail);
  await page.getByLabel('Verification code').fill(code);
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('Confirm new password').fill(password);
  await page.getByRole('button', { name: 'Save new password' }).click();
  await heading(page, 'Sign in');
  await signIn(page, newEmail, password);
  await expect(page).toHaveURL(new RegExp(`/centres/${centre.centreId}/users$`));
  // The old address no longer signs in.
  await expect(signInTokens(centre.email, password)).rejects.toThrow(/401/);
});

test('support pages through the centres and opens one', { tag: '@extended' }, async ({ page }) => {
  // More centres than one page holds (25), whatever else this run has made.
  for (let batch = 0; batch < 6; batch++)
    await Promise.all(Array.from({ length: 5 }, () => newCentre()));
  await signIn(page, stack.support.email, stack.support.password);
  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  await expect(rows).toHaveCount(25);
  const firstPage = await rows.locator('td:first-child').allTextContents();
  expect([...firstPage].sort()).toEqual(firstPage);

  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByText('Page 2', { exact: true })).toBeVisible();
  await expect(rows.first().locator('td').first()).not.toHaveText(firstPage[0] ?? '');
  const secondPage = await rows.locator('td:first-child').allTextContents();
  expect(secondPage.some((id) => firstPage.includes(id))).toBe(false);
  // Still in order across the page break.
  expect((secondPage[0] ?? '') > (firstPage.at(-1) ?? '')).toBe(true);
  await expectAccessible(page, 'centres, page 2');
  await page.getByRole('button', { name: 'Previous page' }).click();
  await expect(page.getByText('Page 1', { exact: true })).toBeVisible();
  await expect(rows).toHaveCount(25);
  const again = await rows.locator('td:first-child').allTextContents();
  expect([...again].sort()).toEqual(again);
  // Other tests create centres meanwhile, and a new one may sort into page 1; but every
  // centre of the first visit that still sorts within the page is there again.
  const stillWithin = firstPage.filter((id) => id <= (again.at(-1) ?? ''));
  expect(stillWithin.length).toBeGreaterThan(0);
  expect(again).toEqual(expect.arrayContaining(stillWithin));

  const first = again[0] ?? '';
  await page.getByRole('link', { name: first, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/support/centres/${first}$`));
  await expect(
    page.getByRole('definition').filter({ hasText: new RegExp(`^${first}$`) }),
  ).toBeVisible();
});
