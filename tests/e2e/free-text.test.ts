/**
 * Issue 11, item 9: free text that pages and emails show follows the rule names follow. A
 * learner's class and a result's series holding markup or a control character (NUL, a line
 * break) are 400 VALIDATION_FAILED naming the field, and change nothing; `&` and quotes are
 * ordinary text. (tests/unit/request-strings.test.ts holds every other request string to it.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { allPages, api, centreWithTeacher, problem, problemOf } from '../support/hub.js';
import {
  addLearner,
  progressionDataOf,
  resultBody,
  resultsOf,
  sitePath,
} from '../support/progression.js';

const refusedText = [
  '<script>alert(1)</script>',
  '4B<img src=x onerror=alert(1)>',
  '4B\u0000',
  '\u0000',
  'Spring\u00002026',
  'Spring\n2026',
];

let centreId: string;
let coordinator: string;
let teacher: { userId: string; token: string };

beforeAll(async () => {
  const centre = await centreWithTeacher({ sites: ['primary'], name: 'Grace Hopper' });
  centreId = centre.centreId;
  coordinator = centre.coordinatorToken;
  teacher = { userId: centre.user.userId, token: centre.tokens.accessToken };
});

const learners = () => sitePath(centreId, 'primary', 'learners');
const learnerPath = (learnerId: string) => `${learners()}/${learnerId}`;
const errorPaths = (answer: { json: { errors?: { path: string }[] } }) =>
  (answer.json.errors ?? []).map((error) => error.path);

describe("a learner's class", () => {
  it('with markup or a control character is refused when adding, and no learner is added', async () => {
    const before = await allPages(learners(), coordinator);

    for (const classGroup of refusedText) {
      const answer = await api('POST', learners(), {
        token: teacher.token,
        body: { name: 'Mary Somerville', stage: 4, classGroup },
      });
      expect(problemOf(answer), JSON.stringify(classGroup)).toEqual(
        problem(400, 'VALIDATION_FAILED'),
      );
      expect(errorPaths(answer)).toEqual(['classGroup']);
    }

    expect((await allPages(learners(), coordinator)).items).toEqual(before.items);
  });

  it('with markup or a control character is refused when changed, and the learner is unchanged', async () => {
    const learner = await addLearner(centreId, 'primary', teacher.token, { classGroup: '4B' });

    for (const classGroup of refusedText) {
      const answer = await api('PATCH', learnerPath(learner.learnerId), {
        token: coordinator,
        body: { classGroup },
      });
      expect(problemOf(answer), JSON.stringify(classGroup)).toEqual(
        problem(400, 'VALIDATION_FAILED'),
      );
      expect(errorPaths(answer)).toEqual(['classGroup']);
    }

    const read = await api('GET', learnerPath(learner.learnerId), { token: coordinator });
    expect(read.json).toEqual(learner);
  });

  it('with & and quotes is ordinary text, stored as sent', async () => {
    const learner = await addLearner(centreId, 'primary', teacher.token, {
      classGroup: '4B & "Blue"',
    });
    expect(learner.classGroup).toBe('4B & "Blue"');
  });
});

describe("a result's series", () => {
  it('with markup or a control character is refused, and no result is recorded', async () => {
    const learner = await addLearner(centreId, 'primary', teacher.token);
    const countsBefore = await progressionDataOf(centreId, teacher.userId, coordinator);

    for (const series of refusedText) {
      const answer = await api('POST', sitePath(centreId, 'primary', 'progression-tests'), {
        token: teacher.token,
        body: resultBody('primary', learner.learnerId, { series }),
      });
      expect(problemOf(answer), JSON.stringify(series)).toEqual(problem(400, 'VALIDATION_FAILED'));
      expect(errorPaths(answer)).toEqual(['series']);
    }

    expect(
      await resultsOf(centreId, 'primary', coordinator, `learnerId=${learner.learnerId}`),
    ).toEqual([]);
    expect(await progressionDataOf(centreId, teacher.userId, coordinator)).toEqual(countsBefore);
    // The learner can still be removed: no result was counted against them.
    const removed = await api('DELETE', learnerPath(learner.learnerId), { token: coordinator });
    expect(removed.status).toBe(204);
  });

  it('with & and quotes is ordinary text, stored as sent', async () => {
    const learner = await addLearner(centreId, 'primary', teacher.token);
    const answer = await api('POST', sitePath(centreId, 'primary', 'progression-tests'), {
      token: teacher.token,
      body: resultBody('primary', learner.learnerId, { series: 'Spring 2026 – "A" & B' }),
    });
    expect(answer.status).toBe(201);
    expect(answer.json.series).toBe('Spring 2026 – "A" & B');
  });
});
