/**
 * Issue 5, "Must show" 2 and 3 (offboarding): POST …/users/{id}/offboarding suspends the
 * user, moves their data to `transferTo` and deletes them, in one workflow; without a
 * target, a user who owns data is left suspended with the operation `needs_transfer`, and
 * a transfer then a delete finish the job. The centre keeps an active coordinator, and two
 * offboardings of the same user at once are one.
 */
import { describe, expect, it } from 'vitest';
import {
  activeUser,
  api,
  auditOf,
  centreWithCoordinator,
  defaultPassword,
  emailsTo,
  nextEmailTo,
  noreplyAddress,
  problem,
  problemOf,
  tryLogin,
  userPath,
} from '../support/hub.js';
import {
  addLearner,
  progressionDataOf,
  recordResults,
  resultBody,
  resultIds,
  resultsOf,
  waitForOperation,
} from '../support/progression.js';

const none = { primary: 0, 'lower-secondary': 0, total: 0 };

/** A centre with a leaving teacher who owns `count` primary results, and a colleague. */
async function leavingTeacher(count: number) {
  const { centreId, tokens, coordinator, supportToken } = await centreWithCoordinator();
  const token = tokens.accessToken;
  const [leaving, colleague] = await Promise.all([
    activeUser(centreId, token, { sites: ['primary'], name: 'Grace Leaving' }),
    activeUser(centreId, token, { sites: ['primary'], name: 'Dorothy Staying' }),
  ]);
  const learner = await addLearner(centreId, 'primary', token);
  const results = await recordResults(
    centreId,
    'primary',
    leaving.tokens.accessToken,
    learner.learnerId,
    count,
  );
  return { centreId, token, coordinator, supportToken, leaving, colleague, results };
}

describe('offboarding a teacher', () => {
  it('with transferTo: suspends, moves every result to the colleague and deletes the teacher; the operation succeeds', async () => {
    // Arrange
    const { centreId, token, leaving, colleague, results } = await leavingTeacher(3);
    const seen = (await emailsTo(colleague.user.email)).length;

    // Act
    const answer = await api('POST', userPath(centreId, leaving.user.userId, 'offboarding'), {
      token,
      body: { transferTo: colleague.user.userId },
    });

    // Assert
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ operationId: expect.any(String) });
    const operation = await waitForOperation(centreId, answer.json.operationId, token);
    expect(operation).toEqual({
      operationId: answer.json.operationId,
      type: 'offboarding',
      userId: leaving.user.userId,
      toUserId: colleague.user.userId,
      status: 'succeeded',
      moved: 3,
      startedAt: expect.any(String),
      endedAt: expect.any(String),
    });
    expect(problemOf(await api('GET', userPath(centreId, leaving.user.userId), { token }))).toEqual(
      problem(404, 'NOT_FOUND'),
    );
    expect(problemOf(await tryLogin(leaving.user.email, defaultPassword))).toEqual(
      problem(401, 'INVALID_CREDENTIALS'),
    );
    expect(await progressionDataOf(centreId, colleague.user.userId, token)).toEqual({
      primary: 3,
      'lower-secondary': 0,
      total: 3,
    });
    const all = await resultsOf(centreId, 'primary', token);
    expect(resultIds(all)).toEqual(resultIds(results));
    expect(all.every((result) => result.teacherId === colleague.user.userId)).toBe(true);
    const notice = await nextEmailTo(colleague.user.email, seen);
    expect(notice.from).toBe(noreplyAddress);
    expect(notice.text).toContain('3 Progression Test results');
    // The audit log has every step: suspension, transfer and deletion.
    const steps = (await auditOf(centreId, token))
      .filter((entry) => entry.targetId === leaving.user.userId)
      .map((entry) => entry.action)
      .join(' ');
    expect(steps).toMatch(/suspend/i);
    expect(steps).toMatch(/transfer/i);
    expect(steps).toMatch(/delet/i);
  });

  it('tells the receiving colleague whose results they now hold, although the offboarding deleted that teacher', async () => {
    // The transfer route's notice names the source; offboarding's must too, or the
    // colleague cannot tell whose learners' results arrived.
    const { centreId, token, leaving, colleague } = await leavingTeacher(1);
    const seen = (await emailsTo(colleague.user.email)).length;

    const answer = await api('POST', userPath(centreId, leaving.user.userId, 'offboarding'), {
      token,
      body: { transferTo: colleague.user.userId },
    });
    await waitForOperation(centreId, answer.json.operationId, token);

    const notice = await nextEmailTo(colleague.user.email, seen);
    expect(notice.text).toContain('1 Progression Test result');
    expect(notice.text).toContain('Grace Leaving');
  });

  it('without data and without transferTo: deletes the teacher; the operation succeeds with nothing moved', async () => {
    const { centreId, tokens } = await centreWithCoordinator(['primary']);
    const token = tokens.accessToken;
    const teacher = await activeUser(centreId, token, { sites: ['primary'] });

    const answer = await api('POST', userPath(centreId, teacher.user.userId, 'offboarding'), {
      token,
      body: {},
    });

    expect(answer.status).toBe(202);
    const operation = await waitForOperation(centreId, answer.json.operationId, token);
    expect(operation).toMatchObject({ type: 'offboarding', status: 'succeeded', moved: 0 });
    expect(operation.toUserId).toBeUndefined();
    expect((await api('GET', userPath(centreId, teacher.user.userId), { token })).status).toBe(404);
  });

  it('without transferTo and with data: ends needs_transfer, the teacher stays suspended with their results; a transfer then a delete finish the removal', async () => {
    // Arrange
    const { centreId, token, leaving, colleague, results } = await leavingTeacher(2);

    // Act: offboarding without a target
    const answer = await api('POST', userPath(centreId, leaving.user.userId, 'offboarding'), {
      token,
      body: {},
    });

    // Assert: left suspended, data untouched
    expect(answer.status).toBe(202);
    const operation = await waitForOperation(centreId, answer.json.operationId, token);
    expect(operation).toEqual({
      operationId: answer.json.operationId,
      type: 'offboarding',
      userId: leaving.user.userId,
      status: 'needs_transfer',
      moved: 0,
      startedAt: expect.any(String),
      endedAt: expect.any(String),
    });
    const user = await api('GET', userPath(centreId, leaving.user.userId), { token });
    expect(user.json.status).toBe('suspended');
    expect(problemOf(await api('GET', '/me', { token: leaving.tokens.accessToken }))).toEqual(
      problem(401, 'UNAUTHENTICATED'),
    );
    expect(await progressionDataOf(centreId, leaving.user.userId, token)).toEqual({
      primary: 2,
      'lower-secondary': 0,
      total: 2,
    });
    expect(
      resultIds(await resultsOf(centreId, 'primary', token, `teacherId=${leaving.user.userId}`)),
    ).toEqual(resultIds(results));
    const refused = await api('DELETE', userPath(centreId, leaving.user.userId), { token });
    expect(problemOf(refused)).toEqual(problem(409, 'PROGRESSION_DATA_ATTACHED'));

    // Act + Assert: transfer, then delete
    const transfer = await api('POST', userPath(centreId, leaving.user.userId, 'transfer'), {
      token,
      body: { toUserId: colleague.user.userId },
    });
    expect(transfer.status).toBe(202);
    expect(await waitForOperation(centreId, transfer.json.operationId, token)).toMatchObject({
      type: 'transfer',
      status: 'succeeded',
      moved: 2,
    });
    expect(await progressionDataOf(centreId, leaving.user.userId, token)).toEqual(none);
    const deletion = await api('DELETE', userPath(centreId, leaving.user.userId), { token });
    expect(deletion.status).toBe(202);
    expect(await waitForOperation(centreId, deletion.json.operationId, token)).toMatchObject({
      type: 'delete',
      status: 'succeeded',
    });
    expect((await api('GET', userPath(centreId, leaving.user.userId), { token })).status).toBe(404);
    const all = await resultsOf(centreId, 'primary', token);
    expect(resultIds(all)).toEqual(resultIds(results));
    expect(all.every((result) => result.teacherId === colleague.user.userId)).toBe(true);
  });

  it('after needs_transfer, refuses new results for the suspended teacher, and a second offboarding with transferTo completes the removal', async () => {
    // Arrange: the first offboarding leaves the teacher suspended with their data
    const { centreId, token, leaving, colleague, results } = await leavingTeacher(2);
    const first = await api('POST', userPath(centreId, leaving.user.userId, 'offboarding'), {
      token,
      body: {},
    });
    expect((await waitForOperation(centreId, first.json.operationId, token)).status).toBe(
      'needs_transfer',
    );
    const learner = results[0]?.learnerId as string;

    // Act + Assert: no data may attach to the suspended teacher meanwhile
    const late = await api('POST', `/centres/${centreId}/sites/primary/progression-tests`, {
      token,
      body: resultBody('primary', learner, { teacherId: leaving.user.userId }),
    });
    expect(problemOf(late)).toEqual(problem(400, 'VALIDATION_FAILED'));

    // Act: offboard again, now with a target
    const second = await api('POST', userPath(centreId, leaving.user.userId, 'offboarding'), {
      token,
      body: { transferTo: colleague.user.userId },
    });

    // Assert
    expect(second.status).toBe(202);
    expect(second.json.operationId).not.toBe(first.json.operationId);
    expect(await waitForOperation(centreId, second.json.operationId, token)).toMatchObject({
      status: 'succeeded',
      moved: 2,
    });
    expect((await api('GET', userPath(centreId, leaving.user.userId), { token })).status).toBe(404);
    const all = await resultsOf(centreId, 'primary', token);
    expect(resultIds(all)).toEqual(resultIds(results));
    expect(all.every((result) => result.teacherId === colleague.user.userId)).toBe(true);
  });

  it('refuses an invalid transferTo with 409 INVALID_TRANSFER_TARGET before suspending anyone', async () => {
    const { centreId, token, leaving } = await leavingTeacher(1);
    const lowerOnly = await activeUser(centreId, token, { sites: ['lower-secondary'] });

    const answer = await api('POST', userPath(centreId, leaving.user.userId, 'offboarding'), {
      token,
      body: { transferTo: lowerOnly.user.userId },
    });

    expect(problemOf(answer)).toEqual(problem(409, 'INVALID_TRANSFER_TARGET'));
    const user = await api('GET', userPath(centreId, leaving.user.userId), { token });
    expect(user.json.status).toBe('active');
    expect((await progressionDataOf(centreId, leaving.user.userId, token)).total).toBe(1);
  });
});

describe('offboarding guards', () => {
  it('refuses offboarding the only active coordinator with 409 LAST_ADMIN, and they stay active', async () => {
    const { centreId, tokens, coordinator, supportToken } = await centreWithCoordinator([
      'primary',
    ]);

    const answer = await api('POST', userPath(centreId, coordinator.userId, 'offboarding'), {
      token: supportToken,
      body: {},
    });

    expect(problemOf(answer)).toEqual(problem(409, 'LAST_ADMIN'));
    expect((await api('GET', '/me', { token: tokens.accessToken })).json.status).toBe('active');
  });

  it('refuses offboarding yourself with 409 CANNOT_MODIFY_SELF', async () => {
    const { centreId, tokens, coordinator } = await centreWithCoordinator(['primary']);
    await activeUser(centreId, tokens.accessToken, { isAdmin: true });

    const answer = await api('POST', userPath(centreId, coordinator.userId, 'offboarding'), {
      token: tokens.accessToken,
      body: {},
    });

    expect(problemOf(answer)).toEqual(problem(409, 'CANNOT_MODIFY_SELF'));
    expect((await api('GET', '/me', { token: tokens.accessToken })).json.status).toBe('active');
  });

  it('lets a coordinator offboard another coordinator when one stays active', async () => {
    const { centreId, tokens } = await centreWithCoordinator(['primary']);
    const second = await activeUser(centreId, tokens.accessToken, { isAdmin: true });

    const answer = await api('POST', userPath(centreId, second.user.userId, 'offboarding'), {
      token: tokens.accessToken,
      body: {},
    });

    expect(answer.status).toBe(202);
    const operation = await waitForOperation(centreId, answer.json.operationId, tokens.accessToken);
    expect(operation.status).toBe('succeeded');
  });

  it('treats two offboardings of the same user at once as one operation (or refuses one with 409 OPERATION_RUNNING), and moves every result exactly once', async () => {
    // Several users, so that a race really happens at least once.
    const centres = await Promise.all([leavingTeacher(3), leavingTeacher(3), leavingTeacher(3)]);

    await Promise.all(
      centres.map(async ({ centreId, token, leaving, colleague, results }) => {
        // Act
        const request = () =>
          api('POST', userPath(centreId, leaving.user.userId, 'offboarding'), {
            token,
            body: { transferTo: colleague.user.userId },
          });
        const answers = await Promise.all([request(), request()]);

        // Assert: one operation
        const accepted = answers.filter((answer) => answer.status === 202);
        const conflicts = answers.filter((answer) => answer.status === 409);
        expect(
          answers.map((answer) => answer.status),
          answers.map((answer) => answer.text).join('\n'),
        ).toSatisfy((statuses: number[]) =>
          statuses.every((status) => status === 202 || status === 409),
        );
        expect(accepted.length).toBeGreaterThan(0);
        for (const conflict of conflicts)
          expect(problemOf(conflict)).toEqual(problem(409, 'OPERATION_RUNNING'));
        const operationIds = new Set(accepted.map((answer) => answer.json.operationId));
        expect(operationIds.size).toBe(1);

        // Assert: the end state
        const [operationId] = [...operationIds] as [string];
        const operation = await waitForOperation(centreId, operationId, token);
        expect(operation).toMatchObject({ status: 'succeeded', moved: 3 });
        expect((await api('GET', userPath(centreId, leaving.user.userId), { token })).status).toBe(
          404,
        );
        const all = await resultsOf(centreId, 'primary', token);
        expect(resultIds(all)).toEqual(resultIds(results));
        expect(all.every((result) => result.teacherId === colleague.user.userId)).toBe(true);
        expect(await progressionDataOf(centreId, colleague.user.userId, token)).toEqual({
          primary: 3,
          'lower-secondary': 0,
          total: 3,
        });
      }),
    );
  });
});
