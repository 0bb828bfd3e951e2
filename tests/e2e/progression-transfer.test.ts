/**
 * Issue 5, "Must show" 3 (transfer): POST …/users/{id}/transfer moves every Progression
 * Test result of a teacher to another, who is told by email; the target must be an active
 * user of the same centre, not the source, with access to every site that holds the data.
 * Issue 11, item 5: two transfers involving the same teacher at once (opposite, or a chain)
 * are not both run: the second is refused with 409 OPERATION_RUNNING, and every notice
 * states exactly the number of results moved.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  activeUser,
  addUser,
  api,
  auditOf,
  centreWithCoordinator,
  centreWithTeacher,
  emailsAfter,
  emailsTo,
  nextEmailTo,
  noreplyAddress,
  problem,
  problemBody,
  problemOf,
  userPath,
} from '../support/hub.js';
import {
  addLearner,
  progressionDataOf,
  recordResults,
  resultIds,
  resultsOf,
  waitForOperation,
} from '../support/progression.js';

describe('transferring Progression Test data', () => {
  it('moves every result of the teacher to the target, on both sites: counts, lists and the operation say so, and the source stays', async () => {
    // Arrange
    const { centreId, tokens, coordinator } = await centreWithCoordinator();
    const token = tokens.accessToken;
    const both = ['primary', 'lower-secondary'];
    const [source, target] = await Promise.all([
      activeUser(centreId, token, { sites: both, name: 'Alan Turing' }),
      activeUser(centreId, token, { sites: both, name: 'Katherine Johnson' }),
    ]);
    const primaryLearner = await addLearner(centreId, 'primary', token);
    const lowerLearner = await addLearner(centreId, 'lower-secondary', token);
    const moving = [
      ...(await recordResults(
        centreId,
        'primary',
        source.tokens.accessToken,
        primaryLearner.learnerId,
        3,
      )),
      ...(await recordResults(
        centreId,
        'lower-secondary',
        source.tokens.accessToken,
        lowerLearner.learnerId,
        2,
      )),
    ];
    const already = await recordResults(
      centreId,
      'primary',
      target.tokens.accessToken,
      primaryLearner.learnerId,
      1,
    );
    expect(await progressionDataOf(centreId, source.user.userId, token)).toEqual({
      primary: 3,
      'lower-secondary': 2,
      total: 5,
    });
    expect(await progressionDataOf(centreId, target.user.userId, token)).toEqual({
      primary: 1,
      'lower-secondary': 0,
      total: 1,
    });
    const everythingBefore = [
      ...(await resultsOf(centreId, 'primary', token)),
      ...(await resultsOf(centreId, 'lower-secondary', token)),
    ];
    const seen = (await emailsTo(target.user.email)).length;

    // Act
    const answer = await api('POST', userPath(centreId, source.user.userId, 'transfer'), {
      token,
      body: { toUserId: target.user.userId },
    });

    // Assert: the operation
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ operationId: expect.any(String) });
    const operation = await waitForOperation(centreId, answer.json.operationId, token);
    expect(operation).toEqual({
      operationId: answer.json.operationId,
      type: 'transfer',
      userId: source.user.userId,
      toUserId: target.user.userId,
      status: 'succeeded',
      moved: 5,
      startedAt: expect.any(String),
      endedAt: expect.any(String),
    });

    // Assert: the counts and the lists
    expect(await progressionDataOf(centreId, source.user.userId, token)).toEqual({
      primary: 0,
      'lower-secondary': 0,
      total: 0,
    });
    expect(await progressionDataOf(centreId, target.user.userId, token)).toEqual({
      primary: 4,
      'lower-secondary': 2,
      total: 6,
    });
    const targetPrimary = await resultsOf(
      centreId,
      'primary',
      token,
      `teacherId=${target.user.userId}`,
    );
    const targetLower = await resultsOf(
      centreId,
      'lower-secondary',
      token,
      `teacherId=${target.user.userId}`,
    );
    expect(resultIds([...targetPrimary, ...targetLower])).toEqual(
      resultIds([...moving, ...already]),
    );
    expect(await resultsOf(centreId, 'primary', token, `teacherId=${source.user.userId}`)).toEqual(
      [],
    );
    expect(
      await resultsOf(centreId, 'lower-secondary', token, `teacherId=${source.user.userId}`),
    ).toEqual([]);
    // No result lost or duplicated, each whole (only its teacher changed).
    const everythingAfter = [
      ...(await resultsOf(centreId, 'primary', token)),
      ...(await resultsOf(centreId, 'lower-secondary', token)),
    ];
    expect(everythingAfter).toEqual(
      everythingBefore.map((result) => ({ ...result, teacherId: target.user.userId })),
    );

    // Assert: the source is not removed by a transfer
    const sourceNow = await api('GET', userPath(centreId, source.user.userId), { token });
    expect(sourceNow.json.status).toBe('active');

    // Assert: the receiving teacher is told what was transferred
    const notice = await nextEmailTo(target.user.email, seen);
    expect(notice.from).toBe(noreplyAddress);
    expect(`${notice.subject}\n${notice.text}`).toMatch(/transferred/i);
    expect(notice.text).toContain('5 Progression Test results');
    expect(notice.text).toContain('Alan Turing');
    expect(notice.text).not.toMatch(/Temporary password:|Verification code:/);

    // Assert: the audit log has the transfer
    const audit = await auditOf(centreId, token);
    const transfer = audit.filter(
      (entry) =>
        entry.targetId === source.user.userId &&
        /transfer/i.test(entry.action) &&
        JSON.stringify(entry.details).includes(answer.json.operationId),
    );
    expect(transfer.length).toBeGreaterThan(0);
    expect(transfer.every((entry) => entry.actorId === coordinator.userId)).toBe(true);
  });

  it('accepts a target without access to a site on which the source holds no data', async () => {
    const { centreId, tokens } = await centreWithCoordinator();
    const token = tokens.accessToken;
    const source = await activeUser(centreId, token, { sites: ['primary', 'lower-secondary'] });
    const target = await activeUser(centreId, token, { sites: ['primary'] });
    const learner = await addLearner(centreId, 'primary', token);
    await recordResults(centreId, 'primary', source.tokens.accessToken, learner.learnerId, 2);

    const answer = await api('POST', userPath(centreId, source.user.userId, 'transfer'), {
      token,
      body: { toUserId: target.user.userId },
    });

    expect(answer.status).toBe(202);
    const operation = await waitForOperation(centreId, answer.json.operationId, token);
    expect(operation).toMatchObject({ status: 'succeeded', moved: 2 });
    expect((await progressionDataOf(centreId, target.user.userId, token)).total).toBe(2);
  });
});

describe('refused transfers', () => {
  let centreId: string;
  let token: string;
  let sourceId: string;
  let before: unknown;
  const sourceData = { primary: 2, 'lower-secondary': 1, total: 3 };

  beforeAll(async () => {
    const centre = await centreWithCoordinator();
    centreId = centre.centreId;
    token = centre.tokens.accessToken;
    const source = await activeUser(centreId, token, { sites: ['primary', 'lower-secondary'] });
    sourceId = source.user.userId;
    const primary = await addLearner(centreId, 'primary', token);
    const lower = await addLearner(centreId, 'lower-secondary', token);
    await recordResults(centreId, 'primary', source.tokens.accessToken, primary.learnerId, 2);
    await recordResults(centreId, 'lower-secondary', source.tokens.accessToken, lower.learnerId, 1);
    before = {
      primary: await resultsOf(centreId, 'primary', token),
      lower: await resultsOf(centreId, 'lower-secondary', token),
    };
  });

  const refuse = async (toUserId: string) => {
    const answer = await api('POST', userPath(centreId, sourceId, 'transfer'), {
      token,
      body: { toUserId },
    });
    expect(problemOf(answer), answer.text).toEqual(problem(409, 'INVALID_TRANSFER_TARGET'));
    expect(await progressionDataOf(centreId, sourceId, token)).toEqual(sourceData);
    expect({
      primary: await resultsOf(centreId, 'primary', token),
      lower: await resultsOf(centreId, 'lower-secondary', token),
    }).toEqual(before);
  };

  it('refuses the source itself as target with 409 INVALID_TRANSFER_TARGET', async () => {
    await refuse(sourceId);
  });

  it('refuses a user of another centre with 409 INVALID_TRANSFER_TARGET', async () => {
    const other = await centreWithTeacher({ sites: ['primary', 'lower-secondary'] });
    await refuse(other.user.userId);
    expect(
      (await progressionDataOf(other.centreId, other.user.userId, other.coordinatorToken)).total,
    ).toBe(0);
  });

  it('refuses a suspended target with 409 INVALID_TRANSFER_TARGET', async () => {
    const suspended = await activeUser(centreId, token, { sites: ['primary', 'lower-secondary'] });
    await api('POST', userPath(centreId, suspended.user.userId, 'suspend'), { token });
    await refuse(suspended.user.userId);
  });

  it('refuses an invited target (never signed in) with 409 INVALID_TRANSFER_TARGET', async () => {
    const invited = await addUser(centreId, token, { sites: ['primary', 'lower-secondary'] });
    await refuse(invited.userId);
  });

  it('refuses a target without access to a site that holds the data with 409 INVALID_TRANSFER_TARGET', async () => {
    const primaryOnly = await activeUser(centreId, token, { sites: ['primary'] });
    await refuse(primaryOnly.user.userId);
  });

  it('refuses an unknown field, a missing toUserId and a toUserId of the wrong type with 400 VALIDATION_FAILED', async () => {
    const target = await activeUser(centreId, token, { sites: ['primary', 'lower-secondary'] });
    for (const body of [
      { toUserId: target.user.userId, moveAll: true },
      {},
      { toUserId: 42 },
      { toUserId: null },
      { toUserId: 'not/an id' },
    ]) {
      const answer = await api('POST', userPath(centreId, sourceId, 'transfer'), { token, body });
      expect(problemOf(answer), JSON.stringify(body)).toEqual(problem(400, 'VALIDATION_FAILED'));
      expect(answer.json.errors.length, JSON.stringify(body)).toBeGreaterThan(0);
    }
    const unknownField = await api('POST', userPath(centreId, sourceId, 'transfer'), {
      token,
      body: { toUserId: target.user.userId, moveAll: true },
    });
    expect(JSON.stringify(unknownField.json.errors)).toContain('moveAll');
    expect(await progressionDataOf(centreId, sourceId, token)).toEqual(sourceData);
    expect((await progressionDataOf(centreId, target.user.userId, token)).total).toBe(0);
  });
});

describe('transfers involving the same teacher at the same moment (issue 11, item 5)', () => {
  /** A centre with three primary teachers owning 7, 12 and 5 results. */
  async function threeTeachers() {
    const { centreId, tokens } = await centreWithCoordinator();
    const token = tokens.accessToken;
    const teachers = await Promise.all(
      ['Ada Lovelace', 'Mary Somerville', 'Emmy Noether'].map((name) =>
        activeUser(centreId, token, { sites: ['primary'], name }),
      ),
    );
    const learner = await addLearner(centreId, 'primary', token);
    const owned = [7, 12, 5];
    await Promise.all(
      teachers.map((teacher, index) =>
        recordResults(
          centreId,
          'primary',
          teacher.tokens.accessToken,
          learner.learnerId,
          owned[index] as number,
        ),
      ),
    );
    const [t1, t2, t3] = teachers as [
      (typeof teachers)[number],
      (typeof teachers)[number],
      (typeof teachers)[number],
    ];
    return { centreId, token, t1, t2, t3, all: await resultsOf(centreId, 'primary', token) };
  }

  const transfer = (centreId: string, token: string, fromId: string, toId: string) =>
    api('POST', userPath(centreId, fromId, 'transfer'), { token, body: { toUserId: toId } });

  /** Of two answers fired together, the one accepted and the one refused (in that order). */
  function oneAcceptedOneRefused(answers: Answer[]) {
    const statuses = answers.map((answer) => answer.status);
    expect([...statuses].sort(), answers.map((answer) => answer.text).join('\n')).toEqual([
      202, 409,
    ]);
    const accepted = statuses.indexOf(202);
    const [yes, no] = [answers[accepted], answers[1 - accepted]] as [Answer, Answer];
    expect(problemOf(no)).toEqual(problem(409, 'OPERATION_RUNNING'));
    // The refusal names the operation to wait for: the one accepted.
    expect(no.json).toMatchObject({
      ...problemBody(409, 'OPERATION_RUNNING'),
      operationId: yes.json.operationId,
    });
    return { accepted, yes };
  }

  it('T2→T3 while T3→T2: one runs, the other is refused with 409 OPERATION_RUNNING; moved and the notice state exactly the results moved', async () => {
    // Arrange: T2 owns 12, T3 owns 5.
    const { centreId, token, t1, t2, t3, all } = await threeTeachers();
    const seen2 = (await emailsTo(t2.user.email)).length;
    const seen3 = (await emailsTo(t3.user.email)).length;

    // Act: both at the same moment
    const answers = await Promise.all([
      transfer(centreId, token, t2.user.userId, t3.user.userId),
      transfer(centreId, token, t3.user.userId, t2.user.userId),
    ]);

    // Assert: one accepted, one refused; the accepted one moves its source's results once
    const { accepted, yes } = oneAcceptedOneRefused(answers);
    const [source, target, count] = accepted === 0 ? [t2, t3, 12] : ([t3, t2, 5] as const);
    const operation = await waitForOperation(centreId, yes.json.operationId, token);
    expect(operation).toMatchObject({
      status: 'succeeded',
      userId: source.user.userId,
      toUserId: target.user.userId,
      moved: count,
    });
    expect(await progressionDataOf(centreId, source.user.userId, token)).toEqual({
      primary: 0,
      'lower-secondary': 0,
      total: 0,
    });
    expect((await progressionDataOf(centreId, target.user.userId, token)).total).toBe(17);
    const now = await resultsOf(centreId, 'primary', token);
    expect(resultIds(now)).toEqual(resultIds(all));
    expect(now.filter((result) => result.teacherId === t1.user.userId)).toHaveLength(7);
    expect(now.filter((result) => result.teacherId === target.user.userId)).toHaveLength(17);

    // Assert: one notice, to the receiving teacher, with the exact number; none to the other
    const notice = await nextEmailTo(target.user.email, accepted === 0 ? seen3 : seen2);
    expect(notice.text).toContain(`${count} Progression Test results of ${source.user.name}`);
    expect(await emailsAfter(target.user.email, (accepted === 0 ? seen3 : seen2) + 1)).toEqual([]);
    expect(await emailsAfter(source.user.email, accepted === 0 ? seen2 : seen3, 200)).toEqual([]);

    // Assert: once it has ended, the refused transfer can run, and moves exactly 17
    const again = await transfer(centreId, token, target.user.userId, source.user.userId);
    expect(again.status, again.text).toBe(202);
    expect(await waitForOperation(centreId, again.json.operationId, token)).toMatchObject({
      status: 'succeeded',
      moved: 17,
    });
    const back = await nextEmailTo(source.user.email, accepted === 0 ? seen2 : seen3);
    expect(back.text).toContain(`17 Progression Test results of ${target.user.name}`);
    expect((await progressionDataOf(centreId, source.user.userId, token)).total).toBe(17);
  });

  it('a chain, T1→T2 while T2→T3: one runs, the other is refused with 409 OPERATION_RUNNING', async () => {
    const { centreId, token, t1, t2, t3, all } = await threeTeachers();

    const answers = await Promise.all([
      transfer(centreId, token, t1.user.userId, t2.user.userId),
      transfer(centreId, token, t2.user.userId, t3.user.userId),
    ]);

    const { accepted, yes } = oneAcceptedOneRefused(answers);
    const operation = await waitForOperation(centreId, yes.json.operationId, token);
    // T1's 7 results reach T2; or T2's 12 reach T3: never T1's results passed on to T3.
    const expected =
      accepted === 0
        ? { moved: 7, owned: { [t1.user.userId]: 0, [t2.user.userId]: 19, [t3.user.userId]: 5 } }
        : { moved: 12, owned: { [t1.user.userId]: 7, [t2.user.userId]: 0, [t3.user.userId]: 17 } };
    expect(operation).toMatchObject({ status: 'succeeded', moved: expected.moved });
    const now = await resultsOf(centreId, 'primary', token);
    expect(resultIds(now)).toEqual(resultIds(all));
    for (const [userId, owned] of Object.entries(expected.owned)) {
      expect(now.filter((result) => result.teacherId === userId)).toHaveLength(owned);
      expect((await progressionDataOf(centreId, userId, token)).total).toBe(owned);
    }
  });

  it('an offboarding of the receiving teacher waits for the transfer: 409 OPERATION_RUNNING', async () => {
    const { centreId, token, t1, t2, t3 } = await threeTeachers();
    const running = await transfer(centreId, token, t1.user.userId, t2.user.userId);
    expect(running.status).toBe(202);

    const offboarding = await api('POST', userPath(centreId, t2.user.userId, 'offboarding'), {
      token,
      body: { transferTo: t3.user.userId },
    });

    expect(problemOf(offboarding)).toEqual(problem(409, 'OPERATION_RUNNING'));
    expect(offboarding.json.operationId).toBe(running.json.operationId);
    expect((await api('GET', userPath(centreId, t2.user.userId), { token })).json.status).toBe(
      'active',
    );
    expect(await waitForOperation(centreId, running.json.operationId, token)).toMatchObject({
      status: 'succeeded',
      moved: 7,
    });
    expect((await progressionDataOf(centreId, t2.user.userId, token)).total).toBe(19);
  });
});
