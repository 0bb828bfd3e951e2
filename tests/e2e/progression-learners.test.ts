/**
 * Issue 5, "Must show" 1 (learners): teachers with access to a Primary or Lower Secondary
 * site add learners in the site's stages and list them page by page; a teacher without the
 * site is refused, another centre's teacher is told nothing exists, and a site that is not
 * a Progression Test site, or not one the centre is eligible for, does not exist.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeUser,
  allPages,
  api,
  centreWithCoordinator,
  centreWithTeacher,
  problem,
  problemOf,
} from '../support/hub.js';
import { sitePath } from '../support/progression.js';

let centreId: string;
let coordinatorToken: string;
let primaryTeacher: string;
let lowerSecondaryTeacher: string;
let hubOnlyTeacher: string;

beforeAll(async () => {
  const centre = await centreWithCoordinator(['primary', 'lower-secondary', 'upper-secondary']);
  centreId = centre.centreId;
  coordinatorToken = centre.tokens.accessToken;
  const [primary, lowerSecondary, hubOnly] = await Promise.all([
    activeUser(centreId, coordinatorToken, { sites: ['primary'] }),
    activeUser(centreId, coordinatorToken, { sites: ['lower-secondary', 'upper-secondary'] }),
    activeUser(centreId, coordinatorToken, { sites: [] }),
  ]);
  primaryTeacher = primary.tokens.accessToken;
  lowerSecondaryTeacher = lowerSecondary.tokens.accessToken;
  hubOnlyTeacher = hubOnly.tokens.accessToken;
});

describe('adding learners', () => {
  it('adds a primary learner at each stage 1 to 6 with 201 and the learner', async () => {
    for (const stage of [1, 2, 3, 4, 5, 6]) {
      const answer = await api('POST', sitePath(centreId, 'primary', 'learners'), {
        token: primaryTeacher,
        body: { name: `Primary Stage ${stage}`, stage, classGroup: '4B' },
      });

      expect(answer.status).toBe(201);
      expect(answer.json).toEqual({
        learnerId: expect.any(String),
        name: `Primary Stage ${stage}`,
        stage,
        classGroup: '4B',
      });
    }
  });

  it('refuses stage 7 and stage 0 on primary with 400 VALIDATION_FAILED naming stage', async () => {
    for (const stage of [7, 0]) {
      const answer = await api('POST', sitePath(centreId, 'primary', 'learners'), {
        token: primaryTeacher,
        body: { name: 'Too Old', stage },
      });

      expect(problemOf(answer)).toEqual(problem(400, 'VALIDATION_FAILED'));
      expect(answer.json.errors).toEqual([expect.objectContaining({ path: 'stage' })]);
    }
  });

  it('adds lower-secondary learners at stages 7 to 9 and refuses stage 6 and 10 naming stage', async () => {
    for (const stage of [7, 8, 9]) {
      const answer = await api('POST', sitePath(centreId, 'lower-secondary', 'learners'), {
        token: lowerSecondaryTeacher,
        body: { name: `Lower Secondary ${stage}`, stage },
      });
      expect(answer.status).toBe(201);
      expect(answer.json).toEqual({
        learnerId: expect.any(String),
        name: `Lower Secondary ${stage}`,
        stage,
      });
    }
    for (const stage of [6, 10]) {
      const answer = await api('POST', sitePath(centreId, 'lower-secondary', 'learners'), {
        token: lowerSecondaryTeacher,
        body: { name: 'Wrong Stage', stage },
      });
      expect(problemOf(answer)).toEqual(problem(400, 'VALIDATION_FAILED'));
      expect(answer.json.errors).toEqual([expect.objectContaining({ path: 'stage' })]);
    }
  });

  it('lets the coordinator add a learner on a site of the centre', async () => {
    const answer = await api('POST', sitePath(centreId, 'lower-secondary', 'learners'), {
      token: coordinatorToken,
      body: { name: 'Added By Coordinator', stage: 8 },
    });
    expect(answer.status).toBe(201);
  });
  it('replays an Idempotency-Key retry with the same learner and adds one learner only', async () => {
    const own = await centreWithTeacher({ sites: ['primary'] });
    const path = sitePath(own.centreId, 'primary', 'learners');
    const request = {
      token: own.tokens.accessToken,
      body: { name: 'Retried Learner', stage: 5 },
      headers: { 'idempotency-key': `learner-${own.user.userId}` },
    };

    const first = await api('POST', path, request);
    const retry = await api('POST', path, request);

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
    const all = await allPages<{ learnerId: string }>(path, own.tokens.accessToken);
    expect(all.items.map((learner) => learner.learnerId)).toEqual([first.json.learnerId]);
  });
});

describe('listing learners', () => {
  it('lists the learners of the site page by page, each once, with a null cursor at the end', async () => {
    // Arrange: a centre of its own, so the count is known
    const own = await centreWithTeacher({ sites: ['primary'] });
    const names = Array.from({ length: 5 }, (_, index) => `Learner Number ${index}`);
    for (const name of names)
      expect(
        (
          await api('POST', sitePath(own.centreId, 'primary', 'learners'), {
            token: own.tokens.accessToken,
            body: { name, stage: 2 },
          })
        ).status,
      ).toBe(201);

    // Act
    const first = await api('GET', `${sitePath(own.centreId, 'primary', 'learners')}?limit=2`, {
      token: own.tokens.accessToken,
    });
    const all = await allPages<{ learnerId: string; name: string }>(
      sitePath(own.centreId, 'primary', 'learners'),
      own.tokens.accessToken,
      2,
    );

    // Assert
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(2);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    expect(all.sizes).toEqual([2, 2, 1]);
    expect(all.items.map((learner) => learner.name).sort()).toEqual([...names].sort());
    expect(new Set(all.items.map((learner) => learner.learnerId)).size).toBe(5);
    // The other site of the same centre holds none of them.
    const other = await api('GET', sitePath(own.centreId, 'lower-secondary', 'learners'), {
      token: own.coordinatorToken,
    });
    expect(other.json).toEqual({ items: [], nextCursor: null });
  });
});

describe('who may use a site', () => {
  it('refuses a teacher of the centre without access to the site with 403 FORBIDDEN, and adds nothing', async () => {
    const before = await allPages(sitePath(centreId, 'primary', 'learners'), coordinatorToken);

    const add = await api('POST', sitePath(centreId, 'primary', 'learners'), {
      token: lowerSecondaryTeacher,
      body: { name: 'Not Allowed', stage: 3 },
    });
    const list = await api('GET', sitePath(centreId, 'primary', 'learners'), {
      token: hubOnlyTeacher,
    });

    expect(problemOf(add)).toEqual(problem(403, 'FORBIDDEN'));
    expect(problemOf(list)).toEqual(problem(403, 'FORBIDDEN'));
    const after = await allPages(sitePath(centreId, 'primary', 'learners'), coordinatorToken);
    expect(after.items).toEqual(before.items);
  });

  it("answers a teacher of another centre with 404 NOT_FOUND on this centre's site", async () => {
    const other = await centreWithTeacher({ sites: ['primary'] });

    const add = await api('POST', sitePath(centreId, 'primary', 'learners'), {
      token: other.tokens.accessToken,
      body: { name: 'Intruder', stage: 3 },
    });
    const list = await api('GET', sitePath(centreId, 'primary', 'learners'), {
      token: other.tokens.accessToken,
    });

    expect(problemOf(add)).toEqual(problem(404, 'NOT_FOUND'));
    expect(problemOf(list)).toEqual(problem(404, 'NOT_FOUND'));
  });

  it('answers 404 NOT_FOUND for upper-secondary (no Progression Test data) and for an unknown site', async () => {
    for (const site of ['upper-secondary', 'advanced', 'secondary', 'PRIMARY']) {
      const asCoordinator = await api('GET', sitePath(centreId, site, 'learners'), {
        token: coordinatorToken,
      });
      const addAsCoordinator = await api('POST', sitePath(centreId, site, 'learners'), {
        token: coordinatorToken,
        body: { name: 'Nowhere', stage: 3 },
      });
      expect(problemOf(asCoordinator), site).toEqual(problem(404, 'NOT_FOUND'));
      expect(problemOf(addAsCoordinator), site).toEqual(problem(404, 'NOT_FOUND'));
    }
    // A teacher who does have upper-secondary access still finds no learners there.
    const asTeacher = await api('GET', sitePath(centreId, 'upper-secondary', 'learners'), {
      token: lowerSecondaryTeacher,
    });
    expect(problemOf(asTeacher)).toEqual(problem(404, 'NOT_FOUND'));
  });

  it('answers 404 NOT_FOUND for a Progression Test site the centre is not eligible for', async () => {
    const primaryOnly = await centreWithCoordinator(['primary']);

    const list = await api('GET', sitePath(primaryOnly.centreId, 'lower-secondary', 'learners'), {
      token: primaryOnly.tokens.accessToken,
    });
    const add = await api('POST', sitePath(primaryOnly.centreId, 'lower-secondary', 'learners'), {
      token: primaryOnly.tokens.accessToken,
      body: { name: 'Nowhere', stage: 8 },
    });
    const asSupport = await api(
      'GET',
      sitePath(primaryOnly.centreId, 'lower-secondary', 'learners'),
      { token: primaryOnly.supportToken },
    );

    expect(problemOf(list)).toEqual(problem(404, 'NOT_FOUND'));
    expect(problemOf(add)).toEqual(problem(404, 'NOT_FOUND'));
    expect(problemOf(asSupport)).toEqual(problem(404, 'NOT_FOUND'));
  });
});
