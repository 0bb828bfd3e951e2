/** Customer services open any centre's My Centre by its number, or from the list of centres. */
import {
  expect,
  expectAccessible,
  newCentre,
  screenshot,
  signIn,
  stack,
  test,
} from './fixtures.js';
import { openInApp } from './user-pages-helpers.js';

test('support opens a centre by its number and sees its users', async ({ page }) => {
  const centre = await newCentre({ accepted: true, coordinatorName: 'Katherine Johnson' });
  await signIn(page, stack.support.email, stack.support.password);
  await expect(page.getByRole('heading', { level: 1, name: 'Customer services' })).toBeVisible();
  await expect(page).toHaveTitle('Customer services – School Support Hub');
  await expect(page.getByRole('table').getByRole('link').first()).toBeVisible();
  await expectAccessible(page, 'support page');
  await screenshot(page, 'support');

  const field = page.getByLabel('Centre number');
  await field.fill('GB-1');
  await page.getByRole('button', { name: 'Open My Centre' }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await expect(summary).toBeFocused();
  await expect(
    summary.getByRole('link', { name: /two letters and 3 to 8 digits, like GB001/ }),
  ).toBeVisible();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'support page, centre number error');
  await screenshot(page, 'support-error');

  // Typed as people type it: lower case, with spaces.
  await field.fill(`  ${centre.centreId.toLowerCase()} `);
  await page.getByRole('button', { name: 'Open My Centre' }).click();
  await expect(page).toHaveURL(new RegExp(`/centres/${centre.centreId}/users$`));
  await expect(page.getByText(centre.centreName)).toBeVisible();
  await expect(page.getByRole('main').getByText('Katherine Johnson').first()).toBeVisible();

  // A centre that does not exist: the centre's designed NOT_FOUND state.
  await openInApp(page, '/support');
  await page.getByLabel('Centre number').fill('ZZ99999999');
  await page.getByRole('button', { name: 'Open My Centre' }).click();
  await expect(page).toHaveURL(/\/centres\/ZZ99999999\/users$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Centre not found' })).toBeVisible();
  await expect(page).toHaveTitle(/^Centre not found/);
  await expectAccessible(page, 'unknown centre');
  await screenshot(page, 'support-unknown-centre');
});

test('support pages through the list of centres and opens one', async ({ page }) => {
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
  await expectAccessible(page, 'support page, page 2');
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
  await expect(page).toHaveURL(new RegExp(`/centres/${first}/users$`));
  await expect(page.getByText(`(${first})`)).toBeVisible();
});
