/**
 * Issue 3, "Must show" 2: GET /centres/{id}/users finds users by name or email, status, role
 * and site, ordered by name case-insensitively, paged with an opaque cursor. Issue 11, item
 * 2: `q` is words, each the start of a word of the name or email (case- and
 * accent-insensitive), answered from the word index. One centre of 14 users is built once;
 * every test here only reads it (the last describe has a centre of its own).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  activeUser,
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
  { name: 'Élodie Núñez-García', isAdmin: false, sites: ['lower-secondary'], status: 'active' },
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

/** The words of a text as the API reads them: no accents, lower case, split at non-letters. */
const wordsOf = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
/** What `q` finds: every word of q starts some word of the name or email. */
const found = (q: string) => (p: Person) => {
  const own = wordsOf(`${p.name} ${p.email}`);
  return wordsOf(q).every((word) => own.some((mine) => mine.startsWith(word)));
};

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
    expect(listed).toHaveLength(14);
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
    ['LOV', 'the start of a last name in other case', 1],
    ['grace', 'a first name held by two users in different case', 2],
    ['ala tur', 'the starts of first and last name', 1],
    ['TUR ala', 'the same words the other way round', 1],
    ['ZEBRA', 'the start of an email only', 1],
    ['SCHOOL.EXAMPLE', 'the domain every email shares', 14],
    ['find1', 'an email word shared by several users', 4],
    ['elodie nunez', 'a name with accents, typed without them', 1],
    ['GARCÍA', 'the second part of a hyphenated name, with its accent', 1],
    ['an T', 'no word starts with "an" (inside "alan" is not the start)', 0],
    ['ace', 'inside a word only (lovelace)', 0],
    ['nobody-has-this', 'text nobody has', 0],
  ])('q=%s (%s) finds users by the starts of words of name or email', async (q, _case, count) => {
    const listed = await names(`q=${encodeURIComponent(q)}`);
    expect(listed).toEqual(expected(found(q)));
    expect(listed).toHaveLength(count);
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
      'status=active&role=teacher&site=lower-secondary&q=e',
      (p) =>
        p.status === 'active' && !p.isAdmin && p.sites.includes('lower-secondary') && found('e')(p),
    ],
    ['role=admin&q=A', (p) => p.isAdmin && found('A')(p)],
    ['status=suspended&q=school', (p) => p.status === 'suspended'],
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
      expected((p) => p.status === 'invited' && found('a')(p)),
    );
  });

  it('pages through a search (q=school, every user) with limit=3, in name order, with no duplicates or omissions', async () => {
    const { items, sizes } = await allPages<{ userId: string; name: string }>(
      `/centres/${centre.centreId}/users?q=school`,
      token,
      3,
    );
    expect(sizes).toEqual([3, 3, 3, 3, 2]);
    expect(new Set(items.map((user) => user.userId)).size).toBe(14);
    expect(items.map((user) => user.name)).toEqual(expected(() => true));
  });

  it('ends with nextCursor null when the page holds the rest', async () => {
    const page = await api('GET', `/centres/${centre.centreId}/users?limit=100`, { token });
    expect(page.status).toBe(200);
    expect(page.json.nextCursor).toBeNull();
    expect(page.json.items).toHaveLength(14);
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
    [
      'q with a new line (it would join a name to an email)',
      `q=${encodeURIComponent('lovelace\nfind')}`,
    ],
    ['q with a tab', `q=${encodeURIComponent('ada\tlov')}`],
    ['q with a NUL', 'q=ada%00'],
    ['q with no letter or digit', `q=${encodeURIComponent('@.-')}`],
    ['q of 101 characters', `q=${'a'.repeat(101)}`],
    [
      'a search cursor of base64 JSON holding only the partition key',
      `q=school&cursor=${Buffer.from(JSON.stringify({ GSI1PK: 'CENTRE#X#SEARCH#school' })).toString('base64url')}`,
    ],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_case, query) => {
    const answer = await api('GET', `/centres/${centre.centreId}/users?${query}`, { token });
    expect(problemOf(answer)).toEqual(problem(400, 'VALIDATION_FAILED'));
  });

  it('refuses a control character in q on the Teachers list too', async () => {
    const answer = await api(
      'GET',
      `/centres/${centre.centreId}/sites/primary/teachers?q=${encodeURIComponent('ada\nfind')}`,
      { token },
    );
    expect(problemOf(answer)).toEqual(problem(400, 'VALIDATION_FAILED'));
    expect(answer.json.errors).toEqual([
      { path: 'query.q', message: 'must not contain control characters' },
    ]);
  });

  it("refuses a search's cursor given with another q (another partition of the index)", async () => {
    const page = await api('GET', `/centres/${centre.centreId}/users?q=school&limit=1`, { token });
    expect(page.json.nextCursor).toEqual(expect.any(String));
    const answer = await api(
      'GET',
      `/centres/${centre.centreId}/users?q=find&limit=1&cursor=${encodeURIComponent(page.json.nextCursor)}`,
      { token },
    );
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

describe('finding users: the index follows every change', () => {
  it('finds a user by their new name, email, status and role at once, and no longer by the old', async () => {
    const own = await centreWithCoordinator();
    const ownToken = own.tokens.accessToken;
    const oldEmail = uniqueEmail('Oldmail').toLowerCase();
    const person = await activeUser(own.centreId, ownToken, {
      name: 'Quentin Oldname',
      email: oldEmail,
    });
    const userId = person.user.userId as string;
    const search = async (query: string) =>
      (await usersOf(own.centreId, ownToken, query)).map((user) => user.userId);
    expect(await search('q=oldname')).toEqual([userId]);
    expect(await search('q=oldmail')).toEqual([userId]);
    expect(await search('q=oldmail&status=active')).toEqual([userId]);

    const renamed = await api('PATCH', '/me', {
      token: person.tokens.accessToken,
      body: { name: 'Quentin Newname' },
    });
    expect(renamed.status).toBe(200);
    const edited = await api('PATCH', `/centres/${own.centreId}/users/${userId}`, {
      token: ownToken,
      body: { email: uniqueEmail('Newmail'), isAdmin: true },
    });
    expect(edited.status).toBe(200);
    const suspended = await api('POST', `/centres/${own.centreId}/users/${userId}/suspend`, {
      token: ownToken,
    });
    expect(suspended.status).toBe(200);

    expect(await search('q=oldname')).toEqual([]);
    expect(await search('q=oldmail')).toEqual([]);
    expect(await search('q=quentin newn')).toEqual([userId]);
    expect(await search('q=newmail&status=suspended&role=admin')).toEqual([userId]);
    expect(await search('q=newmail&status=active')).toEqual([]);
    expect(await search('q=newmail&role=teacher')).toEqual([]);
  });
});
