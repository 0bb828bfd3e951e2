/**
 * Issue 5, "Must show" 1 (results and counts): Progression Test results are owned by the
 * teacher who records them (or by the teacher a coordinator names), are listed by teacher
 * and by learner page by page, honour Idempotency-Key, and each teacher's counts show on
 * the site's teacher list and on GET …/users/{id}/progression-data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeUser,
  allPages,
  api,
  centreWithTeacher,
  problem,
  problemOf,
} from '../support/hub.js';
import {
  addLearner,
  progressionDataOf,
  recordResults,
  resultBody,
  resultIds,
  resultsOf,
  sitePath,
} from '../support/progression.js';

let centreId: string;
let coordinatorToken: string;
let teacher: { userId: string; token: string };
let colleague: { userId: string; token: string };
let lowerSecondaryOnly: { userId: string; token: string };
let learnerId: string;

const results = () => sitePath(centreId, 'primary', 'progression-tests');

beforeAll(async () => {
  const centre = await centreWithTeacher({ sites: ['primary'], name: 'Ada Lovelace' });
  centreId = centre.centreId;
  coordinatorToken = centre.coordinatorToken;
  teacher = { userId: centre.user.userId, token: centre.tokens.accessToken };
  const [second, third] = await Promise.all([
    activeUser(centreId, coordinatorToken, { sites: ['primary'], name: 'Alan Turing' }),
    activeUser(centreId, coordinatorToken, { sites: ['lower-secondary'], name: 'Emmy Noether' }),
  ]);
  colleague = { userId: second.user.userId, token: second.tokens.accessToken };
  lowerSecondaryOnly = { userId: third.user.userId, token: third.tokens.accessToken };
  learnerId = (await addLearner(centreId, 'primary', teacher.token)).learnerId;
});

describe('recording a Progression Test result', () => {
  it('records a result owned by the calling teacher with 201 and the result', async () => {
    const body = resultBody('primary', learnerId, {
      subject: 'english-as-a-second-language',
      score: 50,
      maxScore: 50,
    });

    const answer = await api('POST', results(), { token: colleague.token, body });

    expect(answer.status).toBe(201);
    expect(answer.json).toEqual({
      resultId: expect.any(String),
      learnerId,
      subject: 'english-as-a-second-language',
      stage: body.stage,
      series: body.series,
      score: 50,
      maxScore: 50,
      teacherId: colleague.userId,
      createdAt: expect.any(String),
    });
  });

  it('lets the coordinator record a result for a teacher, owned by that teacher', async () => {
    const answer = await api('POST', results(), {
      token: coordinatorToken,
      body: resultBody('primary', learnerId, { teacherId: colleague.userId, subject: 'science' }),
    });

    expect(answer.status).toBe(201);
    expect(answer.json.teacherId).toBe(colleague.userId);
  });

  it("refuses a teacher who names another teacher's teacherId with 403 FORBIDDEN and records nothing", async () => {
    const before = await progressionDataOf(centreId, colleague.userId, coordinatorToken);

    const answer = await api('POST', results(), {
      token: teacher.token,
      body: resultBody('primary', learnerId, { teacherId: colleague.userId }),
    });

    expect(problemOf(answer)).toEqual(problem(403, 'FORBIDDEN'));
    expect(await progressionDataOf(centreId, colleague.userId, coordinatorToken)).toEqual(before);
  });

  it('refuses a teacherId of a teacher without the site, suspended, unknown or of another centre with 400 naming teacherId', async () => {
    // Arrange
    const suspended = await activeUser(centreId, coordinatorToken, { sites: ['primary'] });
    await api('POST', `/centres/${centreId}/users/${suspended.user.userId}/suspend`, {
      token: coordinatorToken,
    });
    const otherCentre = await centreWithTeacher({ sites: ['primary'] });
    const before = await resultsOf(centreId, 'primary', coordinatorToken);

    for (const teacherId of [
      lowerSecondaryOnly.userId,
      suspended.user.userId,
      otherCentre.user.userId,
      'no-such-teacher-0000',
    ]) {
      // Act
      const answer = await api('POST', results(), {
        token: coordinatorToken,
        body: resultBody('primary', learnerId, { teacherId }),
      });

      // Assert
      expect(problemOf(answer), teacherId).toEqual(problem(400, 'VALIDATION_FAILED'));
      expect(answer.json.errors, teacherId).toEqual([
        expect.objectContaining({ path: 'teacherId' }),
      ]);
    }
    expect(await resultsOf(centreId, 'primary', coordinatorToken)).toEqual(before);
    expect(
      await progressionDataOf(
        otherCentre.centreId,
        otherCentre.user.userId,
        otherCentre.coordinatorToken,
      ),
    ).toEqual({ primary: 0, 'lower-secondary': 0, total: 0 });
  });

  it('refuses an unknown learner, a learner of the other site, a score above maxScore and a bad subject with 400 naming the field', async () => {
    const lowerSecondaryLearner = await addLearner(centreId, 'lower-secondary', coordinatorToken);
    const before = await progressionDataOf(centreId, teacher.userId, coordinatorToken);
    const cases: [Record<string, unknown>, string][] = [
      [{ learnerId: '0000000000zzzzzzzzzzzz' }, 'learnerId'],
      [{ learnerId: lowerSecondaryLearner.learnerId }, 'learnerId'],
      [{ score: 51, maxScore: 50 }, 'score'],
      [{ score: -1 }, 'score'],
      [{ subject: 'history' }, 'subject'],
      [{ subject: 'Mathematics' }, 'subject'],
      [{ stage: 7 }, 'stage'],
    ];

    for (const [overrides, path] of cases) {
      const answer = await api('POST', results(), {
        token: teacher.token,
        body: resultBody('primary', learnerId, overrides),
      });

      expect(problemOf(answer), JSON.stringify(overrides)).toEqual(
        problem(400, 'VALIDATION_FAILED'),
      );
      expect(answer.json.errors, JSON.stringify(overrides)).toEqual(
        expect.arrayContaining([expect.objectContaining({ path })]),
      );
    }
    expect(await progressionDataOf(centreId, teacher.userId, coordinatorToken)).toEqual(before);
  });

  it('replays an Idempotency-Key retry with the first answer and records one result only', async () => {
    const own = await centreWithTeacher({ sites: ['primary'] });
    const learner = await addLearner(own.centreId, 'primary', own.tokens.accessToken);
    const request = {
      token: own.tokens.accessToken,
      body: resultBody('primary', learner.learnerId),
      headers: { 'idempotency-key': `result-${learner.learnerId}` },
    };

    const first = await api(
      'POST',
      sitePath(own.centreId, 'primary', 'progression-tests'),
      request,
    );
    const retry = await api(
      'POST',
      sitePath(own.centreId, 'primary', 'progression-tests'),
      request,
    );

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
    const stored = await resultsOf(own.centreId, 'primary', own.tokens.accessToken);
    expect(stored.map((result) => result.resultId)).toEqual([first.json.resultId]);
    expect(await progressionDataOf(own.centreId, own.user.userId, own.coordinatorToken)).toEqual({
      primary: 1,
      'lower-secondary': 0,
      total: 1,
    });
  });
  it('refuses the same Idempotency-Key with a different body with 409 IDEMPOTENCY_CONFLICT and records nothing more', async () => {
    const own = await centreWithTeacher({ sites: ['primary'] });
    const learner = await addLearner(own.centreId, 'primary', own.tokens.accessToken);
    const path = sitePath(own.centreId, 'primary', 'progression-tests');
    const headers = { 'idempotency-key': `conflict-${learner.learnerId}` };
    const first = await api('POST', path, {
      token: own.tokens.accessToken,
      body: resultBody('primary', learner.learnerId, { score: 10 }),
      headers,
    });

    const changed = await api('POST', path, {
      token: own.tokens.accessToken,
      body: resultBody('primary', learner.learnerId, { score: 11 }),
      headers,
    });

    expect(first.status).toBe(201);
    expect(problemOf(changed)).toEqual(problem(409, 'IDEMPOTENCY_CONFLICT'));
    expect(
      (await resultsOf(own.centreId, 'primary', own.tokens.accessToken)).map((r) => r.resultId),
    ).toEqual([first.json.resultId]);
  });
});

describe('listing results', () => {
  it('lists by teacherId and by learnerId, page by page with a cursor, each result once', async () => {
    // Arrange: a centre of its own, so every count is known
    const own = await centreWithTeacher({ sites: ['primary'] });
    const second = await activeUser(own.centreId, own.coordinatorToken, { sites: ['primary'] });
    const ada = await addLearner(own.centreId, 'primary', own.tokens.accessToken);
    const bob = await addLearner(own.centreId, 'primary', own.tokens.accessToken);
    const mine = [
      ...(await recordResults(own.centreId, 'primary', own.tokens.accessToken, ada.learnerId, 3)),
      ...(await recordResults(own.centreId, 'primary', own.tokens.accessToken, bob.learnerId, 2)),
    ];
    const theirs = await recordResults(
      own.centreId,
      'primary',
      second.tokens.accessToken,
      ada.learnerId,
      2,
    );

    // Act
    const firstPage = await api(
      'GET',
      `${sitePath(own.centreId, 'primary', 'progression-tests')}?teacherId=${own.user.userId}&limit=2`,
      { token: own.tokens.accessToken },
    );
    const byTeacher = await allPages(
      `${sitePath(own.centreId, 'primary', 'progression-tests')}?teacherId=${own.user.userId}`,
      own.tokens.accessToken,
      2,
    );
    const byLearner = await allPages(
      `${sitePath(own.centreId, 'primary', 'progression-tests')}?learnerId=${ada.learnerId}`,
      own.coordinatorToken,
      2,
    );
    const everything = await resultsOf(own.centreId, 'primary', own.coordinatorToken);

    // Assert
    expect(firstPage.status).toBe(200);
    expect(firstPage.json.items).toHaveLength(2);
    expect(firstPage.json.nextCursor).toEqual(expect.any(String));
    expect(byTeacher.sizes).toEqual([2, 2, 1]);
    expect(resultIds(byTeacher.items)).toEqual(resultIds(mine));
    expect(byTeacher.items.every((result: any) => result.teacherId === own.user.userId)).toBe(true);
    expect(resultIds(byLearner.items)).toEqual(resultIds([...mine.slice(0, 3), ...theirs]));
    expect(byLearner.items.every((result: any) => result.learnerId === ada.learnerId)).toBe(true);
    expect(resultIds(everything)).toEqual(resultIds([...mine, ...theirs]));
  });

  it("does not show another centre's results when asked for one of its teachers by teacherId", async () => {
    // Arrange: a teacher of another centre with results
    const other = await centreWithTeacher({ sites: ['primary'] });
    const learner = await addLearner(other.centreId, 'primary', other.tokens.accessToken);
    await recordResults(other.centreId, 'primary', other.tokens.accessToken, learner.learnerId, 2);

    // Act: this centre's coordinator and teacher ask their own site for that teacher's results
    const asCoordinator = await api('GET', `${results()}?teacherId=${other.user.userId}`, {
      token: coordinatorToken,
    });
    const asTeacher = await api('GET', `${results()}?teacherId=${other.user.userId}`, {
      token: teacher.token,
    });
    const byLearner = await api('GET', `${results()}?learnerId=${learner.learnerId}`, {
      token: coordinatorToken,
    });

    // Assert: nothing of the other centre (an empty page, or a refusal) is shown
    for (const answer of [asCoordinator, asTeacher, byLearner]) {
      if (answer.status === 200) expect(answer.json.items, answer.text).toEqual([]);
      else expect([400, 404]).toContain(answer.status);
    }
  });
});

describe("the site's teachers and their data", () => {
  it('lists every user with access to the site, with counts that match what was recorded and GET progression-data', async () => {
    // Arrange
    const own = await centreWithTeacher({ sites: ['primary', 'lower-secondary'] });
    const primaryOnly = await activeUser(own.centreId, own.coordinatorToken, {
      sites: ['primary'],
    });
    const noSites = await activeUser(own.centreId, own.coordinatorToken, { sites: [] });
    const primaryLearner = await addLearner(own.centreId, 'primary', own.tokens.accessToken);
    const lowerLearner = await addLearner(own.centreId, 'lower-secondary', own.tokens.accessToken);
    await recordResults(
      own.centreId,
      'primary',
      own.tokens.accessToken,
      primaryLearner.learnerId,
      3,
    );
    await recordResults(
      own.centreId,
      'lower-secondary',
      own.tokens.accessToken,
      lowerLearner.learnerId,
      2,
    );
    await recordResults(
      own.centreId,
      'primary',
      primaryOnly.tokens.accessToken,
      primaryLearner.learnerId,
      1,
    );

    // Act
    const primaryTeachers = await allPages<any>(
      sitePath(own.centreId, 'primary', 'teachers'),
      own.tokens.accessToken,
    );
    const lowerTeachers = await allPages<any>(
      sitePath(own.centreId, 'lower-secondary', 'teachers'),
      own.coordinatorToken,
    );
    const onePage = await api('GET', `${sitePath(own.centreId, 'primary', 'teachers')}?limit=1`, {
      token: own.coordinatorToken,
    });

    // Assert
    const counts = (list: any[]) =>
      Object.fromEntries(list.map((user) => [user.userId, user.progressionData]));
    const primaryCounts = counts(primaryTeachers.items);
    expect(primaryCounts[own.user.userId]).toEqual({ primary: 3, 'lower-secondary': 2, total: 5 });
    expect(primaryCounts[primaryOnly.user.userId]).toEqual({
      primary: 1,
      'lower-secondary': 0,
      total: 1,
    });
    expect(primaryCounts[noSites.user.userId]).toBeUndefined();
    expect(Object.keys(counts(lowerTeachers.items))).toContain(own.user.userId);
    expect(Object.keys(counts(lowerTeachers.items))).not.toContain(primaryOnly.user.userId);
    for (const user of primaryTeachers.items) {
      expect(user).toMatchObject({
        userId: expect.any(String),
        name: expect.any(String),
        email: expect.any(String),
        sites: expect.arrayContaining(['primary']),
        status: expect.any(String),
      });
      expect(await progressionDataOf(own.centreId, user.userId, own.coordinatorToken)).toEqual(
        user.progressionData,
      );
    }
    expect(onePage.status).toBe(200);
    expect(onePage.json.items).toHaveLength(1);
    expect(onePage.json.nextCursor).toEqual(expect.any(String));
  });

  it('answers 404 NOT_FOUND for progression-data of a user of another centre or an unknown user', async () => {
    const other = await centreWithTeacher({ sites: ['primary'] });

    const foreign = await api(
      'GET',
      `/centres/${centreId}/users/${other.user.userId}/progression-data`,
      { token: coordinatorToken },
    );
    const unknown = await api('GET', `/centres/${centreId}/users/no-such-user/progression-data`, {
      token: coordinatorToken,
    });

    expect(problemOf(foreign)).toEqual(problem(404, 'NOT_FOUND'));
    expect(problemOf(unknown)).toEqual(problem(404, 'NOT_FOUND'));
  });
});
