/**
 * Teacher and learner management on the Primary and Lower Secondary support sites, as the
 * guide walks a coordinator through it: learners and their Progression Test results, a
 * teacher's page opened by name or pencil, `Delete` leading to `Transfer data`, the picker
 * (`Select`, `Transfer data`, `Ok`) by keyboard alone, then suspending and deleting the
 * teacher from the same pages. And who may open which site.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, expectAccessible, newCentre, screenshot, signIn, test } from './fixtures.js';
import { addUser, openInApp } from './user-pages-helpers.js';

/** Presses Tab until `target` has focus: a keyboard user's way to a control. */
async function tabTo(page: Page, target: Locator, limit = 15) {
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((element) => element === element.ownerDocument.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

const rows = (page: Page) =>
  page
    .getByRole('table')
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });

test('a coordinator manages learners and results on Primary, transfers a teacher’s data and deletes them', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const centre = await newCentre({ accepted: true });
  const [ada, bea] = await Promise.all([
    addUser(centre, { name: 'Ada Lovelace', sites: ['primary'], accept: true }),
    addUser(centre, { name: 'Bea Tan', sites: ['primary'], accept: true }),
    // Neither may receive data: one has not signed in yet, the other teaches elsewhere.
    addUser(centre, { name: 'Beatrice Tanner', sites: ['primary'] }),
    addUser(centre, { name: 'Bernard Secondary', sites: ['lower-secondary'], accept: true }),
  ]);
  if (!ada || !bea) throw new Error('no teachers');

  await signIn(page, centre.email);
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();

  // The side bar: one entry per site the centre is eligible for, told apart by their landmarks.
  const primaryNav = page.getByRole('navigation', { name: 'Primary', exact: true });
  await expect(
    page
      .getByRole('navigation', { name: 'Lower Secondary', exact: true })
      .getByRole('link', { name: 'Teacher and learner management (Lower Secondary)' }),
  ).toBeVisible();
  await primaryNav.getByRole('link', { name: 'Teacher and learner management (Primary)' }).click();

  // Teachers
  await expect(
    page.getByRole('heading', { level: 1, name: 'Primary: Teacher and learner management' }),
  ).toBeVisible();
  await expect(page).toHaveTitle('Teachers – Primary – School Support Hub');
  await expect(primaryNav.getByRole('link')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('link', { name: 'Teachers' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(page.getByRole('link', { name: 'Add new' })).toHaveAttribute(
    'href',
    `/centres/${centre.centreId}/users/new`,
  );
  const adaRow = rows(page).filter({ hasText: 'Ada Lovelace' });
  await expect(adaRow).toContainText(ada.email);
  await expect(adaRow).toContainText('Active');
  await expect(rows(page).filter({ hasText: 'Beatrice Tanner' })).toContainText('Invited');
  // Only the site's own teachers are listed.
  await expect(rows(page).filter({ hasText: 'Bernard Secondary' })).toHaveCount(0);
  await expectAccessible(page, 'Teachers tab');
  await screenshot(page, 'teachers-tab');

  // Learners: add two, the first refused until its name and stage are given.
  await page.getByRole('link', { name: 'Learners' }).click();
  await expect(page).toHaveTitle('Learners – Primary – School Support Hub');
  await expect(page.getByText('No learners on this site yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Add learner' }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link', { name: 'Enter the learner’s name' })).toBeVisible();
  await expect(summary.getByRole('link', { name: 'Choose a stage from 1 to 6' })).toBeVisible();
  // Stage 7 is Lower Secondary's: not offered here.
  await expect(page.getByLabel('Stage').locator('option', { hasText: 'Stage 7' })).toHaveCount(0);
  await expectAccessible(page, 'Learners tab, add refused');

  await page.getByLabel('Name').fill('Mary Anning');
  await page.getByLabel('Stage').selectOption('4');
  await page.getByLabel('Class').fill('4B');
  await page.getByRole('button', { name: 'Add learner' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Mary Anning has been added.' }),
  ).toBeVisible();
  await expect(summary).toHaveCount(0);
  await page.getByLabel('Name').fill('Alan Turing');
  await page.getByLabel('Stage').selectOption('2');
  await page.getByRole('button', { name: 'Add learner' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Alan Turing has been added.' }),
  ).toBeVisible();
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).filter({ hasText: 'Mary Anning' })).toContainText('4B');
  await expectAccessible(page, 'Learners tab with learners');
  await screenshot(page, 'sites-learners-tab');

  // Edit a learner in a dialog: only what changed is sent.
  await page.getByRole('button', { name: 'Edit Alan Turing' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Alan Turing' });
  await expect(edit.getByLabel('Name')).toHaveValue('Alan Turing');
  await expectAccessible(page, 'edit learner dialog');
  await edit.getByLabel('Name').fill('Alan M. Turing');
  await edit.getByLabel('Stage').selectOption('3');
  await edit.getByLabel('Class').fill('3A');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'The changes to Alan M. Turing have been saved.' }),
  ).toBeVisible();
  await expect(edit).toHaveCount(0);
  await expect(rows(page).filter({ hasText: 'Alan M. Turing' })).toContainText('3A');

  // A learner's results: record two owned by Ada, one refused first.
  await page.getByRole('link', { name: 'Mary Anning' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mary Anning' })).toBeVisible();
  await expect(page.getByText('No Progression Test results yet.')).toBeVisible();
  await page.getByLabel('Subject').selectOption({ label: 'Mathematics' });
  await page.getByLabel('Series').fill('Spring 2026');
  await page.getByLabel('Score', { exact: true }).fill('60');
  await page.getByLabel('Max score').fill('50');
  await page.getByLabel('Teacher', { exact: true }).selectOption({ label: 'Ada Lovelace' });
  await page.getByRole('button', { name: 'Record result' }).click();
  await expect(summary).toBeFocused();
  await expect(
    summary.getByRole('link', { name: 'The score must not be more than the max score' }),
  ).toBeVisible();
  await expectAccessible(page, 'learner page, result refused');
  await page.getByLabel('Score', { exact: true }).fill('30');
  await page.getByRole('button', { name: 'Record result' }).click();
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: 'The Mathematics result for Spring 2026 is recorded.' }),
  ).toBeVisible();
  await page.getByLabel('Subject').selectOption({ label: 'English' });
  await page.getByLabel('Series').fill('Autumn 2025');
  await page.getByLabel('Score', { exact: true }).fill('20');
  await page.getByLabel('Max score').fill('40');
  await page.getByLabel('Teacher', { exact: true }).selectOption({ label: 'Ada Lovelace' });
  await page.getByRole('button', { name: 'Record result' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'The English result for Autumn 2025 is recorded.' }),
  ).toBeVisible();
  await expect(rows(page)).toHaveCount(2);
  const spring = rows(page).filter({ hasText: 'Spring 2026' });
  await expect(spring).toContainText('Mathematics');
  await expect(spring).toContainText('30 / 50');
  await expect(spring).toContainText('Ada Lovelace');
  await expectAccessible(page, 'learner page with results');
  await screenshot(page, 'sites-learner-page');

  // A learner with results cannot be removed, and the page says why; one without can.
  await page.getByRole('link', { name: 'Back to Learners' }).click();
  await page.getByRole('button', { name: 'Remove Mary Anning' }).click();
  const removeMary = page.getByRole('alertdialog', { name: 'Remove Mary Anning?' });
  await expectAccessible(page, 'remove learner dialog');
  await removeMary.getByRole('button', { name: 'Ok' }).click();
  await expect(
    page
      .getByRole('alert')
      .filter({ hasText: 'Mary Anning cannot be removed: they have Progression Test results' }),
  ).toBeVisible();
  await expectAccessible(page, 'learner removal refused');
  await page.getByRole('button', { name: 'Remove Alan M. Turing' }).click();
  await page
    .getByRole('alertdialog', { name: 'Remove Alan M. Turing?' })
    .getByRole('button', { name: 'Ok' })
    .click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Alan M. Turing has been removed.' }),
  ).toBeVisible();
  await expect(rows(page)).toHaveCount(1);

  // Teachers: Ada now owns both results; her name and her pencil both open her page.
  await page.getByRole('link', { name: 'Teachers' }).click();
  await expect(rows(page).filter({ hasText: 'Ada Lovelace' }).getByRole('cell').nth(2)).toHaveText(
    '2',
  );
  // Find the user: the search and the status filter are the API's.
  await page.getByLabel('Search', { exact: true }).fill('TAN');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(rows(page)).toHaveCount(2);
  await page.getByLabel('Status').selectOption('active');
  await expect(rows(page)).toHaveText([/Bea Tan/]);
  await expectAccessible(page, 'Teachers tab, searched');
  await page.getByLabel('Search', { exact: true }).fill('lovelace');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(rows(page)).toHaveText([/Ada Lovelace/]);
  await page.getByRole('link', { name: 'Ada Lovelace', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ada Lovelace' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to Teachers' }).click();
  await page.getByRole('link', { name: 'Edit Ada Lovelace' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ada Lovelace' })).toBeVisible();
  await expect(page).toHaveTitle('Ada Lovelace – Primary – School Support Hub');
  await expect(
    page.getByRole('link', { name: 'Edit Ada Lovelace’s account in the School Support Hub' }),
  ).toHaveAttribute('href', `/centres/${centre.centreId}/users/${ada.userId}`);
  await expectAccessible(page, 'teacher page');

  // Delete → Ok: the system checks her data and leads to Transfer data.
  await page.getByRole('button', { name: 'Delete' }).click();
  const deleteDialog = page.getByRole('alertdialog', { name: 'Delete Ada Lovelace?' });
  await expect(deleteDialog).toBeVisible();
  await expectAccessible(page, 'teacher page, delete dialog');
  await deleteDialog.getByRole('button', { name: 'Ok' }).click();
  await expect(
    page.getByText(
      'Ada Lovelace holds 2 results of Progression Test data. You cannot delete a user until you have transferred this data to another teacher.',
    ),
  ).toBeVisible();
  await expectAccessible(page, 'teacher page, told to transfer');

  // Transfer data, by keyboard alone.
  const goToTransfer = page.getByRole('button', { name: 'Go to Transfer data' });
  await tabTo(page, goToTransfer);
  await page.keyboard.press('Enter');
  const transfer = page.getByRole('region', { name: 'Transfer data' });
  await expect(transfer).toBeFocused();
  await tabTo(page, transfer.getByRole('button', { name: 'Select a teacher to transfer data to' }));
  await page.keyboard.press('Enter');
  const picker = page.getByRole('dialog', { name: 'Select a teacher to transfer data to' });
  const search = picker.getByRole('searchbox', { name: 'Search teachers' });
  await expect(search).toBeFocused();
  const list = picker.getByRole('listbox', { name: 'Teachers who can receive the data' });
  // Only active teachers with the site (the coordinator has it too), never Ada herself.
  await expect(list.getByRole('option')).toHaveText([/^Bea Tan/, /^Grace Hopper/]);
  await page.keyboard.type('zz');
  await expect(list.getByText('No teacher matches your search.')).toBeVisible();
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('tan');
  await expect(list.getByRole('option')).toHaveText([/^Bea Tan/]);
  await tabTo(page, list.getByRole('option', { name: 'Bea Tan' }));
  await page.keyboard.press('Space');
  await expect(list.getByRole('option', { name: 'Bea Tan' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expectAccessible(page, 'transfer picker');
  await screenshot(page, 'transfer-picker');
  await tabTo(page, picker.getByRole('button', { name: 'Select' }));
  await page.keyboard.press('Enter');
  await expect(picker).toHaveCount(0);
  await expect(transfer.getByText('Transfer to')).toBeVisible();
  await expect(transfer).toContainText(bea.email);
  await tabTo(page, transfer.getByRole('button', { name: 'Transfer data' }));
  await page.keyboard.press('Enter');
  const confirm = page.getByRole('alertdialog', { name: 'Transfer data?' });
  await expect(confirm).toContainText(
    '2 results of Progression Test data will move from Ada Lovelace to Bea Tan.',
  );
  await expectAccessible(page, 'transfer confirm dialog');
  await tabTo(page, confirm.getByRole('button', { name: 'Ok' }));
  await page.keyboard.press('Enter');
  // The progress ends with the number moved, announced.
  await expect(
    transfer
      .getByRole('status')
      .filter({ hasText: 'Transfer complete: 2 results moved to Bea Tan.' }),
  ).toBeVisible({ timeout: 30_000 });
  await expect(transfer.getByRole('progressbar')).toHaveCount(0);
  await expect(page.getByText('Ada Lovelace holds no more data')).toBeVisible();
  await expectAccessible(page, 'teacher page, transfer complete');
  await screenshot(page, 'sites-transfer-complete');

  // Now Delete leads through Suspend user and Delete, on this page.
  await page.getByRole('button', { name: 'Delete' }).click();
  await deleteDialog.getByRole('button', { name: 'Ok' }).click();
  await page.getByRole('button', { name: 'Suspend user' }).click();
  const suspendDialog = page.getByRole('alertdialog', { name: 'Suspend Ada Lovelace?' });
  await expectAccessible(page, 'suspend dialog');
  await suspendDialog.getByRole('button', { name: 'Yes' }).click();
  await expect(page.getByText('Ada Lovelace has been suspended.')).toBeVisible();
  await expect(page.getByText('Suspended', { exact: true })).toBeVisible();
  await expectAccessible(page, 'teacher page, suspended');
  await screenshot(page, 'sites-teacher-suspended');
  await page.getByRole('button', { name: 'Delete' }).click();
  await deleteDialog.getByRole('button', { name: 'Yes' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Ada Lovelace has been deleted.' }),
  ).toBeVisible({ timeout: 30_000 });
  await expectAccessible(page, 'teacher deleted');

  // Bea holds the results; Ada is gone.
  await page.getByRole('link', { name: 'Back to Teachers' }).click();
  await expect(rows(page).filter({ hasText: 'Bea Tan' }).getByRole('cell').nth(2)).toHaveText('2');
  await expect(rows(page).filter({ hasText: 'Ada Lovelace' })).toHaveCount(0);
});

test('a teacher sees only their own site in the side bar, and is refused another site', {
  tag: '@extended',
}, async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  const teacher = await addUser(centre, {
    name: 'Ada Lovelace',
    sites: ['primary'],
    accept: true,
  });
  await signIn(page, teacher.email);

  const sideBarLinks = page.getByRole('link', { name: /Teacher and learner management/ });
  await expect(sideBarLinks).toHaveCount(1);
  await expect(
    page.getByRole('navigation', { name: 'Primary', exact: true }).getByRole('link'),
  ).toHaveText('Teacher and learner management (Primary)');
  await expect(page.getByRole('navigation', { name: 'Lower Secondary' })).toHaveCount(0);

  await sideBarLinks.click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Primary: Teacher and learner management' }),
  ).toBeVisible();
  await expect(rows(page).filter({ hasText: 'Ada Lovelace' })).toContainText('(you)');
  // Teachers see the list; adding and editing teachers is the coordinator's.
  await expect(page.getByRole('link', { name: 'Add new' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: /^Edit / })).toHaveCount(0);
  await expectAccessible(page, 'Teachers tab, as a teacher');

  // A teacher's own results are theirs: no teacher to choose.
  await page.getByRole('link', { name: 'Learners', exact: true }).click();
  await page.getByLabel('Name').fill('Tom Thumb');
  await page.getByLabel('Stage').selectOption('1');
  await page.getByRole('button', { name: 'Add learner' }).click();
  await page.getByRole('link', { name: 'Tom Thumb' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tom Thumb' })).toBeVisible();
  await expect(page.getByLabel('Teacher', { exact: true })).toHaveCount(0);
  await expect(page.getByText('The result will be recorded as yours.')).toBeVisible();
  await page.getByLabel('Subject').selectOption({ label: 'Science' });
  await page.getByLabel('Series').fill('Spring 2026');
  await page.getByLabel('Score', { exact: true }).fill('12');
  await page.getByLabel('Max score').fill('20');
  await page.getByRole('button', { name: 'Record result' }).click();
  await expect(rows(page).filter({ hasText: 'Spring 2026' })).toContainText('Ada Lovelace');
  await expectAccessible(page, 'learner page, as a teacher');
  // Their Teacher page on the site is the coordinator's.
  await openInApp(page, `/centres/${centre.centreId}/sites/primary/teachers/${teacher.userId}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Coordinators only' })).toBeVisible();

  await openInApp(page, `/centres/${centre.centreId}/sites/lower-secondary/teachers`);
  await expect(
    page.getByRole('heading', { level: 1, name: 'No access to Lower Secondary' }),
  ).toBeVisible();
  await expect(
    page.getByText('You do not have access to the Lower Secondary support site.'),
  ).toBeVisible();
  await expectAccessible(page, 'another site refused');

  // On a phone the side bar sits above the page rather than beside it.
  await page.setViewportSize({ width: 375, height: 800 });
  const bar = await page.getByRole('navigation', { name: 'Primary', exact: true }).boundingBox();
  const heading = await page.getByRole('heading', { level: 1 }).boundingBox();
  expect(bar && heading && bar.y + bar.height <= heading.y).toBe(true);
  await expectAccessible(page, 'narrow screen');
  await screenshot(page, 'sites-narrow-refusal');
});
