/**
 * Issue 5, "Must show" 3 (DELETE and operations): an active user cannot be deleted, nor a
 * suspended one who still owns Progression Test data (the problem says how much); a
 * suspended user without data is deleted by the workflow, whose operation the coordinator
 * follows; afterwards the user is gone, their email is free again, and the audit log keeps
 * what happened.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localDynamoDb, userItems } from '../support/emulators.js';
import {
  activeUser,
  addUsers,
  api,
  auditOf,
  centreWithCoordinator,
  centreWithTeacher,
  defaultPassword,
  emailMatching,
  hub,
  noreplyAddress,
  problem,
  problemOf,
  tryLogin,
  userPath,
} from '../support/hub.js';
import { addLearner, recordResults, waitForOperation } from '../support/progression.js';

const dynamodb = localDynamoDb();
afterAll(() => dynamodb.destroy());

describe('DELETE /centres/{centreId}/users/{userId}', () => {
  it('refuses an active user with 409 USER_NOT_SUSPENDED and keeps them', async () => {
    const centre = await centreWithTeacher({ sites: ['primary'] });

    const answer = await api('DELETE', userPath(centre.centreId, centre.user.userId), {
      token: centre.coordinatorToken,
    });

    expect(problemOf(answer)).toEqual(problem(409, 'USER_NOT_SUSPENDED'));
    expect((await api('GET', '/me', { token: centre.tokens.accessToken })).status).toBe(200);
  });

  it('refuses a suspended user who owns results with 409 PROGRESSION_DATA_ATTACHED and the counts, and keeps them and their data', async () => {
    // Arrange
    const centre = await centreWithTeacher({ sites: ['primary', 'lower-secondary'] });
    const primary = await addLearner(centre.centreId, 'primary', centre.tokens.accessToken);
    const lower = await addLearner(centre.centreId, 'lower-secondary', centre.tokens.accessToken);
    await recordResults(
      centre.centreId,
      'primary',
      centre.tokens.accessToken,
      primary.learnerId,
      2,
    );
    await recordResults(
      centre.centreId,
      'lower-secondary',
      centre.tokens.accessToken,
      lower.learnerId,
      1,
    );
    await api('POST', userPath(centre.centreId, centre.user.userId, 'suspend'), {
      token: centre.coordinatorToken,
    });

    // Act
    const answer = await api('DELETE', userPath(centre.centreId, centre.user.userId), {
      token: centre.coordinatorToken,
    });

    // Assert
    expect(problemOf(answer)).toEqual(problem(409, 'PROGRESSION_DATA_ATTACHED'));
    expect(answer.json.progressionData).toEqual({ primary: 2, 'lower-secondary': 1, total: 3 });
    const user = await api('GET', userPath(centre.centreId, centre.user.userId), {
      token: centre.coordinatorToken,
    });
    expect(user.json.status).toBe('suspended');
    const data = await api(
      'GET',
      userPath(centre.centreId, centre.user.userId, 'progression-data'),
      {
        token: centre.coordinatorToken,
      },
    );
    expect(data.json).toEqual({ primary: 2, 'lower-secondary': 1, total: 3 });
  });

  it('deletes a suspended user without data: 202 operationId, the operation succeeds, the user is 404, every item of theirs is gone, and a notice is emailed', async () => {
    // Arrange
    const centre = await centreWithTeacher({ sites: ['primary'], name: 'Charles Babbage' });
    const { centreId, coordinatorToken, user } = centre;
    await api('POST', userPath(centreId, user.userId, 'suspend'), { token: coordinatorToken });

    // Act
    const answer = await api('DELETE', userPath(centreId, user.userId), {
      token: coordinatorToken,
    });

    // Assert: the operation
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ operationId: expect.any(String) });
    const operation = await waitForOperation(centreId, answer.json.operationId, coordinatorToken);
    expect(operation).toEqual({
      operationId: answer.json.operationId,
      type: 'delete',
      userId: user.userId,
      status: 'succeeded',
      moved: 0,
      startedAt: expect.any(String),
      endedAt: expect.any(String),
    });
    expect(Date.parse(operation.endedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(operation.startedAt),
    );

    // Assert: the user is gone everywhere
    expect(
      problemOf(await api('GET', userPath(centreId, user.userId), { token: coordinatorToken })),
    ).toEqual(problem(404, 'NOT_FOUND'));
    expect(
      problemOf(
        await api('GET', userPath(centreId, user.userId, 'progression-data'), {
          token: coordinatorToken,
        }),
      ),
    ).toEqual(problem(404, 'NOT_FOUND'));
    expect(problemOf(await tryLogin(user.email, defaultPassword))).toEqual(
      problem(401, 'INVALID_CREDENTIALS'),
    );
    expect(problemOf(await api('GET', '/me', { token: centre.tokens.accessToken }))).toEqual(
      problem(401, 'UNAUTHENTICATED'),
    );
    const Items = await userItems(user.userId);
    expect(Items.map((item) => item.SK?.S)).toEqual([]);
    const marker = await dynamodb.send(
      new GetItemCommand({
        TableName: hub().tableName,
        Key: { PK: { S: `EMAIL#${user.email}` }, SK: { S: 'EMAIL' } },
        ConsistentRead: true,
      }),
    );
    expect(marker.Item).toBeUndefined();
    // The suspension's notice may still be on its way: wait for the deletion's own.
    const notice = await emailMatching(user.email, /deleted/i);
    expect(notice.from).toBe(noreplyAddress);
    expect(notice.text).not.toMatch(/Temporary password:|Verification code:/);
  });

  it("frees the deleted user's email: it can be invited again, as a new user", async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator(['primary']);
    const token = tokens.accessToken;
    const teacher = await activeUser(centreId, token, { sites: ['primary'] });
    await api('POST', userPath(centreId, teacher.user.userId, 'suspend'), { token });
    const deletion = await api('DELETE', userPath(centreId, teacher.user.userId), { token });
    expect((await waitForOperation(centreId, deletion.json.operationId, token)).status).toBe(
      'succeeded',
    );

    // Act
    const again = await addUsers(centreId, token, [
      { name: 'Ada Again', email: teacher.user.email.toUpperCase() },
    ]);

    // Assert
    expect(again.status).toBe(200);
    expect(again.json.results[0]).toMatchObject({
      status: 'created',
      user: { email: teacher.user.email, status: 'invited' },
    });
    expect(again.json.results[0].user.userId).not.toBe(teacher.user.userId);
  });

  it("writes the deletion to the centre's audit log, by whom and of whom", async () => {
    // Arrange
    const centre = await centreWithCoordinator(['primary']);
    const token = centre.tokens.accessToken;
    const teacher = await activeUser(centre.centreId, token, { sites: ['primary'] });
    await api('POST', userPath(centre.centreId, teacher.user.userId, 'suspend'), { token });

    // Act
    const deletion = await api('DELETE', userPath(centre.centreId, teacher.user.userId), { token });
    await waitForOperation(centre.centreId, deletion.json.operationId, token);

    // Assert
    const audit = await auditOf(centre.centreId, token);
    const deleted = audit.filter(
      (entry) => entry.targetId === teacher.user.userId && /delet/i.test(entry.action),
    );
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.every((entry) => entry.actorId === centre.coordinator.userId)).toBe(true);
    expect(JSON.stringify(deleted)).toContain(deletion.json.operationId);
    // The log still says who the user was, though the user no longer exists.
    expect(JSON.stringify(deleted)).toContain(teacher.user.email);
  });

  it('refuses deleting yourself with 409 CANNOT_MODIFY_SELF', async () => {
    const centre = await centreWithCoordinator(['primary']);

    const answer = await api('DELETE', userPath(centre.centreId, centre.coordinator.userId), {
      token: centre.tokens.accessToken,
    });

    expect(problemOf(answer)).toEqual(problem(409, 'CANNOT_MODIFY_SELF'));
    expect((await api('GET', '/me', { token: centre.tokens.accessToken })).status).toBe(200);
  });

  it('answers 404 NOT_FOUND for an unknown user, and for a user of another centre', async () => {
    const centre = await centreWithCoordinator(['primary']);
    const other = await centreWithTeacher({ sites: ['primary'] });
    await api('POST', userPath(other.centreId, other.user.userId, 'suspend'), {
      token: other.coordinatorToken,
    });

    const unknown = await api('DELETE', userPath(centre.centreId, 'no-such-user'), {
      token: centre.tokens.accessToken,
    });
    const foreign = await api('DELETE', userPath(centre.centreId, other.user.userId), {
      token: centre.tokens.accessToken,
    });

    expect(problemOf(unknown)).toEqual(problem(404, 'NOT_FOUND'));
    expect(problemOf(foreign)).toEqual(problem(404, 'NOT_FOUND'));
    const still = await api('GET', userPath(other.centreId, other.user.userId), {
      token: other.coordinatorToken,
    });
    expect(still.json.status).toBe('suspended');
  });
});

describe('GET /centres/{centreId}/operations/{operationId}', () => {
  it("answers another centre's coordinator, an unknown id and a malformed id with 404 NOT_FOUND", async () => {
    // Arrange: a finished deletion in one centre
    const centre = await centreWithTeacher({ sites: ['primary'] });
    await api('POST', userPath(centre.centreId, centre.user.userId, 'suspend'), {
      token: centre.coordinatorToken,
    });
    const deletion = await api('DELETE', userPath(centre.centreId, centre.user.userId), {
      token: centre.coordinatorToken,
    });
    const operationId = deletion.json.operationId as string;
    await waitForOperation(centre.centreId, operationId, centre.coordinatorToken);
    const other = await centreWithCoordinator(['primary']);

    // Act
    const otherCoordinator = await api(
      'GET',
      `/centres/${centre.centreId}/operations/${operationId}`,
      {
        token: other.tokens.accessToken,
      },
    );
    const underOtherCentre = await api(
      'GET',
      `/centres/${other.centreId}/operations/${operationId}`,
      { token: other.tokens.accessToken },
    );
    const unknown = await api(
      'GET',
      `/centres/${centre.centreId}/operations/0000000000zzzzzzzzzzzz`,
      {
        token: centre.coordinatorToken,
      },
    );
    const malformed = await api('GET', `/centres/${centre.centreId}/operations/NOT_AN_ID!`, {
      token: centre.coordinatorToken,
    });
    const asSupport = await api('GET', `/centres/${centre.centreId}/operations/${operationId}`, {
      token: other.supportToken,
    });

    // Assert
    expect(problemOf(otherCoordinator)).toEqual(problem(404, 'NOT_FOUND'));
    expect(problemOf(underOtherCentre)).toEqual(problem(404, 'NOT_FOUND'));
    expect(problemOf(unknown)).toEqual(problem(404, 'NOT_FOUND'));
    expect(problemOf(malformed)).toEqual(problem(404, 'NOT_FOUND'));
    expect(asSupport.status).toBe(200);
    expect(asSupport.json.operationId).toBe(operationId);
  });
});
