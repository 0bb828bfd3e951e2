/**
 * Issue 3, "Must show" 6 and 7: nobody acts on themselves (CANNOT_MODIFY_SELF), a centre is
 * never left without an active coordinator (LAST_ADMIN, also under two coordinators demoting
 * each other at once), and a table of every route of the issue for every kind of caller.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeUser,
  addUser,
  api,
  auditOf,
  centreWithCoordinator,
  problem,
  problemOf,
  userPath,
  userRow,
  usersOf,
} from '../support/hub.js';

const activeAdmins = async (centreId: string, token: string) =>
  (await usersOf(centreId, token, 'status=active&role=admin')).map((user) => user.userId);

describe('guards: no acting on yourself', () => {
  it.each([
    ['suspending themselves', 'POST', 'suspend', undefined],
    ['revoking their own admin rights', 'PATCH', '', { isAdmin: false }],
  ])(
    'refuses a coordinator %s with 409 CANNOT_MODIFY_SELF and changes nothing',
    async (_case, method, action, body) => {
      // Arrange: a second active coordinator, so LAST_ADMIN cannot be the reason
      const { centreId, tokens, coordinator } = await centreWithCoordinator();
      await activeUser(centreId, tokens.accessToken, { isAdmin: true });
      const before = await api('GET', userPath(centreId, coordinator.userId), {
        token: tokens.accessToken,
      });
      const auditBefore = await auditOf(centreId, tokens.accessToken);

      // Act
      const answer = await api(method, userPath(centreId, coordinator.userId, action), {
        token: tokens.accessToken,
        body,
      });

      // Assert
      expect(problemOf(answer)).toEqual(problem(409, 'CANNOT_MODIFY_SELF'));
      const after = await api('GET', userPath(centreId, coordinator.userId), {
        token: tokens.accessToken,
      });
      expect(after.status).toBe(200);
      expect(after.json).toEqual(before.json);
      expect(await auditOf(centreId, tokens.accessToken)).toEqual(auditBefore);
    },
  );

  it('lets a coordinator edit their own sites and keep admin rights set to true', async () => {
    const { centreId, tokens, coordinator } = await centreWithCoordinator(['primary']);
    const answer = await api('PATCH', userPath(centreId, coordinator.userId), {
      token: tokens.accessToken,
      body: { isAdmin: true, sites: ['primary'] },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ isAdmin: true, sites: ['primary'] });
  });
});

describe('guards: a centre keeps an active coordinator', () => {
  it.each([
    ['demotes', 'PATCH', '', { isAdmin: false }],
    ['suspends', 'POST', 'suspend', undefined],
  ])(
    'refuses support when it %s the only active coordinator with 409 LAST_ADMIN, even beside an invited admin',
    async (_case, method, action, body) => {
      // Arrange
      const { centreId, tokens, coordinator, supportToken } = await centreWithCoordinator();
      await addUser(centreId, tokens.accessToken, { isAdmin: true }); // invited, not active
      const before = await api('GET', userPath(centreId, coordinator.userId), {
        token: supportToken,
      });

      // Act
      const answer = await api(method, userPath(centreId, coordinator.userId, action), {
        token: supportToken,
        body,
      });

      // Assert
      expect(problemOf(answer)).toEqual(problem(409, 'LAST_ADMIN'));
      const after = await api('GET', userPath(centreId, coordinator.userId), {
        token: supportToken,
      });
      expect(after.json).toEqual(before.json);
      expect(await activeAdmins(centreId, supportToken)).toEqual([coordinator.userId]);
      expect((await api('GET', '/me', { token: tokens.accessToken })).status).toBe(200);
    },
  );

  it('lets one of two active coordinators demote the other (the control case)', async () => {
    const { centreId, tokens, coordinator } = await centreWithCoordinator();
    const second = await activeUser(centreId, tokens.accessToken, { isAdmin: true });
    const answer = await api('PATCH', userPath(centreId, second.user.userId), {
      token: tokens.accessToken,
      body: { isAdmin: false },
    });
    expect(answer.status).toBe(200);
    expect(await activeAdmins(centreId, tokens.accessToken)).toEqual([coordinator.userId]);
  });

  it('lets exactly one of two coordinators demoting each other at the same moment succeed, and the centre keeps one active coordinator', async () => {
    // Arrange: five centres, each with two active coordinators
    const centres = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const centre = await centreWithCoordinator();
        const second = await activeUser(centre.centreId, centre.tokens.accessToken, {
          isAdmin: true,
        });
        return { ...centre, second };
      }),
    );

    // Act: in each centre, both demote the other at once
    const rounds = await Promise.all(
      centres.map(({ centreId, tokens, coordinator, second }) =>
        Promise.all([
          api('PATCH', userPath(centreId, second.user.userId), {
            token: tokens.accessToken,
            body: { isAdmin: false },
          }),
          api('PATCH', userPath(centreId, coordinator.userId), {
            token: second.tokens.accessToken,
            body: { isAdmin: false },
          }),
        ]),
      ),
    );

    // Assert
    for (const [i, answers] of rounds.entries()) {
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
      const refused = answers.find((answer) => answer.status !== 200);
      // LAST_ADMIN when both passed the access check before either wrote; a request that
      // arrives after its caller was demoted is a teacher's, refused 403 FORBIDDEN.
      expect([problem(409, 'LAST_ADMIN'), problem(403, 'FORBIDDEN')]).toContainEqual(
        problemOf(refused as (typeof answers)[number]),
      );
      const { centreId, supportToken } = centres[i] as (typeof centres)[number];
      expect(await activeAdmins(centreId, supportToken)).toHaveLength(1);
    }
  });

  it('lets support demote only all but one of three coordinators at the same moment; the last gets LAST_ADMIN', async () => {
    // Arrange
    const { centreId, tokens, coordinator, supportToken } = await centreWithCoordinator();
    const others = await Promise.all([
      activeUser(centreId, tokens.accessToken, { isAdmin: true }),
      activeUser(centreId, tokens.accessToken, { isAdmin: true }),
    ]);
    const ids = [coordinator.userId, ...others.map((other) => other.user.userId)];

    // Act
    const answers = await Promise.all(
      ids.map((id) =>
        api('PATCH', userPath(centreId, id), { token: supportToken, body: { isAdmin: false } }),
      ),
    );

    // Assert
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(2);
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused.map(problemOf)).toEqual([problem(409, 'LAST_ADMIN')]);
    expect(await activeAdmins(centreId, supportToken)).toHaveLength(1);
  });

  it('keeps one active coordinator when two coordinators suspend each other at the same moment', async () => {
    const { centreId, tokens, coordinator, supportToken } = await centreWithCoordinator();
    const second = await activeUser(centreId, tokens.accessToken, { isAdmin: true });

    const answers = await Promise.all([
      api('POST', userPath(centreId, second.user.userId, 'suspend'), {
        token: tokens.accessToken,
      }),
      api('POST', userPath(centreId, coordinator.userId, 'suspend'), {
        token: second.tokens.accessToken,
      }),
    ]);

    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    const refused = answers.find((answer) => answer.status !== 200);
    // The loser is refused by the guard, or (if the winner's change landed first) as a
    // suspended caller; either way the centre keeps its coordinator.
    expect(['LAST_ADMIN', 'UNAUTHENTICATED']).toContain(refused?.json?.code);
    expect(await activeAdmins(centreId, supportToken)).toHaveLength(1);
  });
});

describe('authorization: every route of the issue for every kind of caller', () => {
  interface World {
    centreId: string;
    coordinator: string;
    teacher: string;
    otherCoordinator: string;
    support: string;
    /** A user of the centre each allowed caller acts on; a fresh one per case. */
    target: () => Promise<string>;
  }
  let world: World;

  beforeAll(async () => {
    const centre = await centreWithCoordinator(['primary']);
    const other = await centreWithCoordinator();
    const teacher = await activeUser(centre.centreId, centre.tokens.accessToken);
    world = {
      centreId: centre.centreId,
      coordinator: centre.tokens.accessToken,
      teacher: teacher.tokens.accessToken,
      otherCoordinator: other.tokens.accessToken,
      support: centre.supportToken,
      target: async () => (await addUser(centre.centreId, centre.tokens.accessToken)).userId,
    };
  });

  type Route = [
    name: string,
    method: string,
    path: (userId: string) => string,
    body?: () => unknown,
  ];
  const routes: Route[] = [
    ['list users', 'GET', () => '/users'],
    ['add users', 'POST', () => '/users', () => ({ users: [userRow()] })],
    ['get a user', 'GET', (id) => `/users/${id}`],
    ['edit a user', 'PATCH', (id) => `/users/${id}`, () => ({ sites: ['primary'] })],
    ['reset a password', 'POST', (id) => `/users/${id}/password-reset`],
    ['resend an invitation', 'POST', (id) => `/users/${id}/invitation`],
    ['suspend a user', 'POST', (id) => `/users/${id}/suspend`],
    ['restore a user', 'POST', (id) => `/users/${id}/restore`],
    ['read the audit log', 'GET', () => '/audit'],
  ];
  type Caller = keyof Pick<World, 'coordinator' | 'teacher' | 'otherCoordinator' | 'support'>;
  const callers: [
    label: string,
    caller: Caller | 'none',
    expected: number | 'allowed',
    code?: string,
  ][] = [
    ['no token', 'none', 401, 'UNAUTHENTICATED'],
    ['a teacher of the centre', 'teacher', 403, 'FORBIDDEN'],
    ['the coordinator of another centre', 'otherCoordinator', 404, 'NOT_FOUND'],
    ['the coordinator of the centre', 'coordinator', 'allowed'],
    ['support', 'support', 'allowed'],
  ];
  const table = routes.flatMap((route) =>
    callers.map((caller) => [route[0], caller[0], route, caller] as const),
  );

  it.each(table)('%s, called by %s', async (_route, _caller, route, caller) => {
    // Arrange
    const [, method, path, body] = route;
    const [, who, expected, code] = caller;
    const userId = await world.target();
    const token = who === 'none' ? undefined : world[who];

    // Act
    const answer = await api(method, `/centres/${world.centreId}${path(userId)}`, {
      token,
      body: body?.(),
    });

    // Assert
    if (expected === 'allowed') {
      expect([401, 403, 404]).not.toContain(answer.status);
      expect(answer.status, answer.text).toBeLessThan(500);
      if (answer.status >= 400)
        expect(answer.headers.get('content-type')).toBe('application/problem+json');
    } else {
      expect(problemOf(answer)).toEqual(problem(expected, code as string));
    }
  });

  it("answers 404 to a coordinator naming another centre's user under their own centre", async () => {
    const mine = await centreWithCoordinator();
    const theirs = await centreWithCoordinator();
    const stranger = await addUser(theirs.centreId, theirs.tokens.accessToken);
    for (const [method, action] of [
      ['GET', ''],
      ['PATCH', ''],
      ['POST', 'password-reset'],
      ['POST', 'invitation'],
      ['POST', 'suspend'],
      ['POST', 'restore'],
    ] as const) {
      const answer = await api(method, userPath(mine.centreId, stranger.userId, action), {
        token: mine.tokens.accessToken,
        body: method === 'PATCH' ? { isAdmin: true } : undefined,
      });
      expect(problemOf(answer), `${method} ${action}`).toEqual(problem(404, 'NOT_FOUND'));
    }
    const untouched = await api('GET', userPath(theirs.centreId, stranger.userId), {
      token: theirs.tokens.accessToken,
    });
    expect(untouched.json).toMatchObject({ status: 'invited', isAdmin: false });
  });

  it('answers 404 to support for a centre that does not exist', async () => {
    const { supportToken } = await centreWithCoordinator();
    for (const path of ['/users', '/audit'])
      expect((await api('GET', `/centres/GB0000001${path}`, { token: supportToken })).status).toBe(
        404,
      );
    const add = await api('POST', '/centres/GB0000001/users', {
      token: supportToken,
      body: { users: [userRow()] },
    });
    expect(problemOf(add)).toEqual(problem(404, 'NOT_FOUND'));
  });
});
