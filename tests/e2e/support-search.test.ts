/**
 * Issue 10: customer services finds a centre by the start of its id or of its name
 * (`GET /support/centres?q=`), and a person of any centre by exact email or by the start of
 * their name (`GET /support/users?q=`), for rescuing a coordinator who lost both email and
 * password. Other tests create centres and people at the same time, so every name here
 * starts with a prefix of its own and every assertion is about those alone.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeUser,
  addUser,
  allPages,
  api,
  centreWithCoordinator,
  problem,
  problemOf,
  supportToken,
  uniqueCentreId,
  uniqueEmail,
} from '../support/hub.js';

/** A prefix no other test uses: two letters (the index partition) and random letters. */
const uniquePrefix = (first: string) =>
  `${first}${[...randomBytes(6)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;

interface CentreAnswer {
  centreId: string;
  name: string;
  eligibleSites: string[];
}
interface UserAnswer {
  userId: string;
  centreId: string;
  name: string;
  email: string;
  status: string;
}

let token: string;

beforeAll(async () => {
  token = await supportToken();
});

async function createCentre(name: string, centreId = uniqueCentreId()) {
  const created = await api('POST', '/support/centres', {
    token,
    body: {
      centreId,
      name,
      eligibleSites: ['primary'],
      coordinator: { name: 'Grace Hopper', email: uniqueEmail('coordinator') },
    },
  });
  if (created.status !== 201) throw new Error(`createCentre: ${created.status} ${created.text}`);
  return created.json.centre as CentreAnswer;
}

const centres = (query: string) => api('GET', `/support/centres?${query}`, { token });

describe('GET /support/centres?q=', () => {
  const prefix = uniquePrefix('Qz');
  let north: CentreAnswer;
  let south: CentreAnswer;
  let east: CentreAnswer;

  beforeAll(async () => {
    // Created out of name order, one name in lower case: the answer is by name, whatever the case.
    south = await createCentre(`${prefix} South School`);
    east = await createCentre(`${prefix.toLowerCase()} east school`);
    north = await createCentre(`${prefix.toUpperCase()} NORTH SCHOOL`);
  });

  it('finds the centres whose name starts with q, case-insensitively, ordered by name', async () => {
    const answer = await centres(`q=${encodeURIComponent(`  ${prefix.toUpperCase()} `)}`);

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ items: [east, north, south], nextCursor: null });
    const one = await centres(`q=${encodeURIComponent(`${prefix.toLowerCase()} nor`)}`);
    expect(one.json.items).toEqual([north]);
    // The name's start only, not any part of it.
    expect((await centres('q=School')).json.items).not.toContainEqual(north);
  });

  it('pages through the matches with limit and cursor, each centre once', async () => {
    const pages = await allPages<CentreAnswer>(
      `/support/centres?q=${encodeURIComponent(prefix)}`,
      token,
      2,
    );

    expect(pages.sizes).toEqual([2, 1]);
    expect(pages.items.map((centre) => centre.centreId)).toEqual([
      east.centreId,
      north.centreId,
      south.centreId,
    ]);
  });

  it('finds a centre by the start of its id when q has a digit, compared upper-cased', async () => {
    const start = north.centreId.slice(0, 6).toLowerCase();

    const answer = await allPages<CentreAnswer>(`/support/centres?q=${start}`, token);
    const exact = await centres(`q=${north.centreId.toLowerCase()}`);

    expect(answer.items).toContainEqual(north);
    expect(answer.items.every((centre) => centre.centreId.startsWith(start.toUpperCase()))).toBe(
      true,
    );
    const ids = answer.items.map((centre) => centre.centreId);
    expect(ids).toEqual([...ids].sort());
    expect(exact.json).toEqual({ items: [north], nextCursor: null });
  });

  it('finds a renamed centre by its new name only', async () => {
    const renamed = `${uniquePrefix('Qy')} Renamed Academy`;
    const moved = await createCentre(`${uniquePrefix('Qx')} Old Name`);

    const changed = await api('PATCH', `/support/centres/${moved.centreId}`, {
      token,
      body: { name: renamed },
    });

    expect(changed.status).toBe(200);
    expect((await centres(`q=${encodeURIComponent(moved.name.slice(0, 8))}`)).json.items).toEqual(
      [],
    );
    expect((await centres(`q=${encodeURIComponent(renamed.slice(0, 8))}`)).json.items).toEqual([
      { ...moved, name: renamed },
    ]);
  });

  it('refuses a bad q or a cursor of another q with 400 VALIDATION_FAILED naming it', async () => {
    const first = await centres(`q=${encodeURIComponent(prefix)}&limit=1`);
    expect(first.json.nextCursor).toEqual(expect.any(String));

    for (const [query, path] of [
      ['q=', 'query.q'],
      ['q=%20%20', 'query.q'],
      [`q=${'a'.repeat(101)}`, 'query.q'],
      [`q=zz&cursor=${encodeURIComponent(first.json.nextCursor)}`, 'cursor'],
      [`q=GB&cursor=${encodeURIComponent(first.json.nextCursor)}`, 'cursor'],
    ] as const) {
      const answer = await centres(query);
      expect(problemOf(answer), query).toEqual(problem(400, 'VALIDATION_FAILED'));
      expect(answer.json.errors.map((error: { path: string }) => error.path)).toContain(path);
    }
  });

  it('is for customer services only: a coordinator gets 403 FORBIDDEN', async () => {
    const { tokens } = await centreWithCoordinator(['primary']);

    const answer = await api('GET', `/support/centres?q=${encodeURIComponent(prefix)}`, {
      token: tokens.accessToken,
    });

    expect(problemOf(answer)).toEqual(problem(403, 'FORBIDDEN'));
  });
});

describe('GET /support/users?q=', () => {
  const prefix = uniquePrefix('Zq');
  let centreA: Awaited<ReturnType<typeof centreWithCoordinator>>;
  let centreB: Awaited<ReturnType<typeof centreWithCoordinator>>;
  let ada: UserAnswer;
  let bea: UserAnswer;
  let cid: UserAnswer;

  beforeAll(async () => {
    [centreA, centreB] = await Promise.all([
      centreWithCoordinator(['primary']),
      centreWithCoordinator(['primary']),
    ]);
    const a = centreA.tokens.accessToken;
    const b = centreB.tokens.accessToken;
    [cid, ada, bea] = await Promise.all([
      addUser(centreA.centreId, a, { name: `${prefix.toLowerCase()} cid` }),
      addUser(centreA.centreId, a, { name: `${prefix} Ada`, isAdmin: true }),
      addUser(centreB.centreId, b, { name: `${prefix.toUpperCase()} BEA` }),
    ]);
  });

  const people = (query: string, as = token) =>
    api('GET', `/support/users?${query}`, { token: as });

  it('finds the people of every centre whose full name starts with q, ordered by name, each with their centre', async () => {
    const answer = await people(`q=${encodeURIComponent(prefix.toUpperCase())}`);

    expect(answer.status).toBe(200);
    expect(answer.json.nextCursor).toBeNull();
    expect(answer.json.items).toEqual([ada, bea, cid]);
    expect(answer.json.items.map((user: UserAnswer) => user.centreId)).toEqual([
      centreA.centreId,
      centreB.centreId,
      centreA.centreId,
    ]);
    const one = await people(`q=${encodeURIComponent(`${prefix.toLowerCase()} b`)}`);
    expect(one.json.items).toEqual([bea]);
  });

  it('pages through the matches with limit and cursor, each person once', async () => {
    const pages = await allPages<UserAnswer>(
      `/support/users?q=${encodeURIComponent(prefix)}`,
      token,
      1,
    );

    // A page that ends exactly on the last match may be followed by one empty page.
    expect(pages.sizes.slice(0, 3)).toEqual([1, 1, 1]);
    expect(pages.items.map((user) => user.userId)).toEqual([ada.userId, bea.userId, cid.userId]);
  });

  it('finds one person by exact email, whatever its case, with a null cursor', async () => {
    const answer = await people(`q=${encodeURIComponent(` ${bea.email.toUpperCase()} `)}`);
    const unknown = await people(`q=${encodeURIComponent(uniqueEmail('nobody'))}`);
    const partOfAnEmail = await people(`q=${encodeURIComponent(bea.email.slice(0, -3))}`);

    expect(answer.json).toEqual({ items: [bea], nextCursor: null });
    expect(unknown.json).toEqual({ items: [], nextCursor: null });
    expect(partOfAnEmail.json).toEqual({ items: [], nextCursor: null });
  });

  it('does not answer support staff themselves, who belong to no centre', async () => {
    const { hub } = await import('../support/hub.js');
    const answer = await people(`q=${encodeURIComponent(hub().support.email)}`);

    expect(answer.json).toEqual({ items: [], nextCursor: null });
  });

  it('finds a person by their new name once they change it', async () => {
    const before = `${uniquePrefix('Zr')} Dee`;
    const after = `${uniquePrefix('Zs')} Eve`;
    const person = await activeUser(centreA.centreId, centreA.tokens.accessToken, { name: before });

    const changed = await api('PATCH', '/me', {
      token: person.tokens.accessToken,
      body: { name: after },
    });

    expect(changed.status).toBe(200);
    expect((await people(`q=${encodeURIComponent(before.slice(0, 8))}`)).json.items).toEqual([]);
    expect((await people(`q=${encodeURIComponent(after.slice(0, 8))}`)).json.items).toEqual([
      expect.objectContaining({ userId: person.user.userId, name: after, status: 'active' }),
    ]);
  });

  it('refuses a missing, one-character or too long q, or a cursor of another q, with 400 VALIDATION_FAILED', async () => {
    const first = await people(`q=${encodeURIComponent(prefix)}&limit=1`);
    expect(first.json.nextCursor).toEqual(expect.any(String));

    for (const [query, path] of [
      ['', 'query.q'],
      ['q=', 'query.q'],
      ['q=a', 'query.q'],
      ['q=%20a%20', 'query.q'],
      [`q=${'a'.repeat(255)}`, 'query.q'],
      ['q=ab&limit=0', 'query.limit'],
      [`q=zz&cursor=${encodeURIComponent(first.json.nextCursor)}`, 'cursor'],
      [
        `q=${encodeURIComponent(prefix)}x&cursor=${encodeURIComponent(first.json.nextCursor)}`,
        'cursor',
      ],
      [
        `q=${encodeURIComponent(ada.email)}&cursor=${encodeURIComponent(first.json.nextCursor)}`,
        'cursor',
      ],
    ] as const) {
      const answer = await people(query);
      expect(problemOf(answer), query).toEqual(problem(400, 'VALIDATION_FAILED'));
      expect(
        answer.json.errors.map((error: { path: string }) => error.path),
        query,
      ).toContain(path);
    }
    const oneLetter = await people('q=a');
    expect(oneLetter.json.errors).toEqual([
      {
        path: 'query.q',
        message: 'must be an email address or at least 2 characters of a name',
      },
    ]);
  });

  it('is for customer services only: a coordinator or a teacher gets 403 FORBIDDEN', async () => {
    const teacher = await activeUser(centreA.centreId, centreA.tokens.accessToken, {
      sites: ['primary'],
    });

    for (const as of [centreA.tokens.accessToken, teacher.tokens.accessToken]) {
      const answer = await people(`q=${encodeURIComponent(prefix)}`, as);
      expect(problemOf(answer)).toEqual(problem(403, 'FORBIDDEN'));
    }
    expect(problemOf(await api('GET', `/support/users?q=${prefix}`))).toEqual(
      problem(401, 'UNAUTHENTICATED'),
    );
  });
});
