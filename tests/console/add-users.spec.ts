/**
 * "Add new users", as the guide describes it: rows of name, email, admin rights and site
 * ticks, `Add` for another row, `Finish` to send them all. Each row succeeds or fails alone;
 * a double click or a retry after a lost connection invites nobody twice.
 */
import type { Page } from '@playwright/test';
import {
  expect,
  expectAccessible,
  nextEmailTo,
  screenshot,
  secretLine,
  test,
  uniqueEmail,
} from './fixtures.js';
import {
  addUsers,
  coordinatorOnUsers,
  isAddUsers,
  recordAddUsersBodies,
  recordRequests,
  tick,
  usersMatching,
} from './users-helpers.js';

const row = (page: Page, number: number) => page.getByRole('group', { name: `User ${number}` });

async function fillRow(
  page: Page,
  number: number,
  user: { name: string; email: string; isAdmin?: boolean; sites?: string[] },
) {
  const group = row(page, number);
  await group.getByLabel('Name').fill(user.name);
  await group.getByLabel('Email').fill(user.email);
  if (user.isAdmin) await tick(group.getByRole('checkbox', { name: 'Admin rights' }));
  for (const site of user.sites ?? []) await tick(group.getByRole('checkbox', { name: site }));
}

async function openAddNewUsers(page: Page) {
  await page.getByRole('link', { name: 'Add new users' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Add new users');
  await expect(page).toHaveTitle('Add new users – School Support Hub');
}

const finish = (page: Page) => page.getByRole('button', { name: 'Finish' });

test('a coordinator adds several users in one go; a row that fails is corrected and sent again', async ({
  page,
}) => {
  const centre = await coordinatorOnUsers(page);
  const [taken] = await addUsers(centre, [{ name: 'Already Here' }]);
  const ada = uniqueEmail('ada');
  const alan = uniqueEmail('alan');
  const barbara = uniqueEmail('barbara');
  const posts = recordRequests(page, isAddUsers);
  const bodies = await recordAddUsersBodies(page);

  await openAddNewUsers(page);
  await expect(row(page, 1).getByLabel('Name')).toBeVisible();
  // Only the sites the centre is eligible for are offered.
  await expect(row(page, 1).getByRole('checkbox')).toHaveCount(3);
  await expect(row(page, 1).getByLabel('Cambridge Upper Secondary')).toHaveCount(0);
  await expect(row(page, 1).getByRole('button', { name: /Remove/ })).toHaveCount(0);
  await expectAccessible(page, 'Add new users, empty');

  await fillRow(page, 1, {
    name: 'Ada Lovelace',
    email: ada,
    isAdmin: true,
    sites: ['Cambridge Primary'],
  });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(row(page, 2).getByLabel('Name')).toBeFocused();
  await fillRow(page, 2, { name: 'Someone Else', email: taken?.email ?? '' });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await fillRow(page, 3, {
    name: 'Alan Turing',
    email: alan,
    sites: ['Cambridge Primary', 'Cambridge Lower Secondary'],
  });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await row(page, 4).getByRole('button', { name: 'Remove User 4' }).click();
  await expect(row(page, 4)).toHaveCount(0);

  await finish(page).click();

  await expect(page.getByRole('status').filter({ hasText: 'users added' })).toHaveText(
    '2 users added. Each has been emailed an invitation.',
  );
  await expect(row(page, 1)).toContainText('Added');
  await expect(row(page, 1).getByRole('link', { name: 'Ada Lovelace' })).toHaveAttribute(
    'href',
    new RegExp(`^/centres/${centre.centreId}/users/[^/]+$`),
  );
  await expect(row(page, 3).getByRole('link', { name: 'Alan Turing' })).toBeVisible();
  // The failed row stays, with its reason beside the field it is about.
  const reason = 'This email address is already used by another account.';
  await expect(row(page, 2).getByLabel('Email')).toHaveAccessibleDescription(reason);
  await expect(row(page, 2).getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  const summary = page.getByRole('alert').filter({ hasText: 'could not be added' });
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link')).toHaveText([`User 2: ${reason}`]);
  await expectAccessible(page, 'Add new users, with per-row outcomes');
  await screenshot(page, 'add-new-users');

  // The invitations arrive.
  for (const email of [ada, alan])
    expect(secretLine((await nextEmailTo(email)).text, 'Temporary password')).toBeTruthy();

  await row(page, 2).getByLabel('Email').fill(barbara);
  await row(page, 2).getByLabel('Name').fill('Barbara Liskov');
  await finish(page).click();
  await expect(page.getByRole('status').filter({ hasText: 'users added' })).toHaveText(
    '3 users added. Each has been emailed an invitation.',
  );
  await expect(row(page, 2).getByRole('link', { name: 'Barbara Liskov' })).toBeVisible();
  expect(secretLine((await nextEmailTo(barbara)).text, 'Temporary password')).toBeTruthy();

  // The created rows were not sent again, and the changed rows went with a new key.
  expect(posts).toHaveLength(2);
  expect(bodies[0]?.users).toEqual([
    { name: 'Ada Lovelace', email: ada, isAdmin: true, sites: ['primary'] },
    { name: 'Someone Else', email: taken?.email, isAdmin: false, sites: [] },
    { name: 'Alan Turing', email: alan, isAdmin: false, sites: ['primary', 'lower-secondary'] },
  ]);
  expect(bodies[1]?.users).toEqual([
    { name: 'Barbara Liskov', email: barbara, isAdmin: false, sites: [] },
  ]);
  const keys = await Promise.all(posts.map((post) => post.headerValue('idempotency-key')));
  expect(keys[0]).toMatch(/^[A-Za-z0-9_.:-]{8,128}$/);
  expect(keys[1]).toMatch(/^[A-Za-z0-9_.:-]{8,128}$/);
  expect(keys[1]).not.toBe(keys[0]);

  for (const email of [ada, alan, barbara])
    expect(await usersMatching(centre, email)).toHaveLength(1);

  await page.getByRole('link', { name: 'Back to Users' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Users');
  // The list was refreshed: the new users are there without a reload.
  await expect(page.getByRole('link', { name: 'Barbara Liskov' })).toBeVisible();
});

test('the browser checks the rows with the API rules first, and sends nothing when one is wrong', {
  tag: '@extended',
}, async ({ page }) => {
  await coordinatorOnUsers(page);
  const posts = recordRequests(page, isAddUsers);
  await openAddNewUsers(page);

  const same = uniqueEmail('same');
  await fillRow(page, 1, { name: '   ', email: same });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await fillRow(page, 2, { name: 'Ada Lovelace', email: 'not an email' });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await fillRow(page, 3, { name: 'Alan Turing', email: `  ${same.toUpperCase()} ` });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await fillRow(page, 4, { name: 'Grace <script>', email: uniqueEmail() });
  await finish(page).click();

  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link')).toHaveText([
    'User 1: Enter a name.',
    'User 2: Enter an email address in the correct format, like name@school.org.',
    'User 3: This email address is already given for User 1. Each user needs their own email address.',
    'User 4: The name must not contain the characters < or >.',
  ]);
  await expect(row(page, 1).getByLabel('Name')).toHaveAccessibleDescription('Enter a name.');
  await expect(row(page, 2).getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(row(page, 3).getByLabel('Email')).toHaveAccessibleDescription(/already given/);
  await expectAccessible(page, 'Add new users, with errors shown');

  // Each message in the summary leads to its field.
  await summary.getByRole('link', { name: /^User 2:/ }).click();
  await expect(row(page, 2).getByLabel('Email')).toBeFocused();

  expect(posts, 'nothing was sent').toHaveLength(0);
});

test('a double click on Finish adds each user once', { tag: '@extended' }, async ({ page }) => {
  const centre = await coordinatorOnUsers(page);
  const posts = recordRequests(page, isAddUsers);
  await openAddNewUsers(page);
  const emails = [uniqueEmail('one'), uniqueEmail('two')];
  await fillRow(page, 1, { name: 'Ada Lovelace', email: emails[0] ?? '' });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await fillRow(page, 2, { name: 'Alan Turing', email: emails[1] ?? '' });

  await finish(page).dblclick();
  await expect(page.getByRole('status').filter({ hasText: 'users added' })).toHaveText(
    '2 users added. Each has been emailed an invitation.',
  );
  for (const email of emails) expect(await usersMatching(centre, email)).toHaveLength(1);
  expect(posts).toHaveLength(1);
});

test('after a lost connection, Finish again sends the same key and invites nobody twice', {
  tag: '@extended',
}, async ({ page }) => {
  const centre = await coordinatorOnUsers(page);
  const posts = recordRequests(page, isAddUsers);
  // The first request reaches the API and is done there, but its answer never arrives.
  let lost = false;
  await page.route(
    (url) => /\/centres\/[^/]+\/users$/.test(url.pathname),
    async (route) => {
      if (route.request().method() !== 'POST' || lost) return route.fallback();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    },
  );
  await openAddNewUsers(page);
  const emails = [uniqueEmail('one'), uniqueEmail('two')];
  await fillRow(page, 1, { name: 'Ada Lovelace', email: emails[0] ?? '' });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await fillRow(page, 2, { name: 'Alan Turing', email: emails[1] ?? '' });

  await finish(page).click();
  await expect(page.getByRole('alert').filter({ hasText: 'cannot be reached' })).toContainText(
    'Select Finish to try again. Nobody will be added twice.',
  );
  await expect(finish(page)).toBeEnabled();
  const replay = page.waitForResponse((response) => isAddUsers(response.request()));
  await finish(page).click();
  expect((await replay).headers()['idempotent-replayed']).toBe('true');

  // The API's first answer, not "already used": both rows were added, each once.
  await expect(page.getByRole('status').filter({ hasText: 'users added' })).toHaveText(
    '2 users added. Each has been emailed an invitation.',
  );
  await expect(row(page, 1).getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();
  await expect(row(page, 2).getByRole('link', { name: 'Alan Turing' })).toBeVisible();
  for (const email of emails) expect(await usersMatching(centre, email)).toHaveLength(1);
  expect(posts).toHaveLength(2);
  const keys = await Promise.all(posts.map((post) => post.headerValue('idempotency-key')));
  expect(keys[0]).toBeTruthy();
  expect(keys[1]).toBe(keys[0]);
});

test('Add appends rows up to 100; Remove takes one out and the rest are numbered again', {
  tag: '@extended',
}, async ({ page }) => {
  await coordinatorOnUsers(page);
  await openAddNewUsers(page);
  const add = page.getByRole('button', { name: 'Add', exact: true });
  for (const [number, name] of ['First', 'Second', 'Third'].entries()) {
    if (number > 0) await add.click();
    await row(page, number + 1)
      .getByLabel('Name')
      .fill(name);
  }
  await row(page, 2).getByRole('button', { name: 'Remove User 2' }).click();
  await expect(row(page, 3)).toHaveCount(0);
  await expect(row(page, 2).getByLabel('Name')).toHaveValue('Third');
  await expect(row(page, 1).getByLabel('Name')).toBeFocused();

  // 97 presses of Add as a screen reader makes them (a click with no pointer), each rendered
  // before the next: the same events a user sends, without Playwright's checks before each of
  // them (97 of those cost a minute of a busy machine). The 100th row is a real click.
  await add.evaluate(async (button) => {
    const { requestAnimationFrame } = globalThis as unknown as {
      requestAnimationFrame: (then: () => void) => void;
    };
    for (let rows = 2; rows < 99; rows++) {
      (button as unknown as { click: () => void }).click();
      await new Promise<void>((rendered) => requestAnimationFrame(() => rendered()));
    }
  });
  await expect(row(page, 99)).toBeVisible();
  await expect(add).toBeEnabled();
  await add.click();
  await expect(row(page, 100)).toBeVisible();
  await expect(add).toBeDisabled();
  await expect(
    page.getByText('You have 100 rows, the most that can be sent at once.'),
  ).toBeVisible();
});
