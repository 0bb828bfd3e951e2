/**
 * Add new users › Import from CSV, and Users › Export. A refused file sends nothing; a good
 * file is previewed with every row checked, imported with a progress bar, and reported line
 * by line (the report downloads as CSV); the same file imported again adds nobody twice.
 * Export downloads the users matching the current filters.
 */
import { readFile } from 'node:fs/promises';
import type { Download, FileChooser, Page, Route } from '@playwright/test';
import {
  api,
  emailsTo,
  expect,
  expectAccessible,
  nextEmailTo,
  screenshot,
  sleep,
  test,
  uniqueEmail,
} from './fixtures.js';
import { addUsers, coordinatorOnUsers, isAddUsers, recordRequests, tick } from './users-helpers.js';

const csvFile = (name: string, text: string, mimeType = 'text/csv') => ({
  name,
  mimeType,
  buffer: Buffer.from(text, 'utf8'),
});

const usersUrl = (url: URL) => /\/centres\/[^/]+\/users$/.test(url.pathname);

const downloaded = async (download: Download) => readFile(await download.path(), 'utf8');

/** Holds the matching requests until `release` is called, so a test can see what runs meanwhile. */
async function holdRequests(page: Page, match: (url: URL, method: string) => boolean) {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const handler = async (route: Route) => {
    if (match(new URL(route.request().url()), route.request().method())) await gate;
    await route.fallback();
  };
  await page.route(usersUrl, handler);
  return {
    release: async () => {
      release();
      await page.unroute(usersUrl, handler);
    },
  };
}

test('a coordinator imports users from a CSV file, downloads the report, and importing it again adds nobody twice', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const centre = await coordinatorOnUsers(page);
  const [existing] = await addUsers(centre, [{ name: 'Already Here' }]);
  const marker = `imp${Date.now().toString(36)}`;
  const emails = Array.from({ length: 27 }, (_, n) => uniqueEmail(`${marker}-${n}`));
  // Columns in another order than the help's, with a column the import ignores; a BOM, CRLF
  // and quoted values as a spreadsheet writes them.
  const lines = [
    'Email,Name,Sites,Admin,Status',
    ...emails.map((email, n) =>
      n === 0
        ? `${email},"Hopper, Grace ${marker}",primary;lower-secondary,yes,`
        : `${email},Teacher ${n} ${marker},${n % 3 === 0 ? 'primary' : ''},${n % 5 === 0 ? 'TRUE' : 'no'},active`,
    ),
    `not-an-email,"=HYPERLINK(""http://evil.example"",""x"")",,no,`,
    `${emails[1]},Second Copy ${marker},,no,`,
    `${existing?.email},Someone Else ${marker},,no,`,
  ];
  const text = `\uFEFF${lines.join('\r\n')}\r\n`;
  const posts = recordRequests(page, isAddUsers);

  await page.getByRole('link', { name: 'Add new users' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Add new users');
  await page.getByRole('link', { name: 'Import from CSV' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import from CSV');
  await expect(page).toHaveTitle('Import from CSV – School Support Hub');
  await expect(page.getByText('primary and lower-secondary')).toBeVisible();
  await expectAccessible(page, 'Import from CSV, no file yet');

  // Files refused before anything is read into rows or sent.
  const input = page.getByLabel('CSV file');
  const refusal = page.getByRole('alert').filter({ hasText: 'This file cannot be imported' });
  await input.setInputFiles({
    name: 'users.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]),
  });
  await expect(refusal).toBeFocused();
  await expect(refusal.getByRole('link')).toHaveText(
    'users.xlsx is not a CSV file. Save the spreadsheet as CSV (comma-separated values) and choose that file.',
  );
  await expect(page.getByLabel('CSV file')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'Import from CSV, a file that is not CSV refused');

  await page
    .getByLabel('CSV file')
    .setInputFiles(csvFile('renamed.csv', '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR'));
  await expect(refusal.getByRole('link')).toHaveText(
    'The file is not a text file. Save the spreadsheet as CSV (comma-separated values).',
  );

  await page
    .getByLabel('CSV file')
    .setInputFiles(csvFile('no-admin.csv', `name,email,sites\r\nAda,${uniqueEmail('ada')},\r\n`));
  await expect(refusal.getByRole('link')).toHaveText(
    'The first line must name the columns name, email, admin and sites. Missing: admin.',
  );
  await expectAccessible(page, 'Import from CSV, a file missing a column refused');
  await expect(page.getByRole('table')).toHaveCount(0);
  expect(posts).toHaveLength(0);

  // The preview: every row checked in the browser, the invalid ones with their reasons.
  await page.getByLabel('CSV file').setInputFiles(csvFile('teachers.csv', text));
  await expect(page.getByRole('heading', { level: 2, name: 'Check the users' })).toBeFocused();
  await expect(refusal).toHaveCount(0);
  const summary = page.getByRole('status').filter({ hasText: 'ready to import' });
  await expect(summary).toContainText('File: teachers.csv');
  await expect(summary).toContainText('28 users are ready to import.');
  await expect(summary).toContainText('2 rows have problems and will not be imported.');
  const table = page.getByRole('table', { name: 'The users in teachers.csv' });
  const bodyRows = table.getByRole('row').filter({ has: page.getByRole('cell') });
  await expect(bodyRows).toHaveCount(30);
  await expect(bodyRows.nth(0)).toContainText(`Hopper, Grace ${marker}`);
  await expect(bodyRows.nth(0)).toContainText('Primary and Lower Secondary');
  await expect(bodyRows.nth(0)).toContainText('Ready');
  await expect(bodyRows.nth(27)).toContainText(
    'not-an-email is not an email address in the correct format',
  );
  await expect(bodyRows.nth(28)).toContainText(
    'This email address is also on line 3. Each user needs their own email address.',
  );
  await expectAccessible(page, 'Import from CSV, preview');
  await screenshot(page, 'import-preview');
  await tick(page.getByRole('checkbox', { name: 'Show only rows with problems' }));
  await expect(bodyRows).toHaveCount(2);
  expect(posts).toHaveLength(0);

  // The service is busy four times running: the request is retried, then its users are
  // reported as not sent, to be sent again with the same key.
  let refusedPosts = 0;
  const busy = async (route: Route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    refusedPosts++;
    await route.fulfill({
      status: 503,
      headers: {
        'access-control-allow-origin': '*',
        'access-control-expose-headers': 'retry-after',
        'content-type': 'application/problem+json',
        'retry-after': '0',
      },
      body: JSON.stringify({
        title: 'Service Unavailable',
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
      }),
    });
  };
  await page.route(usersUrl, busy);
  await page.getByRole('button', { name: 'Import 28 users' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Import report' })).toBeFocused();
  const outcome = page.getByRole('status').filter({ hasText: 'added' });
  await expect(outcome).toContainText('No user was added.');
  await expect(outcome).toContainText('28 users were not sent.');
  const report = page.getByRole('table', { name: 'What happened to each line of the file' });
  const reportRows = report.getByRole('row').filter({ has: page.getByRole('cell') });
  await expect(reportRows.nth(0)).toContainText(
    'Not sent: The service is busy. Nothing was changed; try again in a moment.',
  );
  await expectAccessible(page, 'Import from CSV, users not sent');
  expect(refusedPosts).toBe(4);
  await page.unroute(usersUrl, busy);

  // Importing: a progress bar with its value, while the request is held on its way.
  const held = await holdRequests(page, (_url, method) => method === 'POST');
  await page.getByRole('button', { name: 'Send the 28 users not sent' }).click();
  const progress = page.getByRole('progressbar', { name: 'Users sent' });
  await expect(progress).toHaveAttribute('aria-valuenow', '0');
  await expect(progress).toHaveAttribute('aria-valuemax', '28');
  await expect(progress).toHaveAttribute('aria-valuetext', '0 of 28 users sent');
  await expect(page.getByRole('heading', { level: 2, name: 'Importing users' })).toBeFocused();
  await expectAccessible(page, 'Import from CSV, importing');
  await held.release();

  // The report: every line of the file, what became of it.
  await expect(page.getByRole('heading', { level: 2, name: 'Import report' })).toBeFocused();
  await expect(outcome).toContainText('27 users added. Each has been emailed an invitation.');
  await expect(outcome).toContainText('1 already exists.');
  await expect(outcome).toContainText('2 rows were not imported because of problems in the file.');
  await expect(reportRows).toHaveCount(30);
  await expect(reportRows.nth(0)).toContainText('Added: Invitation emailed');
  await expect(reportRows.nth(27)).toContainText('Not imported: not-an-email is not an email');
  await expect(reportRows.nth(29)).toContainText(
    'Already exists: An account already uses this email address.',
  );
  await expectAccessible(page, 'Import from CSV, report');
  await screenshot(page, 'import-report');
  // Four refused tries and the one that went through, all with the same key. On a loaded
  // machine the API may answer some rows NOT_ATTEMPTED (its time ran short): exactly those
  // are sent again, in later POSTs with a key of their own.
  expect(posts.length).toBeGreaterThanOrEqual(5);
  const firstKey = await posts[0]?.headerValue('idempotency-key');
  expect(firstKey).toMatch(/^csv-[0-9a-f]{64}$/);
  for (const post of posts.slice(0, 5))
    expect(await post.headerValue('idempotency-key')).toBe(firstKey);
  const emailsOf = (post: (typeof posts)[number]) =>
    (post.postDataJSON() as { users: { email: string }[] }).users.map((user) => user.email);
  const resent = posts.slice(5);
  for (const post of resent) {
    expect(await post.headerValue('idempotency-key')).not.toBe(firstKey);
    for (const email of emailsOf(post))
      expect(emailsOf(posts[4] as (typeof posts)[number])).toContain(email);
  }

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download report' }).click();
  const reportFile = await download;
  expect(reportFile.suggestedFilename()).toBe(`import-report-${centre.centreId}.csv`);
  const reportLines = (await downloaded(reportFile)).replace(/^\uFEFF/, '').split('\r\n');
  expect(reportLines[0]).toBe('line,name,email,result,details');
  expect(reportLines).toHaveLength(32); // the header, 30 lines, and the final line break
  expect(reportLines[1]).toBe(`2,"Hopper, Grace ${marker}",${emails[0]},Added,Invitation emailed`);
  // A cell a spreadsheet would run as a formula is written with an apostrophe first.
  expect(reportLines[28]).toBe(
    `29,"'=HYPERLINK(""http://evil.example"",""x"")",not-an-email,Not imported,"not-an-email is not an email address in the correct format, like name@school.org."`,
  );
  expect(reportLines[30]).toBe(
    `31,Someone Else ${marker},${existing?.email},Already exists,An account already uses this email address.`,
  );

  const listed = async () =>
    (
      await api('GET', `/centres/${centre.centreId}/users?q=${marker}&limit=100`, {
        token: centre.token,
        expected: 200,
      })
    ).items as { email: string; isAdmin: boolean; sites: string[] }[];
  const afterFirst = await listed();
  expect(afterFirst).toHaveLength(27);
  expect(afterFirst.find((user) => user.email === emails[0])).toMatchObject({
    isAdmin: true,
    sites: ['primary', 'lower-secondary'],
  });

  // The same file again, by keyboard alone: nobody is added twice. (Focus is still on
  // Download report.)
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Import another file' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('CSV file')).toBeFocused();
  // Space on the focused file input opens the chooser; on a loaded machine Chromium has once
  // let a press go by without one, so the keyboard tries again (never the mouse).
  let chooser: FileChooser | undefined;
  for (let attempt = 0; attempt < 3 && !chooser; attempt++) {
    const opened = page.waitForEvent('filechooser', { timeout: 5_000 }).catch(() => undefined);
    await page.keyboard.press('Space');
    chooser = await opened;
  }
  if (!chooser) throw new Error('Space on the file input opened no file chooser');
  await chooser.setFiles(csvFile('teachers.csv', text));
  await expect(page.getByRole('heading', { level: 2, name: 'Check the users' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Import 28 users' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: 'Import report' })).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: 'No user was added.' })).toContainText(
    '28 already exist.',
  );
  await expect(reportRows.nth(0)).toContainText(
    'Already exists: Already added by an earlier import of this file.',
  );
  await expectAccessible(page, 'Import from CSV, the same file again');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Download report' })).toBeFocused();
  const again = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  expect(await downloaded(await again)).toContain(`,${emails[0]},Already exists,`);

  expect(posts).toHaveLength(6);
  expect(await posts[5]?.headerValue('idempotency-key')).toBe(firstKey);
  expect(await listed()).toHaveLength(27);
  // Invitations leave through the outbox, after the answers: wait for each, then make sure
  // the second import sent no other (its outbox items were written with its answer).
  for (const email of [emails[0], emails[26]]) await nextEmailTo(email ?? '');
  await sleep(1_000);
  for (const email of [emails[0], emails[26]])
    expect(await emailsTo(email ?? ''), `invitations to ${email}`).toHaveLength(1);

  // Export: the users of the current filters, as a CSV in the import's columns.
  await page.getByRole('link', { name: 'Back to Users' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Users');
  await page.getByLabel('Role').selectOption('Admin');
  await expect(page).toHaveURL(/role=admin/);
  const heldList = await holdRequests(
    page,
    (url, method) => method === 'GET' && url.searchParams.get('limit') === '100',
  );
  const exported = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Exporting users' })).toBeVisible();
  await expectAccessible(page, 'Users, exporting');
  await heldList.release();
  const exportFile = await exported;
  expect(exportFile.suggestedFilename()).toMatch(
    new RegExp(`^users-${centre.centreId}-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
  );
  const exportLines = (await downloaded(exportFile)).replace(/^\uFEFF/, '').split('\r\n');
  // The coordinator and the imported admins (the first user and every fifth): no teacher.
  const admins = emails.filter((_, n) => n === 0 || n % 5 === 0);
  expect(exportLines[0]).toBe('name,email,admin,sites,status');
  expect(exportLines.slice(1, -1)).toHaveLength(admins.length + 1);
  expect(exportLines.slice(1, -1).every((line) => line.split(',').at(-3) === 'yes')).toBe(true);
  expect(exportLines).toContain(
    `"Hopper, Grace ${marker}",${emails[0]},yes,primary;lower-secondary,invited`,
  );
  expect(exportLines.some((line) => line.includes(centre.email))).toBe(true);
  await expect(
    page.getByText(`${admins.length + 1} users exported to ${exportFile.suggestedFilename()}.`),
  ).toBeVisible();
  await expectAccessible(page, 'Users, exported');
});
