/** What the Users and Add new users specs share beyond fixtures.ts. */
import type { Locator, Page, Request } from '@playwright/test';
import { acceptInvitation, api, expect, newCentre, signIn, uniqueEmail } from './fixtures.js';

export type Centre = Awaited<ReturnType<typeof newCentre>>;

export interface NewUser {
  name: string;
  email?: string;
  isAdmin?: boolean;
  sites?: string[];
}

/** A coordinator's centre (eligible for Primary and Lower Secondary), signed in on its Users page. */
export async function coordinatorOnUsers(page: Page, options: { coordinatorName?: string } = {}) {
  const centre = await newCentre({ accepted: true, ...options });
  await signIn(page, centre.email);
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  return centre;
}

/**
 * Users added by the coordinator through the API; every row must succeed. Rows the API had no
 * time for (NOT_ATTEMPTED, on a busy machine) are sent again, exactly those, as a client does.
 */
export async function addUsers(centre: Centre, users: NewUser[]) {
  const rows = users.map((user) => ({ ...user, email: user.email ?? uniqueEmail('teacher') }));
  const added: { userId: string; name: string; email: string }[] = new Array(rows.length);
  let pending = rows.map((_, index) => index);
  for (let round = 0; pending.length && round < 5; round++) {
    const answer = await api('POST', `/centres/${centre.centreId}/users`, {
      token: centre.token,
      body: { users: pending.map((index) => rows[index]) },
      expected: 200,
    });
    const again: number[] = [];
    for (const result of answer.results) {
      const index = pending[result.index] as number;
      if (result.status === 'created') added[index] = result.user;
      else if (result.error?.code === 'NOT_ATTEMPTED') again.push(index);
      else expect(result, JSON.stringify(answer.results)).toMatchObject({ status: 'created' });
    }
    pending = again;
  }
  expect(pending, 'rows still not attempted after 5 requests').toEqual([]);
  return added;
}

/** A user who has accepted their invitation, so they are Active. */
export async function addActiveUsers(centre: Centre, users: NewUser[]) {
  const added = await addUsers(centre, users);
  for (const user of added) await acceptInvitation(user.email);
  return added;
}

/** The centre's users whose name or email contains `q`, as the API lists them. */
export async function usersMatching(centre: Centre, q: string) {
  const page = await api('GET', `/centres/${centre.centreId}/users?q=${encodeURIComponent(q)}`, {
    token: centre.token,
    expected: 200,
  });
  return page.items as { name: string; email: string; status: string }[];
}

/**
 * Moves to a path inside the console as its own links do. Tokens live in memory only, so
 * page.goto (a reload) would sign the user out.
 */
export async function openInConsole(page: Page, path: string) {
  // The tests' own tsconfig has no DOM types; this runs in the page, where history exists.
  await page.evaluate((to) => (globalThis as any).history.pushState(null, '', to), path);
}

/**
 * The bodies of the Add new users requests from now on. Read where the request is
 * intercepted: Chromium's request events may not carry a fetch body.
 */
export async function recordAddUsersBodies(page: Page) {
  const bodies: { users: unknown[] }[] = [];
  await page.route(
    (url) => /\/centres\/[^/]+\/users$/.test(url.pathname),
    async (route) => {
      if (route.request().method() === 'POST') bodies.push(route.request().postDataJSON());
      await route.fallback();
    },
  );
  return bodies;
}

/** Every request the page makes from now on that `match`es, in order. */
export function recordRequests(page: Page, match: (request: Request) => boolean) {
  const seen: Request[] = [];
  page.on('request', (request) => {
    if (match(request)) seen.push(request);
  });
  return seen;
}

export const isAddUsers = (request: Request) =>
  request.method() === 'POST' && /\/centres\/[^/]+\/users$/.test(new URL(request.url()).pathname);

export const isListUsers = (request: Request) =>
  request.method() === 'GET' && /\/centres\/[^/]+\/users$/.test(new URL(request.url()).pathname);

/** The table's body rows (the header row excluded). */
export const userRows = (page: Page) =>
  page
    .getByRole('table')
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });

/**
 * Ticks a checkbox found by role and name by clicking its label, as a person does: the input
 * itself is visually hidden under the drawn box, so a click aimed at it lands on the box.
 */
export async function tick(checkbox: Locator) {
  if (!(await checkbox.isChecked())) await checkbox.locator('xpath=ancestor::label[1]').click();
  await expect(checkbox).toBeChecked();
}
