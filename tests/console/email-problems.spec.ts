/**
 * Issue 12 item 2, as a coordinator sees it: a user whose emails bounce, were marked as spam
 * or could not be sent shows it on the Users list, under its Emails filter and on their own
 * page. The bounces and complaints reach the real mail-events handler as SNS would deliver
 * SES's events, through the local stack's Lambda endpoint (infra/local/mail-events.ts).
 */
import { clearSesFault, injectSesFault } from '../../infra/local/emulators/ses-faults.js';
import { sendLocalMailEvent } from '../../infra/local/mail-events.js';
import {
  api,
  expect,
  expectAccessible,
  newCentre,
  nextEmailTo,
  screenshot,
  signIn,
  stack,
  test,
  uniqueEmail,
} from './fixtures.js';
import { addUsers, type Centre, userRows } from './users-helpers.js';

const userOf = async (centre: Centre, userId: string) =>
  (await api('GET', `/centres/${centre.centreId}/users/${userId}`, { token: centre.token })) as {
    emailStatus?: { problem: string };
  };

const mailEvent = (kind: 'bounce' | 'complaint', address: string) =>
  sendLocalMailEvent(stack.environment.AWS_ENDPOINT_URL_LAMBDA as string, kind, address);

test('a coordinator finds the users whose emails are not arriving with the Emails filter, by keyboard', {
  tag: '@extended',
}, async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  const [ada, alan] = await addUsers(centre, [
    { name: 'Ada Lovelace', sites: ['primary'] },
    { name: 'Alan Turing' },
    { name: 'Barbara Liskov' },
  ]);
  await mailEvent('bounce', ada?.email as string);
  await mailEvent('complaint', alan?.email as string);
  await signIn(page, centre.email);
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();

  const names = userRows(page).getByRole('link');
  await expect(names).toHaveText(['Ada Lovelace', 'Alan Turing', 'Barbara Liskov', 'Grace Hopper']);
  await expect(userRows(page).filter({ hasText: 'Ada Lovelace' })).toContainText('Emails bouncing');
  await expect(userRows(page).filter({ hasText: 'Alan Turing' })).toContainText('Marked as spam');
  await expect(userRows(page).filter({ hasText: 'Barbara Liskov' })).not.toContainText(
    /bouncing|spam|not sent/,
  );

  // The Emails filter follows the others; a keyboard reaches and changes it.
  const emails = page.getByLabel('Emails');
  await page.getByLabel('Site').focus();
  await page.keyboard.press('Tab');
  await expect(emails).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(emails).toHaveValue('problem');
  await expect(page).toHaveURL(/[?&]email=problem/);
  await expect(names).toHaveText(['Ada Lovelace', 'Alan Turing']);
  await expect(page.getByRole('table')).toHaveAccessibleName(/matching your search/);
  await expectAccessible(page, 'Users filtered by Emails: Not arriving');
  await screenshot(page, 'users-email-problem');

  // With another filter too; then All again.
  await page.getByLabel('Site').selectOption({ label: 'Cambridge Primary' });
  await expect(names).toHaveText(['Ada Lovelace']);
  await page.getByLabel('Emails').selectOption({ label: 'All' });
  // The coordinator, Grace Hopper, has Cambridge Primary too.
  await expect(names).toHaveText(['Ada Lovelace', 'Grace Hopper']);
  await page.getByLabel('Site').selectOption({ label: 'All' });
  await expect(names).toHaveText(['Ada Lovelace', 'Alan Turing', 'Barbara Liskov', 'Grace Hopper']);
});

test("a user's page says why emails to them are not arriving", { tag: '@extended' }, async ({
  page,
}) => {
  const centre = await newCentre({ accepted: true });
  const [ada, alan, barbara] = await addUsers(centre, [
    { name: 'Ada Lovelace' },
    { name: 'Alan Turing' },
    { name: 'Barbara Liskov' },
  ]);
  await mailEvent('bounce', ada?.email as string);
  await mailEvent('complaint', alan?.email as string);
  await signIn(page, centre.email);
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();

  // By keyboard from the list: the name is a link.
  await userRows(page).getByRole('link', { name: 'Ada Lovelace' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ada Lovelace');
  await expect(page.getByText(`Emails to ${ada?.email} are bouncing`)).toBeVisible();
  await expect(page.getByText('check the address with Ada Lovelace')).toBeVisible();
  await expect(page.getByText(/^Recorded on /)).toBeVisible();
  await expectAccessible(page, "a user's page: emails bouncing");
  await screenshot(page, 'user-page-email-bouncing');

  await page.goBack();
  await userRows(page).getByRole('link', { name: 'Alan Turing' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Alan Turing');
  await expect(
    page.getByText('Alan Turing marked an email from the School Support Hub as spam'),
  ).toBeVisible();
  await expectAccessible(page, "a user's page: complained");

  await page.goBack();
  await userRows(page).getByRole('link', { name: 'Barbara Liskov' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Barbara Liskov');
  await expect(page.getByRole('heading', { name: 'Details' })).toBeVisible();
  await expect(page.getByText(/bouncing|as spam|could not be sent/)).toHaveCount(0);
  expect(barbara?.email).toBeTruthy();
});

test('an invitation SES refused shows on the Users list and the user’s page; resending it once the cause is fixed clears it', {
  tag: '@extended',
}, async ({ page }) => {
  // Arrange: SES rejects every email to Rita's address (the local SES front, ses-faults.ts).
  const centre = await newCentre({ accepted: true });
  const front = stack.environment.AWS_ENDPOINT_URL_SES as string;
  const ritaEmail = uniqueEmail('rita').toLowerCase();
  await injectSesFault(front, { to: ritaEmail, code: 'MessageRejected' });
  const [rita] = await addUsers(centre, [{ name: 'Rita Rejected', email: ritaEmail }]);
  await expect
    .poll(async () => (await userOf(centre, rita?.userId as string)).emailStatus?.problem, {
      timeout: 30_000,
    })
    .toBe('failed');

  // Act and assert: the coordinator sees it on the list, then on her page.
  await signIn(page, centre.email);
  await expect(userRows(page).filter({ hasText: 'Rita Rejected' })).toContainText(
    'Last email not sent',
  );
  await userRows(page).getByRole('link', { name: 'Rita Rejected' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rita Rejected');
  const warning = page.getByText(
    `The last email to ${ritaEmail} could not be sent: check the address with Rita Rejected.`,
  );
  await expect(warning).toBeVisible();
  await expectAccessible(page, "a user's page: last email not sent");
  await screenshot(page, 'user-page-email-not-sent');

  // The address is fixed at SES's end; the coordinator resends the invitation by keyboard.
  await clearSesFault(front, ritaEmail);
  await page.getByRole('button', { name: 'Resend invitation' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('alertdialog', { name: 'Resend the invitation to Rita Rejected?' });
  await dialog.getByRole('button', { name: 'Yes' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'We have emailed Rita Rejected a new invitation' }),
  ).toBeVisible();
  await nextEmailTo(ritaEmail);
  await expect
    .poll(async () => (await userOf(centre, rita?.userId as string)).emailStatus, {
      timeout: 30_000,
    })
    .toBeUndefined();
  // Back to the list and in again (the session lives in the page: no reload).
  await page.goBack();
  await expect(userRows(page).filter({ hasText: 'Rita Rejected' })).not.toContainText(
    'Last email not sent',
  );
  await userRows(page).getByRole('link', { name: 'Rita Rejected' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rita Rejected');
  await expect(warning).toHaveCount(0);
});
