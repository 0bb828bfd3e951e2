/**
 * Issue 5, "Must show" 3 (transfer): POST …/users/{id}/transfer moves every Progression
 * Test result of a teacher to another, who is told by email; the target must be an active
 * user of the same centre, not the source, with access to every site that holds the data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeUser,
  addUser,
  api,
  auditOf,
  centreWithCoordinator,
  centreWithTeacher,
  emailsTo,
  nextEmailTo,
  noreplyAddress,
  problem,
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
