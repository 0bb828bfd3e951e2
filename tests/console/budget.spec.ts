/**
 * The first visit stays light: all the JavaScript a coordinator's browser loads to sign in
 * and see the Users page is at most 150 KB gzip. Measured on what the browser really
 * fetched, not on a list of files.
 */
import { gzipSync } from 'node:zlib';
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
