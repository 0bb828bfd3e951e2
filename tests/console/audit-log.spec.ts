/** My Centre → Audit log: what was just done, newest first, with who, what and the changes. */
import {
  api,
  expect,
  expectAccessible,
  newCentre,
  screenshot,
  signIn,
  test,
  uniqueEmail,
} from './fixtures.js';
import { addUser, openInApp } from './user-pages-helpers.js';

test('the audit log shows what was just done, newest first, with who and what', {
  tag: '@extended',
}, async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  const ada = await addUser(centre, { name: 'Ada Lovelace', sites: ['primary'], accept: true });
  const user = `/centres/${centre.centreId}/users/${ada.userId}`;
  const newEmail = uniqueEmail('ada');
  await api('PATCH', user, {
    token: centre.token,
    body: { email: newEmail, isAdmin: true, sites: ['primary', 'lower-secondary'] },
    expected: 200,
  });
  await api('POST', `${user}/suspend`, { token: centre.token, expected: 200 });
  await api('POST', `${user}/restore`, { token: centre.token, expected: 200 });

  await signIn(page, centre.email);
  await page
    .getByRole('navigation', { name: 'My Centre' })
    .getByRole('link', { name: 'Audit log' })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await expect(page).toHaveTitle('Audit log – School Support Hub');

  const rows = page.getByRole('table').getByRole('row');
  const row = (index: number) => rows.nth(index + 1);
  const cells = (index: number) => row(index).getByRole('cell');
  await expect(cells(0).nth(2)).toHaveText('Restored a user');
  await expect(cells(0).nth(1)).toHaveText('Grace Hopper');
  await expect(cells(0).nth(3)).toHaveText('Ada Lovelace');
  await expect(cells(0).nth(4)).toContainText('status: suspended → active');

  await expect(cells(1).nth(2)).toHaveText('Suspended a user');
  await expect(cells(1).nth(4)).toContainText('status: active → suspended');

  await expect(cells(2).nth(2)).toHaveText('Edited a user');
  await expect(cells(2).nth(1)).toHaveText('Grace Hopper');
  await expect(cells(2).nth(4)).toContainText(`email: ${ada.email} → ${newEmail}`);
  await expect(cells(2).nth(4)).toContainText('admin rights: no → yes');
  await expect(cells(2).nth(4)).toContainText(
    'sites: Cambridge Primary → Cambridge Primary, Cambridge Lower Secondary',
  );

  // Before: Ada's first sign-in, her invitation by Grace, Grace's own first sign-in, and
  // customer services creating the centre and inviting Grace (one moment, either order).
  const whats = await rows.locator('td:nth-child(3)').allTextContents();
  expect(whats.slice(3, 6)).toEqual([
    'Signed in for the first time',
    'Added a user and sent an invitation',
    'Signed in for the first time',
  ]);
  expect(whats.slice(6).sort()).toEqual([
    'Added a user and sent an invitation',
    'Created the centre',
  ]);
  expect(whats).toHaveLength(8);
  const whos = await rows.locator('td:nth-child(2)').allTextContents();
  expect(whos.slice(3, 6)).toEqual(['Ada Lovelace', 'Grace Hopper', 'Grace Hopper']);
  expect(whos.slice(6)).toEqual(['Customer services', 'Customer services']);
  const targets = await rows.locator('td:nth-child(4)').allTextContents();
  expect(targets.slice(3, 6)).toEqual(['Ada Lovelace', 'Ada Lovelace', 'Grace Hopper']);
  await expect(
    rows.filter({ hasText: 'Created the centre' }).locator('td:nth-child(5)'),
  ).toContainText('eligible sites: Cambridge Primary, Cambridge Lower Secondary');

  // Times are machine-readable and in order, newest first.
  const times = await page
    .locator('tbody time')
    .evaluateAll((elements) => elements.map((element) => element.getAttribute('datetime') ?? ''));
  expect(times.length).toBeGreaterThanOrEqual(6);
  expect([...times].sort().reverse()).toEqual(times);

  await expect(page.getByRole('button', { name: 'Next page' })).toHaveCount(0);
  await expectAccessible(page, 'audit log');
  await screenshot(page, 'audit-log');
});

test('the audit log is paged with Next page and Previous page', { tag: '@extended' }, async ({
  page,
}) => {
  const centre = await newCentre({ accepted: true });
  // 30 users added at once: 30 entries, more than one page of 25.
  await api('POST', `/centres/${centre.centreId}/users`, {
    token: centre.token,
    body: {
      users: Array.from({ length: 30 }, (_, index) => ({
        name: `Teacher ${String(index + 1).padStart(2, '0')}`,
        email: uniqueEmail('teacher'),
      })),
    },
    expected: 200,
  });
  await signIn(page, centre.email);
  await openInApp(page, `/centres/${centre.centreId}/audit`);

  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows).toHaveCount(25);
  await expect(page.getByText('Page 1', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Previous page' })).toBeDisabled();
  const firstPage = await rows.locator('td:nth-child(4)').allTextContents();

  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByText('Page 2', { exact: true })).toBeVisible();
  await expect(rows.last()).toContainText('Created the centre');
  await expect(page.getByRole('button', { name: 'Next page' })).toBeDisabled();
  const secondPage = await rows.locator('td:nth-child(4)').allTextContents();
  expect(secondPage.some((name) => firstPage.includes(name) && name.startsWith('Teacher'))).toBe(
    false,
  );
  await expectAccessible(page, 'audit log, page 2');
  await screenshot(page, 'audit-log-page-2');

  await page.getByRole('button', { name: 'Previous page' }).click();
  await expect(page.getByText('Page 1', { exact: true })).toBeVisible();
  await expect(rows.locator('td:nth-child(4)')).toHaveText(firstPage);
});
