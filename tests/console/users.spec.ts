/**
 * My Centre › Users, as a coordinator uses it: finding users by search and filters, paging,
 * suspending a user from the list. Elements are found by role and name, as a person finds them.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { api, expect, expectAccessible, newCentre, screenshot, signIn, test } from './fixtures.js';
import { getUser, recordPrimaryResults } from './user-pages-helpers.js';
import {
  addActiveUsers,
  addUsers,
  coordinatorOnUsers,
  isListUsers,
  openInConsole,
  recordRequests,
  userRows,
} from './users-helpers.js';

const names = (page: Page) => userRows(page).getByRole('link');

test('a coordinator finds users by search and by the Status, Role and Site filters', async ({
  page,
}) => {
  const centre = await newCentre({ accepted: true });
  await addUsers(centre, [
    { name: 'Ada Lovelace', isAdmin: true, sites: ['primary'] },
    { name: 'Barbara Liskov', sites: ['primary', 'lower-secondary'] },
  ]);
  const [alanUser, edsger] = await addActiveUsers(centre, [
    { name: 'Alan Turing', sites: ['lower-secondary'] },
    { name: 'Edsger Dijkstra', sites: ['primary'] },
  ]);
  await api('POST', `/centres/${centre.centreId}/users/${edsger?.userId}/suspend`, {
    token: centre.token,
    expected: 200,
  });

  const lists = recordRequests(page, isListUsers);
  await signIn(page, centre.email);
  await expect(page).toHaveTitle('Users – School Support Hub');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Users');
  const everyone = [
    'Ada Lovelace',
    'Alan Turing',
    'Barbara Liskov',
    'Edsger Dijkstra',
    'Grace Hopper',
  ];
  await expect(names(page)).toHaveText(everyone);
  expect(lists, 'the first page is one call to the users route').toHaveLength(1);

  const alan = userRows(page).filter({ hasText: 'Alan Turing' });
  await expect(alan.getByRole('cell')).toHaveText([
    'Alan Turing',
    /^teacher\..+@school\.example$/,
    'Teacher',
    'Cambridge Lower Secondary',
    'Active',
    'Suspend user Alan Turing',
  ]);
  await expect(userRows(page).filter({ hasText: 'Ada Lovelace' }).getByRole('cell')).toHaveText([
    'Ada Lovelace',
    /@school\.example$/,
    'Admin',
    'Cambridge Primary',
    'Invited',
    '',
  ]);
  await expect(
    userRows(page).filter({ hasText: 'Edsger Dijkstra' }).getByRole('cell').nth(4),
  ).toHaveText('Suspended');
  await expect(page.getByRole('link', { name: 'Alan Turing' })).toHaveAttribute(
    'href',
    `/centres/${centre.centreId}/users/${alanUser?.userId}`,
  );
  await expect(page.getByRole('link', { name: 'Add new users' })).toHaveAttribute(
    'href',
    `/centres/${centre.centreId}/users/new`,
  );
  await expectAccessible(page, 'Users, filled');
  await screenshot(page, 'users');

  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('turing');
  await search.press('Enter');
  await expect(names(page)).toHaveText(['Alan Turing']);
  await expect(page).toHaveURL(/[?&]q=turing/);

  await search.fill('LOVELACE');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(names(page)).toHaveText(['Ada Lovelace']);

  await page.getByRole('link', { name: 'Clear search and filters' }).click();
  await expect(names(page)).toHaveText(everyone);
  await expect(search).toHaveValue('');

  const status = page.getByLabel('Status');
  const role = page.getByLabel('Role');
  const site = page.getByLabel('Site', { exact: true });
  await expect(status.getByRole('option')).toHaveText(['All', 'Active', 'Invited', 'Suspended']);
  await expect(role.getByRole('option')).toHaveText(['All', 'Admin', 'Teacher']);
  // Only the sites the centre is eligible for.
  await expect(site.getByRole('option')).toHaveText([
    'All',
    'Cambridge Primary',
    'Cambridge Lower Secondary',
  ]);

  await status.selectOption({ label: 'Invited' });
  await expect(names(page)).toHaveText(['Ada Lovelace', 'Barbara Liskov']);
  await expect(page).toHaveURL(/[?&]status=invited/);
  await status.selectOption({ label: 'Suspended' });
  await expect(names(page)).toHaveText(['Edsger Dijkstra']);
  await status.selectOption({ label: 'Active' });
  await expect(names(page)).toHaveText(['Alan Turing', 'Grace Hopper']);

  await role.selectOption({ label: 'Admin' });
  await expect(names(page)).toHaveText(['Grace Hopper']);
  await status.selectOption({ label: 'All' });
  await expect(names(page)).toHaveText(['Ada Lovelace', 'Grace Hopper']);
  await role.selectOption({ label: 'Teacher' });
  await expect(names(page)).toHaveText(['Alan Turing', 'Barbara Liskov', 'Edsger Dijkstra']);

  await role.selectOption({ label: 'All' });
  await site.selectOption({ label: 'Cambridge Lower Secondary' });
  await expect(names(page)).toHaveText(['Alan Turing', 'Barbara Liskov', 'Grace Hopper']);
  await expect(page).toHaveURL(/[?&]site=lower-secondary/);

  // The filters are in the address: Back returns to the list as it was, step by step.
  await page.goBack();
  await expect(site).toHaveValue('');
  await expect(names(page)).toHaveText(everyone);
  await page.goBack();
  await expect(role).toHaveValue('teacher');
  await expect(names(page)).toHaveText(['Alan Turing', 'Barbara Liskov', 'Edsger Dijkstra']);
  await page.goForward();
  await page.goForward();
  await expect(site).toHaveValue('lower-secondary');
  await expect(names(page)).toHaveText(['Alan Turing', 'Barbara Liskov', 'Grace Hopper']);

  // A shared link opens the list filtered.
  await openInConsole(page, `/centres/${centre.centreId}/users?status=invited&q=liskov`);
  await expect(status).toHaveValue('invited');
  await expect(search).toHaveValue('liskov');
  await expect(names(page)).toHaveText(['Barbara Liskov']);

  await search.fill('nobody by this name');
  await search.press('Enter');
  await expect(page.getByText('No users match your search.')).toBeVisible();
  await expect(page.getByRole('table')).toHaveCount(0);
  await expectAccessible(page, 'Users, nothing matches');
  await page.getByRole('link', { name: 'Clear search and filters' }).click();
  await expect(names(page)).toHaveText(everyone);
});

test('a coordinator pages through more than 50 users', { tag: '@extended' }, async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  // Emails with no word starting with a digit, so that the search below ("teacher 0": each
  // word the start of a word of the name or email) finds exactly Teacher 01 to 09.
  const run = randomBytes(4).toString('hex');
  const teachers = Array.from({ length: 55 }, (_, i) => ({
    name: `Teacher ${String(i + 1).padStart(2, '0')}`,
    email: `pager.x${run}.n${i + 1}@school.example`,
  }));
  await addUsers(centre, teachers);

  const lists = recordRequests(page, isListUsers);
  const perUser = recordRequests(page, (request) =>
    /\/centres\/[^/]+\/users\/[^/]+/.test(new URL(request.url()).pathname),
  );
  await signIn(page, centre.email);
  await expect(userRows(page)).toHaveCount(50);
  expect(lists).toHaveLength(1);
  expect(new URL(lists[0]?.url() ?? '').searchParams.get('limit')).toBe('50');
  expect(perUser, 'nothing is fetched per row').toHaveLength(0);

  const table = page.getByRole('table', { name: 'Users 1 to 50' });
  await expect(table).toBeVisible();
  await expect(names(page).first()).toHaveText('Grace Hopper');
  await expect(names(page).last()).toHaveText('Teacher 49');
  const pages = page.getByRole('navigation', { name: 'Pages of users' });
  await expect(pages.getByRole('button', { name: 'Previous page' })).toBeDisabled();

  await pages.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByRole('table', { name: 'Users 51 to 56' })).toBeVisible();
  await expect(names(page)).toHaveText(teachers.slice(49).map((teacher) => teacher.name));
  await expect(pages.getByRole('button', { name: 'Next page' })).toBeDisabled();
  await expect(pages).toContainText('Page 2');

  await pages.getByRole('button', { name: 'Previous page' }).click();
  await expect(userRows(page)).toHaveCount(50);
  await expect(names(page).first()).toHaveText('Grace Hopper');

  // The page a user was opened from is where Back returns.
  await pages.getByRole('button', { name: 'Next page' }).click();
  await page.getByRole('link', { name: 'Teacher 52' }).click();
  await expect(page).toHaveURL(/\/users\/[^/?]+$/);
  await page.goBack();
  await expect(page.getByRole('table', { name: 'Users 51 to 56' })).toBeVisible();
  await expect(names(page).first()).toHaveText('Teacher 50');

  // Searching starts again from the first page.
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('teacher 0');
  await search.press('Enter');
  await expect(names(page)).toHaveText(teachers.slice(0, 9).map((teacher) => teacher.name));
  await expect(pages).toHaveCount(0);
});

test('a coordinator suspends a user from the list', { tag: '@extended' }, async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  await addUsers(centre, [{ name: 'Ada Lovelace' }]);
  const [alan, barbara] = await addActiveUsers(centre, [
    { name: 'Alan Turing', sites: ['primary'] },
    { name: 'Barbara Liskov', sites: ['primary'] },
  ]);
  await recordPrimaryResults(centre, barbara?.userId ?? '', 3);

  await signIn(page, centre.email);
  await expect(names(page)).toHaveText([
    'Ada Lovelace',
    'Alan Turing',
    'Barbara Liskov',
    'Grace Hopper',
  ]);
  // Only active users can be suspended, and never the coordinator's own account.
  await expect(page.getByRole('button', { name: /^Suspend user/ })).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Suspend user Grace Hopper' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Suspend user Ada Lovelace' })).toHaveCount(0);

  const suspend = page.getByRole('button', { name: 'Suspend user Alan Turing' });
  await suspend.click();
  const dialog = page.getByRole('alertdialog', { name: 'Suspend Alan Turing?' });
  await expect(dialog).toBeVisible();
  await expectAccessible(page, 'Users, the Suspend dialog open');
  await dialog.getByRole('button', { name: 'No' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(suspend).toBeFocused();

  await suspend.click();
  await dialog.getByRole('button', { name: 'Yes' }).click();
  const notice = page.getByRole('status').filter({ hasText: 'Alan Turing has been suspended.' });
  await expect(notice).toHaveText(
    'Alan Turing has been suspended. They hold no Progression Test data.',
  );
  await expect(notice).toBeFocused();
  const alanRow = userRows(page).filter({ hasText: 'Alan Turing' });
  await expect(alanRow.getByRole('cell').nth(4)).toHaveText('Suspended');
  await expect(suspend).toHaveCount(0);
  await expectAccessible(page, 'Users, after the notice');

  expect((await getUser(centre, alan?.userId ?? '')).status).toBe('suspended');

  // The notice says how much Progression Test data the suspended user still holds.
  await page.getByRole('button', { name: 'Suspend user Barbara Liskov' }).click();
  await page
    .getByRole('alertdialog', { name: 'Suspend Barbara Liskov?' })
    .getByRole('button', { name: 'Yes' })
    .click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Barbara Liskov has been suspended.' }),
  ).toHaveText(
    'Barbara Liskov has been suspended. They hold 3 Progression Test results: transfer them to another teacher before deleting the user.',
  );
  await expect(
    userRows(page).filter({ hasText: 'Barbara Liskov' }).getByRole('cell').nth(4),
  ).toHaveText('Suspended');
});

test('the Users page is never blank: no users yet, and a failure to load', {
  tag: '@extended',
}, async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  // A centre always has its coordinator, so "no users yet" is shown from a stubbed answer.
  await page.route(
    (url) => /\/centres\/[^/]+\/users$/.test(url.pathname),
    async (route) => {
      if (route.request().method() !== 'GET') return route.fallback();
      const response = await route.fetch();
      await route.fulfill({ response, json: { items: [], nextCursor: null } });
    },
  );
  await signIn(page, centre.email);
  await expect(page.getByText('No users yet.')).toBeVisible();
  await expect(page.getByRole('main').getByRole('link', { name: 'Add new users' })).toHaveCount(2);
  await expectAccessible(page, 'Users, none yet');

  await page.unrouteAll();
  await page.route(
    (url) => /\/centres\/[^/]+\/users$/.test(url.pathname),
    (route) => route.abort('connectionrefused'),
  );
  await page.getByRole('searchbox', { name: 'Search' }).fill('grace');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const failure = page.getByRole('alert');
  await expect(failure).toContainText('The School Support Hub cannot be reached.', {
    timeout: 15_000,
  });
  await page.unrouteAll();
  await failure.getByRole('button', { name: 'Try again' }).click();
  await expect(names(page)).toHaveText(['Grace Hopper']);
});

test('a teacher never sees Administration', async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  const [teacher] = await addActiveUsers(centre, [{ name: 'Alan Turing', sites: ['primary'] }]);

  await signIn(page, teacher?.email ?? '');
  await expect(page.getByRole('button', { name: /User menu/ })).toBeVisible();
  await expect(
    page.getByRole('banner').getByRole('button', { name: /Administration/ }),
  ).toHaveCount(0);
  // Nor can a teacher open the Users page by its address.
  await openInConsole(page, `/centres/${centre.centreId}/users`);
  await expect(page).not.toHaveURL(/\/users/);
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toHaveCount(0);
});

test('a coordinator opens Users from Administration › My Centre', { tag: '@extended' }, async ({
  page,
}) => {
  const centre = await coordinatorOnUsers(page);
  await page.getByRole('button', { name: 'User menu for Grace Hopper' }).click();
  await page.getByRole('menuitem', { name: 'View profile' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toHaveCount(0);
  await page
    .getByRole('banner')
    .getByRole('button', { name: /Administration/ })
    .click();
  await page.getByRole('menuitem', { name: 'My Centre' }).click();
  await expect(page).toHaveURL(new RegExp(`/centres/${centre.centreId}/users$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeFocused();
});
