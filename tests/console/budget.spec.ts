/**
 * The first visit stays light: all the JavaScript a coordinator's browser loads to sign in
 * and see the Users page is at most 150 KB gzip. Measured on what the browser really
 * fetched, not on a list of files.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildConsole } from '../../infra/local/console.js';
import { expect, newCentre, signIn, test } from './fixtures.js';

const budgetGzip = 150 * 1024;

test('sign-in and the Users page load at most 150 KB of JavaScript, gzipped', async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  const scripts = new Map<string, number>();
  page.on('response', async (response) => {
    if (response.request().resourceType() !== 'script') return;
    const body = await response.body().catch(() => undefined);
    if (body) scripts.set(response.url(), gzipSync(body, { level: 9 }).length);
  });

  await signIn(page, centre.email);
  await expect(page).toHaveURL(new RegExp(`/centres/${centre.centreId}/users$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  await page.waitForLoadState('networkidle');

  const total = [...scripts.values()].reduce((sum, size) => sum + size, 0);
  expect(scripts.size).toBeGreaterThan(0);
  expect(
    total,
    `${scripts.size} scripts, ${(total / 1024).toFixed(1)} KB gzip`,
  ).toBeLessThanOrEqual(budgetGzip);
});

/**
 * Route-level code splitting: each page's module is a chunk of its own, fetched only when the
 * page is opened. Vite's manifest of the build under test names the chunk of each page.
 */
test('the pages of the profile, the support sites, customer services and the CSV import load only when opened', {
  tag: '@extended',
}, async ({ page }) => {
  const { dir } = await buildConsole();
  const manifest = JSON.parse(
    await readFile(join(dir, '.vite', 'manifest.json'), 'utf8'),
  ) as Record<string, { file: string; isDynamicEntry?: boolean }>;
  const chunkOf = (source: string) => {
    const entry = manifest[source];
    if (!entry?.isDynamicEntry) throw new Error(`${source} is not a lazily loaded chunk`);
    return `/${entry.file}`;
  };
  const later = {
    profile: chunkOf('src/pages/ProfilePage.tsx'),
    sites: chunkOf('src/pages/sites/SiteArea.tsx'),
    support: chunkOf('src/pages/support/SupportArea.tsx'),
    import: chunkOf('src/pages/my-centre/import/ImportUsersPage.tsx'),
  };
  const loaded = new Set<string>();
  page.on('request', (request) => {
    if (request.resourceType() === 'script') loaded.add(new URL(request.url()).pathname);
  });

  const centre = await newCentre({ accepted: true, eligibleSites: ['primary'] });
  await signIn(page, centre.email);
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  for (const chunk of Object.values(later)) expect(loaded, chunk).not.toContain(chunk);

  // Opened, each comes in.
  await page.getByRole('link', { name: 'Teacher and learner management (Primary)' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(
    'Teacher and learner management',
  );
  expect(loaded).toContain(later.sites);
  expect(loaded).not.toContain(later.profile);
  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByRole('menuitem', { name: 'View profile' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your profile' })).toBeVisible();
  expect(loaded).toContain(later.profile);
  expect(loaded).not.toContain(later.import);
  expect(loaded).not.toContain(later.support);
});
