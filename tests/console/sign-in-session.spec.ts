/**
 * A signed-in session keeps working without the user noticing (tokens are refreshed before
 * they expire, and once more on a 401), and ends plainly when the user is suspended.
 */

import { api, defaultPassword, expect, newCentre, signIn, test } from './fixtures.js';
import { addActiveUser, expectPage } from './sign-in-helpers.js';

const isPath = (url: string, path: string) => new URL(url).pathname.endsWith(path);

test('an access token about to expire is refreshed before it does, and pages keep working', {
  tag: '@extended',
}, async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  await page.clock.install();
  const login = page.waitForResponse((response) => isPath(response.url(), '/auth/login'));
  await signIn(page, centre.email);
  const { expiresIn } = await (await login).json();

  const refreshed = page.waitForResponse(
    (response) => isPath(response.url(), '/auth/refresh') && response.status() === 200,
  );
  // The hour passes: the session refreshes a minute before the token would have expired.
  await page.clock.fastForward(expiresIn * 1000);
  await refreshed;

  const me = page.waitForResponse((response) => isPath(response.url(), '/me'));
  await page.getByRole('button', { name: 'User menu for Grace Hopper' }).click();
  await page.getByRole('menuitem', { name: 'View profile' }).click();
  expect((await me).status()).toBe(200);
  await expectPage(page, 'Your profile');
  await expect(page.getByText(centre.email)).toBeVisible();
});

test('a call refused with 401 is answered by one refresh and one retry, unseen by the user', {
  tag: '@extended',
}, async ({ page }) => {
  const centre = await newCentre({ accepted: true });
  await signIn(page, centre.email);

  // The next GET /me is answered 401, as for a token the API no longer accepts. (Its CORS
  // preflight, if any, passes; the real answer's headers let the page read the 401.)
  let answered = false;
  await page.route(
    (url) => url.pathname.endsWith('/me'),
    async (route) => {
      if (answered || route.request().method() !== 'GET') return route.fallback();
      answered = true;
      const response = await route.fetch();
      await route.fulfill({
        response,
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          code: 'UNAUTHENTICATED',
          status: 401,
          title: 'Sign in to continue',
        }),
      });
    },
  );
  const refresh = page.waitForRequest(
    (request) => isPath(request.url(), '/auth/refresh') && request.method() === 'POST',
  );
  const retried = page.waitForResponse(
    (response) => isPath(response.url(), '/me') && response.status() === 200,
  );

  await page.getByRole('button', { name: 'User menu for Grace Hopper' }).click();
  await page.getByRole('menuitem', { name: 'View profile' }).click();
  await refresh;
  await retried;
  await expectPage(page, 'Your profile');
  await expect(page.getByText(centre.email)).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a teacher suspended by their coordinator is signed out at their next call, in plain words', async ({
  page,
}) => {
  const centre = await newCentre({ accepted: true });
  const teacher = await addActiveUser(centre, { name: 'Ada Lovelace', isAdmin: false });
  await signIn(page, teacher.email);
  // A teacher's home is their profile.
  await expectPage(page, 'Your profile');

  await api('POST', `/centres/${centre.centreId}/users/${teacher.userId}/suspend`, {
    token: centre.token,
    expected: 200,
  });

  const refusedRefresh = page.waitForResponse(
    (response) => isPath(response.url(), '/auth/refresh') && response.status() === 401,
  );
  // Going home opens the profile afresh, which asks the API who the user is.
  await page.getByRole('link', { name: 'School Support Hub' }).click();
  await refusedRefresh;
  await expectPage(page, 'Sign in');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fprofile$/);
  await expect(
    page.getByText(
      'You have been signed out. Sign in again. If your account has been suspended, contact your School Coordinator.',
    ),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: /User menu/ })).toHaveCount(0);

  // Signing in again is refused like any wrong password: nothing says the account exists.
  await page.getByLabel('Email', { exact: true }).fill(teacher.email);
  await page.getByLabel('Password', { exact: true }).fill(defaultPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText(
    'The email address or password is not right.',
  );
});
