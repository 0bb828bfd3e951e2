/**
 * A file of 1,000 users, the most Import from CSV takes: twenty chunks of 50 sent one after
 * another, every user added, then Export reads all 1,001 users back page by page. Kept out
 * of `npm test` for time (the import alone took 46 s here, the run 1.7 min with the stack):
 * `npm run test:console:large`.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, uniqueEmail } from '../fixtures.js';
import {
  coordinatorOnUsers,
  isAddUsers,
  openInConsole,
  recordAddUsersBodies,
  recordRequests,
} from '../users-helpers.js';

const rows = 1_000;

test('1,000 users are imported from one file, then exported', async ({ page }) => {
  test.setTimeout(600_000);
  const centre = await coordinatorOnUsers(page);
  const marker = `big${Date.now().toString(36)}`;
  const lines = ['name,email,admin,sites'];
  for (let n = 1; n <= rows; n++)
    lines.push(`Teacher ${n} ${marker},${uniqueEmail(`${marker}-${n}`)},no,primary`);
  const posts = recordRequests(page, isAddUsers);
  const bodies = await recordAddUsersBodies(page);

  await openInConsole(page, `/centres/${centre.centreId}/users/import`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import from CSV');
  await page.getByLabel('CSV file').setInputFiles({
    name: 'everyone.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`${lines.join('\r\n')}\r\n`),
  });
  await expect(page.getByRole('status').filter({ hasText: 'ready to import' })).toContainText(
    '1,000 users are ready to import.',
  );

  const started = Date.now();
  await page.getByRole('button', { name: 'Import 1,000 users' }).click();
  const progress = page.getByRole('progressbar', { name: 'Users sent' });
  await expect(progress).toHaveAttribute('aria-valuemax', '1000');
  // The bar moves chunk by chunk.
  await expect(progress).toHaveAttribute('aria-valuetext', /^[1-9][0-9]{2} of 1,000 users sent$/, {
    timeout: 120_000,
  });
  await expect(page.getByRole('heading', { level: 2, name: 'Import report' })).toBeVisible({
    timeout: 540_000,
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(`1,000 users imported in ${seconds.toFixed(1)} s`);
  await expect(page.getByRole('status').filter({ hasText: 'added' })).toHaveText(
    '1,000 users added. Each has been emailed an invitation.',
  );
  // Twenty chunks of 50, each with a key of its own (a chunk retried on a slow answer goes
  // again with the same key and body).
  const keys = await Promise.all(posts.map((post) => post.headerValue('idempotency-key')));
  expect(new Set(keys).size).toBe(20);
  expect(bodies.every((body) => body.users.length === 50)).toBe(true);
  if (posts.length > 20) console.log(`${posts.length - 20} requests were retries`);

  await page.getByRole('link', { name: 'Back to Users' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Users');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const text = await readFile(await (await download).path(), 'utf8');
  const exported = text.split('\r\n').slice(1, -1);
  expect(exported).toHaveLength(rows + 1);
  expect(exported.filter((line) => line.includes(marker))).toHaveLength(rows);
  await expect(page.getByText(/^1,001 users exported to /)).toBeVisible();
});
