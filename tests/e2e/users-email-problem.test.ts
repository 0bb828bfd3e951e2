/**
 * Issue 12 item 2: the Users list's email filter. `?email=problem` lists, by name and paged,
 * the users whose emails are not arriving (a permanent bounce, a complaint, or an email the
 * outbox gave up on), read from the centre's sparse GSI5 partition. The bounces and
 * complaints reach the real mail-events handler as SNS would deliver SES's events, through
 * the local stack's Lambda endpoint (infra/local/mail-events.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sendLocalMailEvent } from '../../infra/local/mail-events.js';
import {
  type Answer,
  acceptInvitation,
  addUsers,
  api,
  centreWithCoordinator,
  hub,
  problem,
  problemOf,
  uniqueEmail,
  usersOf,
} from '../support/hub.js';

let centre: Awaited<ReturnType<typeof centreWithCoordinator>>;
let token: string;
const lambdaEndpoint = () => hub().environment.AWS_ENDPOINT_URL_LAMBDA as string;

// Mixed case on purpose: the list is by name case-insensitively.
const people = [
  { name: 'zoe Bounced', isAdmin: false, sites: ['primary'], event: 'bounce' },
  { name: 'Amir Complained', isAdmin: true, sites: [], event: 'complaint' },
  { name: 'bea Bounced', isAdmin: false, sites: [], event: 'bounce' },
  { name: 'Carl Fine', isAdmin: false, sites: ['primary'], event: undefined },
  { name: 'dora Fine', isAdmin: true, sites: [], event: undefined },
] as const;
const emails = new Map<string, string>();

beforeAll(async () => {
  centre = await centreWithCoordinator(['primary', 'lower-secondary']);
  token = centre.tokens.accessToken;
  const rows = people.map(({ name, isAdmin, sites }, i) => {
    const email = uniqueEmail(`problem${i}`).toLowerCase();
    emails.set(name, email);
    return { name, email, isAdmin, sites: [...sites] };
  });
  const added = await addUsers(centre.centreId, token, rows);
  if (added.json?.created !== people.length) throw new Error(`setup: ${added.text}`);
  // Amir accepts the invitation: an active user with a problem, for the status filter.
  await acceptInvitation(emails.get('Amir Complained') as string);
  for (const person of people)
    if (person.event)
      await sendLocalMailEvent(lambdaEndpoint(), person.event, emails.get(person.name) as string);
});

const names = async (query: string) =>
  (await usersOf(centre.centreId, token, query)).map((user) => user.name);

describe('the Users list: email=problem', () => {
  it('lists only the users whose emails are not arriving, by name, with their emailStatus', async () => {
    const listed = await usersOf(centre.centreId, token, 'email=problem');
    expect(listed.map((user) => user.name)).toEqual([
      'Amir Complained',
      'bea Bounced',
      'zoe Bounced',
    ]);
    const byName = new Map(listed.map((user) => [user.name, user as Record<string, unknown>]));
    expect(byName.get('bea Bounced')?.emailStatus).toEqual({
      problem: 'bouncing',
      at: expect.any(String),
      detail: 'Permanent (General)',
    });
    expect(byName.get('Amir Complained')?.emailStatus).toEqual({
      problem: 'complained',
      at: expect.any(String),
      detail: 'abuse',
    });
    // Without the filter, everyone; the others carry no emailStatus.
    const everyone = await usersOf(centre.centreId, token);
    expect(everyone).toHaveLength(people.length + 1);
    for (const user of everyone.filter((u) => u.name.endsWith('Fine')))
      expect(user).not.toHaveProperty('emailStatus');
  });

  it('pages through them with the cursor, a user on each page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer<{ items: { name: string }[]; nextCursor: string | null }> = await api(
        'GET',
        `/centres/${centre.centreId}/users?email=problem&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      );
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.json.items.map((user) => user.name));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Amir Complained', 'bea Bounced', 'zoe Bounced']);
  });

  it.each([
    ['status=active', ['Amir Complained']],
    ['status=invited', ['bea Bounced', 'zoe Bounced']],
    ['role=admin', ['Amir Complained']],
    ['role=teacher', ['bea Bounced', 'zoe Bounced']],
    ['site=primary', ['zoe Bounced']],
    ['q=bounced', ['bea Bounced', 'zoe Bounced']],
    ['q=fine', []],
  ])('combines with %s', async (other, expected) => {
    expect(await names(`email=problem&${other}`)).toEqual(expected);
  });

  it('shows the problem on the user page (GET one user)', async () => {
    const listed = await usersOf(centre.centreId, token, 'email=problem&q=zoe');
    const user = await api('GET', `/centres/${centre.centreId}/users/${listed[0]?.userId}`, {
      token,
    });
    expect(user.json.emailStatus).toMatchObject({ problem: 'bouncing' });
  });

  it.each(['email=bouncing', 'email=', 'email=PROBLEM', 'email=problem&email=problem'])(
    'refuses %s with 400 VALIDATION_FAILED',
    async (query) => {
      const answer = await api('GET', `/centres/${centre.centreId}/users?${query}`, { token });
      expect(problemOf(answer)).toEqual(problem(400, 'VALIDATION_FAILED'));
    },
  );

  it("does not show another centre's problems", async () => {
    const other = await centreWithCoordinator();
    expect(await usersOf(other.centreId, other.tokens.accessToken, 'email=problem')).toEqual([]);
  });
});
