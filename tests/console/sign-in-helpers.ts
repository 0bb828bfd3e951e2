/** What the sign-in specs share beyond fixtures.ts. */
import type { Page } from '@playwright/test';
import { acceptInvitation, api, expect, uniqueEmail } from './fixtures.js';

/** The page has its own document title and one h1 saying the same. */
export async function expectPage(page: Page, title: string) {
  await expect(page).toHaveTitle(`${title} – School Support Hub`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
}

/** The address an email's link (`words: address` in the text part) leads to. */
export function linkIn(text: string, words: string): string {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${words}: `));
  if (!line) throw new Error(`No "${words}" link in: ${text}`);
  return line.slice(words.length + 2).trim();
}

/** A second, active user of a centre, added by its coordinator through the API. */
export async function addActiveUser(
  centre: { centreId: string; token?: string | undefined },
  options: { name: string; isAdmin: boolean },
) {
  const email = uniqueEmail(options.isAdmin ? 'coordinator' : 'teacher');
  const added = await api('POST', `/centres/${centre.centreId}/users`, {
    token: centre.token,
    body: { users: [{ name: options.name, email, isAdmin: options.isAdmin }] },
    expected: 200,
  });
  const userId: string = added.results[0].user.userId;
  await acceptInvitation(email);
  return { email, userId };
}

/** A wrong code of the same shape as the right one. */
export const anotherCode = (code: string) =>
  code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
