/** What the user page, audit log and support specs share beyond fixtures.ts. */
import type { Locator, Page } from '@playwright/test';
import { acceptInvitation, api, expect, uniqueEmail } from './fixtures.js';

/**
 * Opens a console path without reloading: tokens live in memory only, so `page.goto` would
 * sign the user out. The router follows history.pushState, as it does for its own links.
 */
export async function openInApp(page: Page, path: string) {
  // A string runs in the page, where `history` exists; the tests' tsconfig has no DOM types.
  await page.evaluate(`history.pushState(null, '', ${JSON.stringify(path)})`);
}

type Site = 'primary' | 'lower-secondary' | 'upper-secondary' | 'advanced';

/** A user added by the centre's coordinator through the API; `accept` signs them in once. */
export async function addUser(
  centre: { centreId: string; token?: string | undefined },
  options: { name: string; isAdmin?: boolean; sites?: Site[]; accept?: boolean },
) {
  const email = uniqueEmail(options.isAdmin ? 'coordinator' : 'teacher');
  const added = await api('POST', `/centres/${centre.centreId}/users`, {
    token: centre.token,
    body: {
      users: [
        {
          name: options.name,
          email,
          isAdmin: options.isAdmin ?? false,
          sites: options.sites ?? [],
        },
      ],
    },
    expected: 200,
  });
  const userId: string = added.results[0].user.userId;
  if (options.accept) await acceptInvitation(email);
  return { email, userId, name: options.name };
}

/** Progression Test results on the Primary site, owned by `teacherId` (a coordinator records them). */
export async function recordPrimaryResults(
  centre: { centreId: string; token?: string | undefined },
  teacherId: string,
  count: number,
) {
  const site = `/centres/${centre.centreId}/sites/primary`;
  const learner = await api('POST', `${site}/learners`, {
    token: centre.token,
    body: { name: 'Mary Anning', stage: 4 },
    expected: 201,
  });
  for (let index = 0; index < count; index++)
    await api('POST', `${site}/progression-tests`, {
      token: centre.token,
      body: {
        learnerId: learner.learnerId,
        subject: 'mathematics',
        stage: 4,
        series: `Spring ${2020 + index}`,
        score: 30,
        maxScore: 50,
        teacherId,
      },
      expected: 201,
    });
}

export const getUser = (centre: { centreId: string; token?: string | undefined }, userId: string) =>
  api('GET', `/centres/${centre.centreId}/users/${userId}`, { token: centre.token });

/**
 * Ticks or unticks a checkbox found by its role and name, by clicking its label as a person
 * does: the input itself is visually hidden under the drawn box, so a click aimed at the
 * input lands on the box.
 */
export async function tick(checkbox: Locator, selected = true) {
  if ((await checkbox.isChecked()) !== selected)
    await checkbox.locator('xpath=ancestor::label[1]').click();
  await expect(checkbox).toBeChecked({ checked: selected });
}
