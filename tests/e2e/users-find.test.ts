/**
 * Issue 3, "Must show" 2: GET /centres/{id}/users finds users by any part of name or email
 * (case-insensitive), status, role and site, ordered by name case-insensitively, paged with
 * an opaque cursor. One centre of 13 users is built once; every test here only reads it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  addUsers,
  allPages,
  api,
  centreWithCoordinator,
  problem,
  problemOf,
  uniqueEmail,
  usersOf,
} from '../support/hub.js';

interface Person {
  name: string;
  email: string;
  isAdmin: boolean;
  sites: string[];
  status: 'invited' | 'active' | 'suspended';
}

// Mixed case on purpose: 'ada' sorts before 'Alan' and 'barbara' before 'Claude'.
const people: Omit<Person, 'email'>[] = [
  { name: 'alan Turing', isAdmin: false, sites: ['primary'], status: 'invited' },
  {
    name: 'Barbara Liskov',
    isAdmin: true,
    sites: ['primary', 'lower-secondary'],
    status: 'active',
  },
  { name: 'ada Lovelace', isAdmin: false, sites: [], status: 'suspended' },
  { name: 'Claude Shannon', isAdmin: false, sites: ['lower-secondary'], status: 'active' },
  { name: 'donald Knuth', isAdmin: true, sites: [], status: 'invited' },
  { name: 'Edsger Dijkstra', isAdmin: false, sites: ['primary'], status: 'invited' },
  { name: 'frances Allen', isAdmin: false, sites: ['primary'], status: 'active' },
  { name: 'GRACE Murray', isAdmin: false, sites: [], status: 'invited' },
  { name: 'Hedy Lamarr', isAdmin: true, sites: ['primary'], status: 'suspended' },
  { name: 'ivan Sutherland', isAdmin: false, sites: ['lower-secondary'], status: 'invited' },
  { name: 'John Backus', isAdmin: false, sites: ['primary', 'lower-secondary'], status: 'active' },
  { name: 'Katherine Johnson', isAdmin: false, sites: [], status: 'invited' },
];

let centre: Awaited<ReturnType<typeof centreWithCoordinator>>;
let everyone: Person[];
let token: string;

const byName = (a: Person, b: Person) => {
  const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
};
const expected = (keep: (person: Person) => boolean) =>
  everyone
    .filter(keep)
    .sort(byName)
    .map((person) => person.name);
const names = async (query: string) =>
  (await usersOf(centre.centreId, token, query)).map((user) => user.name);

beforeAll(async () => {
  centre = await centreWithCoordinator(['primary', 'lower-secondary']);
  token = centre.tokens.accessToken;
  // One email is findable only through its address ("zebra" is in no name).
  const withEmails: Person[] = people.map((person, i) => ({
    ...person,
    email: uniqueEmail(i === 7 ? 'Zebra' : `find${i}`).toLowerCase(),
  }));
  const added = await addUsers(
    centre.centreId,
    token,
    withEmails.map(({ name, email, isAdmin, sites }) => ({ name, email, isAdmin, sites })),
  );
  if (added.json?.created !== people.length) throw new Error(`setup: ${added.text}`);
  const ids = added.json.results.map((r: { user: { userId: string } }) => r.user.userId);
  await Promise.all(
    withEmails.map(async (person, i) => {
      if (person.status === 'active') await acceptInvitation(person.email);
      if (person.status === 'suspended') {
        const suspended = await api('POST', `/centres/${centre.centreId}/users/${ids[i]}/suspend`, {
          token,
        });
        if (suspended.status !== 200) throw new Error(`setup suspend: ${suspended.text}`);
      }
    }),
  );
  everyone = [
    ...withEmails,
    {
      name: 'Grace Hopper',
      email: centre.email.toLowerCase(),
      isAdmin: true,
      sites: ['primary', 'lower-secondary'],
      status: 'active',
    },
  ];
});

describe('finding users: order and search', () => {
  it('lists every user of the centre ordered by name case-insensitively', async () => {
    const listed = await usersOf(centre.centreId, token);
    expect(listed.map((user) => user.name)).toEqual(expected(() => true));
    expect(listed).toHaveLength(13);
    for (const user of listed)
      expect(user).toEqual({
        userId: expect.any(String),
        centreId: centre.centreId,
        name: expect.any(String),
        email: expect.any(String),
        isAdmin: expect.any(Boolean),
        sites: expect.any(Array),
        status: expect.stringMatching(/^(invited|active|suspended)$/),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
  });

  it.each([
    ['LOV', 'a part of a name in other case'],
    ['grace', 'a first name held by two users in different case'],
    ['an T', 'a part spanning first and last name'],
    ['ZEBRA', 'a part of an email only'],
    ['SCHOOL.EXAMPLE', 'the domain every email shares'],
    ['find1', 'an email prefix shared by several users'],
    ['nobody-has-this', 'text nobody has'],
  ])('matches q=%s (%s) against any part of name or email, case-insensitively', async (q) => {
    const found = await names(`q=${encodeURIComponent(q)}`);
    expect(found).toEqual(
      expected((p) => `${p.name}\n${p.email}`.toLowerCase().includes(q.toLowerCase())),
    );
  });

  it('finds a user by their whole email address', async () => {
    const zebra = everyone.find((person) => person.email.startsWith('zebra')) as Person;
    expect(await names(`q=${encodeURIComponent(zebra.email.toUpperCase())}`)).toEqual([zebra.name]);
  });
});

describe('finding users: filters', () => {
  it.each(['invited', 'active', 'suspended'] as const)('filters status=%s', async (status) => {
    const found = await names(`status=${status}`);
    expect(found).toEqual(expected((p) => p.status === status));
    expect(found.length).toBeGreaterThan(0);
  });

  it.each([
    ['admin', true],
    ['teacher', false],
  ] as const)('filters role=%s', async (role, isAdmin) => {
    expect(await names(`role=${role}`)).toEqual(expected((p) => p.isAdmin === isAdmin));
  });

  it.each(['primary', 'lower-secondary', 'advanced'])('filters site=%s', async (site) => {
    expect(await names(`site=${site}`)).toEqual(expected((p) => p.sites.includes(site)));
  });

  it.each<[string, (p: Person) => boolean]>([
    ['status=active&role=admin', (p) => p.status === 'active' && p.isAdmin],
    ['status=suspended&role=teacher', (p) => p.status === 'suspended' && !p.isAdmin],
    ['role=teacher&site=primary', (p) => !p.isAdmin && p.sites.includes('primary')],
    [
      'status=invited&site=primary&q=DIJK',
      (p) => p.status === 'invited' && p.sites.includes('primary') && /dijk/i.test(p.name),
    ],
    [
      'status=active&role=teacher&site=lower-secondary&q=o',
      (p) =>
        p.status === 'active' &&
        !p.isAdmin &&
        p.sites.includes('lower-secondary') &&
        `${p.name}\n${p.email}`.toLowerCase().includes('o'),
    ],
    ['role=admin&q=A', (p) => p.isAdmin && `${p.name}\n${p.email}`.toLowerCase().includes('a')],
  ])('combines filters: %s', async (query, keep) => {
    expect(await names(query)).toEqual(expected(keep));
  });
});

describe('finding users: pages', () => {
  it('pages through every user with limit=3 and nextCursor, with no duplicates or omissions', async () => {
    const { items, sizes } = await allPages<{ userId: string; name: string }>(
      `/centres/${centre.centreId}/users`,
      token,
      3,
    );
    expect(sizes.every((size) => size <= 3)).toBe(true);
    expect(sizes.length).toBeGreaterThanOrEqual(5);
    expect(new Set(items.map((user) => user.userId)).size).toBe(items.length);
    expect(items.map((user) => user.name)).toEqual(expected(() => true));
  });

  it('pages through a filtered list (status=invited, q=a) with limit=2, with no duplicates or omissions', async () => {
    const { items, sizes } = await allPages<{ userId: string; name: string }>(
      `/centres/${centre.centreId}/users?status=invited&q=a`,
      token,
      2,
    );
    expect(sizes.every((size) => size <= 2)).toBe(true);
    expect(new Set(items.map((user) => user.userId)).size).toBe(items.length);
    expect(items.map((user) => user.name)).toEqual(
      expected(
        (p) => p.status === 'invited' && `${p.name}\n${p.email}`.toLowerCase().includes('a'),
      ),
    );
  });

  it('ends with nextCursor null when the page holds the rest', async () => {
    const page = await api('GET', `/centres/${centre.centreId}/users?limit=100`, { token });
    expect(page.status).toBe(200);
    expect(page.json.nextCursor).toBeNull();
    expect(page.json.items).toHaveLength(13);
  });

  it('lets support find users of any centre', async () => {
    const listed = await usersOf(centre.centreId, centre.supportToken, 'role=admin');
    expect(listed.map((user) => user.name)).toEqual(expected((p) => p.isAdmin));
  });
});

describe('finding users: bad queries are refused with 400', () => {
  it.each([
    ['a cursor that is not one of ours', 'cursor=not-a-cursor'],
    [
      'a cursor of base64 JSON naming nothing',
      `cursor=${Buffer.from('{"PK":{"S":"X"}}').toString('base64url')}`,
    ],
    ['an unknown query parameter', 'sort=email'],
    ['an unknown status', 'status=deleted'],
    ['an unknown role', 'role=owner'],
    ['an unknown site', 'site=moon'],
    ['limit=0', 'limit=0'],
    ['limit=101', 'limit=101'],
    ['a limit that is not a number', 'limit=ten'],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_case, query) => {
    const answer = await api('GET', `/centres/${centre.centreId}/users?${query}`, { token });
    expect(problemOf(answer)).toEqual(problem(400, 'VALIDATION_FAILED'));
  });

  it("refuses a cursor taken from another centre's list with 400", async () => {
    const other = await centreWithCoordinator();
    await addUsers(other.centreId, other.tokens.accessToken, [
      { name: 'Other One', email: uniqueEmail() },
      { name: 'Other Two', email: uniqueEmail() },
    ]);
    const page = await api('GET', `/centres/${other.centreId}/users?limit=1`, {
      token: other.tokens.accessToken,
    });
    expect(page.json.nextCursor).toEqual(expect.any(String));
    const answer = await api(
      'GET',
      `/centres/${centre.centreId}/users?limit=1&cursor=${encodeURIComponent(page.json.nextCursor)}`,
      { token },
    );
    expect(problemOf(answer)).toEqual(problem(400, 'VALIDATION_FAILED'));
  });
});
