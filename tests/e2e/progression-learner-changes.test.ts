/**
 * Issue 10: a learner is read, changed and removed (`GET`, `PATCH`, `DELETE
 * …/sites/{site}/learners/{learnerId}`) by the site's teachers, the centre's coordinators
 * and support; a learner with Progression Test results is never removed (409
 * LEARNER_HAS_RESULTS), exactly, even when a result is recorded at the same moment. And the
 * site's Teachers list finds teachers by `q` and `status` (the transfer picker's search).
 * Every refusal is a documented problem and changes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeUser,
  addUser,
  allPages,
  api,
  centreWithCoordinator,
  problem,
  problemOf,
  userPath,
} from '../support/hub.js';
import {
  addLearner,
  recordResults,
  resultBody,
  sitePath,
  waitForOperation,
} from '../support/progression.js';

interface LearnerAnswer {
  learnerId: string;
  name: string;
  stage: number;
  classGroup?: string;
}

let centreId: string;
let coordinator: string;
let support: string;
let teacherWith: { userId: string; token: string };
let receiver: { userId: string; token: string };
let teacherWithout: string;
let otherCoordinator: string;

beforeAll(async () => {
  const centre = await centreWithCoordinator(['primary', 'lower-secondary']);
  const other = await centreWithCoordinator(['primary', 'lower-secondary']);
  centreId = centre.centreId;
  coordinator = centre.tokens.accessToken;
  support = centre.supportToken;
  otherCoordinator = other.tokens.accessToken;
  const [withSite, withoutSite, second] = await Promise.all([
    activeUser(centreId, coordinator, { name: 'Primary Teacher', sites: ['primary'] }),
    activeUser(centreId, coordinator, { name: 'Lower Teacher', sites: ['lower-secondary'] }),
    activeUser(centreId, coordinator, { name: 'Receiving Teacher', sites: ['primary'] }),
  ]);
  teacherWith = { userId: withSite.user.userId, token: withSite.tokens.accessToken };
  receiver = { userId: second.user.userId, token: second.tokens.accessToken };
  teacherWithout = withoutSite.tokens.accessToken;
});

const learnerPath = (learnerId: string, site = 'primary', centre = centreId) =>
  `${sitePath(centre, site, 'learners')}/${learnerId}`;
const read = (learnerId: string, token = coordinator) =>
  api('GET', learnerPath(learnerId), { token });
const change = (learnerId: string, body: unknown, token = teacherWith.token) =>
  api('PATCH', learnerPath(learnerId), { token, body });
const remove = (learnerId: string, token = teacherWith.token) =>
  api('DELETE', learnerPath(learnerId), { token });
const newLearner = (body: Record<string, unknown> = {}) =>
  addLearner(centreId, 'primary', teacherWith.token, { stage: 3, classGroup: '3A', ...body });
/** A well-formed learner id that names no learner. */
const missingId = '0000000000zzzzzzzzzz';

describe('reading a learner', () => {
  it('answers the learner to the teachers of the site, the coordinator and support', async () => {
    const learner = await newLearner({ name: 'Read Me' });

    for (const token of [teacherWith.token, receiver.token, coordinator, support]) {
      const answer = await read(learner.learnerId, token);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual(learner);
    }
  });

  it('answers 404 NOT_FOUND for a learner that does not exist, is of the other site, or is malformed', async () => {
    const learner = await newLearner();

    for (const path of [
      learnerPath(missingId),
      learnerPath(learner.learnerId, 'lower-secondary'),
      learnerPath('not-an-id'),
      learnerPath(learner.learnerId, 'upper-secondary'),
    ]) {
      const answer = await api('GET', path, { token: coordinator });
      expect(problemOf(answer), path).toEqual(problem(404, 'NOT_FOUND'));
    }
  });
});

describe('changing a learner', () => {
  it('changes the name, stage and class, each alone, and answers the learner as changed', async () => {
    const learner = await newLearner({ name: 'Before Name' });

    const named = await change(learner.learnerId, { name: '  After Name ' });
    const staged = await change(learner.learnerId, { stage: 6 }, coordinator);
    const moved = await change(learner.learnerId, { classGroup: '6C' }, support);

    expect(named.status).toBe(200);
    expect(named.json).toEqual({ ...learner, name: 'After Name' });
    expect(staged.json).toEqual({ ...learner, name: 'After Name', stage: 6 });
    expect(moved.json).toEqual({ ...learner, name: 'After Name', stage: 6, classGroup: '6C' });
    expect((await read(learner.learnerId)).json).toEqual(moved.json);
  });

  it('clears the class with classGroup null, and changes several fields at once', async () => {
    const learner = await newLearner();

    const cleared = await change(learner.learnerId, { classGroup: null, stage: 1, name: 'All' });

    expect(cleared.status).toBe(200);
    expect(cleared.json).toEqual({ learnerId: learner.learnerId, name: 'All', stage: 1 });
    expect((await read(learner.learnerId)).json).toEqual(cleared.json);
  });

  it('refuses bad input with 400 VALIDATION_FAILED naming the field, and changes nothing', async () => {
    const learner = await newLearner({ name: 'Unchanged' });

    for (const [body, names] of [
      [{}, ''],
      [{ stage: 7 }, 'stage'],
      [{ stage: 0 }, 'stage'],
      [{ stage: 2.5 }, 'stage'],
      [{ stage: '4' }, 'stage'],
      [{ name: '' }, 'name'],
      [{ name: '<b>' }, 'name'],
      [{ name: null }, 'name'],
      [{ classGroup: '' }, 'classGroup'],
      [{ classGroup: 'x'.repeat(51) }, 'classGroup'],
      [{ learnerId: 'other' }, ''],
      [{ name: 'Fine', site: 'lower-secondary' }, ''],
    ] as const) {
      const answer = await change(learner.learnerId, body);
      expect(problemOf(answer), JSON.stringify(body)).toEqual(problem(400, 'VALIDATION_FAILED'));
      expect(answer.json.errors.map((error: { path: string }) => error.path)).toContain(names);
    }
    const notJson = await api('PATCH', learnerPath(learner.learnerId), {
      token: coordinator,
      rawBody: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(problemOf(notJson)).toEqual(problem(415, 'UNSUPPORTED_MEDIA_TYPE'));
    expect((await read(learner.learnerId)).json).toEqual(learner);
  });

  it('answers 404 NOT_FOUND for a learner that does not exist, and creates none', async () => {
    const answer = await change(missingId, { name: 'Ghost' }, coordinator);

    expect(problemOf(answer)).toEqual(problem(404, 'NOT_FOUND'));
    expect(problemOf(await read(missingId))).toEqual(problem(404, 'NOT_FOUND'));
  });

  it('checks the stage against the site: 7 to 9 on lower-secondary', async () => {
    const learner = await addLearner(centreId, 'lower-secondary', coordinator, { stage: 7 });

    const ok = await api('PATCH', learnerPath(learner.learnerId, 'lower-secondary'), {
      token: coordinator,
      body: { stage: 9 },
    });
    const refused = await api('PATCH', learnerPath(learner.learnerId, 'lower-secondary'), {
      token: coordinator,
      body: { stage: 6 },
    });

    expect(ok.json).toEqual({ ...learner, stage: 9 });
    expect(problemOf(refused)).toEqual(problem(400, 'VALIDATION_FAILED'));
    expect(refused.json.errors).toEqual([
      { path: 'stage', message: 'must be 7 to 9 on lower-secondary' },
    ]);
  });
});

describe('removing a learner', () => {
  it('removes a learner without results with 204; then they are gone', async () => {
    const learner = await newLearner({ name: 'Leaving' });

    const answer = await remove(learner.learnerId);

    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expect(problemOf(await read(learner.learnerId))).toEqual(problem(404, 'NOT_FOUND'));
    const all = await allPages<LearnerAnswer>(
      sitePath(centreId, 'primary', 'learners'),
      coordinator,
    );
    expect(all.items.map((one) => one.learnerId)).not.toContain(learner.learnerId);
    expect(problemOf(await remove(learner.learnerId))).toEqual(problem(404, 'NOT_FOUND'));
    expect(problemOf(await remove(missingId, support))).toEqual(problem(404, 'NOT_FOUND'));
  });

  it('refuses a learner with results with 409 LEARNER_HAS_RESULTS and keeps them and their results', async () => {
    const learner = await newLearner({ name: 'Has Results' });
    const [result] = await recordResults(
      centreId,
      'primary',
      teacherWith.token,
      learner.learnerId,
      1,
    );

    for (const token of [teacherWith.token, coordinator, support]) {
      const answer = await remove(learner.learnerId, token);
      expect(problemOf(answer)).toEqual(problem(409, 'LEARNER_HAS_RESULTS'));
      expect(answer.json.title).toBe('The learner has Progression Test results');
    }
    expect((await read(learner.learnerId)).json).toEqual(learner);
    const results = await api(
      'GET',
      `${sitePath(centreId, 'primary', 'progression-tests')}?learnerId=${learner.learnerId}`,
      { token: coordinator },
    );
    expect(results.json.items).toEqual([result]);
  });

  it('still refuses once the results were transferred to another teacher', async () => {
    const owner = await activeUser(centreId, coordinator, { sites: ['primary'] });
    const learner = await newLearner({ name: 'Transferred Results' });
    await recordResults(centreId, 'primary', owner.tokens.accessToken, learner.learnerId, 2);

    const transfer = await api('POST', userPath(centreId, owner.user.userId, 'transfer'), {
      token: coordinator,
      body: { toUserId: receiver.userId },
    });
    const operation = await waitForOperation(centreId, transfer.json.operationId, coordinator);

    expect(operation).toMatchObject({ status: 'succeeded', moved: 2 });
    expect(problemOf(await remove(learner.learnerId))).toEqual(problem(409, 'LEARNER_HAS_RESULTS'));
  });

  it('never loses a result to a removal at the same moment: either the result or the removal is refused', async () => {
    const learners = await Promise.all(
      Array.from({ length: 6 }, (_, index) => newLearner({ name: `Race ${index}` })),
    );

    const outcomes = await Promise.all(
      learners.map(async ({ learnerId }) => {
        const [recorded, removed] = await Promise.all([
          api('POST', sitePath(centreId, 'primary', 'progression-tests'), {
            token: teacherWith.token,
            body: resultBody('primary', learnerId),
          }),
          remove(learnerId, coordinator),
        ]);
        return { learnerId, recorded: recorded.status, removed: removed.status };
      }),
    );

    for (const outcome of outcomes) {
      const still = await read(outcome.learnerId);
      if (outcome.recorded === 201) {
        expect(outcome.removed, JSON.stringify(outcome)).toBe(409);
        expect(still.status).toBe(200);
      } else {
        expect(outcome, JSON.stringify(outcome)).toMatchObject({ recorded: 400, removed: 204 });
        expect(still.status).toBe(404);
      }
    }
  });

  it('refuses a result for a removed learner with 400 naming learnerId, and records none', async () => {
    const learner = await newLearner({ name: 'Removed First' });
    expect((await remove(learner.learnerId)).status).toBe(204);

    const answer = await api('POST', sitePath(centreId, 'primary', 'progression-tests'), {
      token: teacherWith.token,
      body: resultBody('primary', learner.learnerId),
    });

    expect(problemOf(answer)).toEqual(problem(400, 'VALIDATION_FAILED'));
    expect(answer.json.errors).toEqual([expect.objectContaining({ path: 'learnerId' })]);
    expect(problemOf(await read(learner.learnerId))).toEqual(problem(404, 'NOT_FOUND'));
    const results = await api(
      'GET',
      `${sitePath(centreId, 'primary', 'progression-tests')}?learnerId=${learner.learnerId}`,
      { token: coordinator },
    );
    expect(results.json.items).toEqual([]);
  });
});

describe('who may read, change and remove a learner', () => {
  it('answers a teacher without the site 403 FORBIDDEN and a coordinator of another centre 404 NOT_FOUND, and changes nothing', async () => {
    const learner = await newLearner({ name: 'Guarded' });

    for (const [token, want] of [
      [teacherWithout, problem(403, 'FORBIDDEN')],
      [otherCoordinator, problem(404, 'NOT_FOUND')],
      [undefined, problem(401, 'UNAUTHENTICATED')],
    ] as const) {
      expect(problemOf(await api('GET', learnerPath(learner.learnerId), { token }))).toEqual(want);
      expect(
        problemOf(
          await api('PATCH', learnerPath(learner.learnerId), { token, body: { name: 'Taken' } }),
        ),
      ).toEqual(want);
      expect(problemOf(await api('DELETE', learnerPath(learner.learnerId), { token }))).toEqual(
        want,
      );
    }
    expect((await read(learner.learnerId)).json).toEqual(learner);
  });

  it('answers 404 NOT_FOUND for a site the centre is not eligible for, even to support', async () => {
    const primaryOnly = await centreWithCoordinator(['primary']);
    const path = `${sitePath(primaryOnly.centreId, 'lower-secondary', 'learners')}/${missingId}`;

    for (const token of [primaryOnly.tokens.accessToken, primaryOnly.supportToken]) {
      expect(problemOf(await api('GET', path, { token }))).toEqual(problem(404, 'NOT_FOUND'));
      expect(problemOf(await api('PATCH', path, { token, body: { stage: 8 } }))).toEqual(
        problem(404, 'NOT_FOUND'),
      );
      expect(problemOf(await api('DELETE', path, { token }))).toEqual(problem(404, 'NOT_FOUND'));
    }
  });
});

describe("the site's teachers, searched", () => {
  let own: Awaited<ReturnType<typeof centreWithCoordinator>>;
  const names = { active: 'Alice Active', invited: 'Ivy Invited', suspended: 'Sam Suspended' };
  const teachersOf = (query: string, token = own.tokens.accessToken) =>
    api('GET', `${sitePath(own.centreId, 'primary', 'teachers')}?${query}`, { token });
  const namesIn = (answer: { json: { items: { name: string }[] } }) =>
    answer.json.items.map((user) => user.name);

  beforeAll(async () => {
    own = await centreWithCoordinator(['primary', 'lower-secondary']);
    const token = own.tokens.accessToken;
    const [, , suspended] = await Promise.all([
      activeUser(own.centreId, token, { name: names.active, sites: ['primary'] }),
      addUser(own.centreId, token, { name: names.invited, sites: ['primary'] }),
      activeUser(own.centreId, token, { name: names.suspended, sites: ['primary'] }),
      activeUser(own.centreId, token, { name: 'Alina Lower', sites: ['lower-secondary'] }),
    ]);
    const suspend = await api('POST', userPath(own.centreId, suspended.user.userId, 'suspend'), {
      token,
    });
    expect(suspend.status).toBe(200);
  });

  it('keeps only the users with a status, each with their data', async () => {
    const active = await teachersOf('status=active');
    const invited = await teachersOf('status=invited');
    const suspended = await teachersOf('status=suspended');

    expect(namesIn(active)).toEqual(['Alice Active', 'Grace Hopper']);
    expect(active.json.items[0].progressionData).toEqual({
      primary: 0,
      'lower-secondary': 0,
      total: 0,
    });
    expect(namesIn(invited)).toEqual(['Ivy Invited']);
    expect(namesIn(suspended)).toEqual(['Sam Suspended']);
  });

  it('finds the users whose name or email contains q, with or without a status', async () => {
    expect(namesIn(await teachersOf('q=ali'))).toEqual(['Alice Active']);
    expect(namesIn(await teachersOf('q=%20ACTIVE%20&status=active'))).toEqual(['Alice Active']);
    expect(namesIn(await teachersOf('q=i&status=invited'))).toEqual(['Ivy Invited']);
    expect(namesIn(await teachersOf('q=sam&status=active'))).toEqual([]);
    expect(namesIn(await teachersOf('q=school.example'))).toEqual([
      'Alice Active',
      'Grace Hopper',
      'Ivy Invited',
      'Sam Suspended',
    ]);
  });

  it('refuses a bad q or status with 400 VALIDATION_FAILED naming it', async () => {
    for (const [query, path] of [
      ['q=', 'query.q'],
      ['q=%20', 'query.q'],
      [`q=${'a'.repeat(101)}`, 'query.q'],
      ['status=retired', 'query.status'],
      ['role=admin', 'query'],
    ] as const) {
      const answer = await teachersOf(query);
      expect(problemOf(answer), query).toEqual(problem(400, 'VALIDATION_FAILED'));
      expect(answer.json.errors.map((error: { path: string }) => error.path)).toContain(path);
    }
  });

  it('answers a teacher without the site 403 and a coordinator of another centre 404', async () => {
    const lower = await activeUser(own.centreId, own.tokens.accessToken, {
      sites: ['lower-secondary'],
    });

    expect(problemOf(await teachersOf('q=ali', lower.tokens.accessToken))).toEqual(
      problem(403, 'FORBIDDEN'),
    );
    expect(problemOf(await teachersOf('q=ali', otherCoordinator))).toEqual(
      problem(404, 'NOT_FOUND'),
    );
  });
});
