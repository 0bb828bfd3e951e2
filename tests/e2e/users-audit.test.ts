/**
 * Issue 3, "Must show" 8: every change is in the centre's audit log (who, what, when,
 * target, before/after of the changed fields), and GET /centres/{id}/audit pages it newest
 * first.
 */
import { describe, expect, it } from 'vitest';
import {
  addUser,
  allPages,
  api,
  auditOf,
  centreWithCoordinator,
  hub,
  problem,
  problemOf,
  uniqueEmail,
  userPath,
} from '../support/hub.js';

describe('the audit log', () => {
  it('lists add, edit, suspend and restore newest first, with actor, action, target and before/after of the changed fields', async () => {
    // Arrange
    const { centreId, tokens, coordinator } = await centreWithCoordinator(['primary']);
    const token = tokens.accessToken;
    const startedAt = new Date(Date.now() - 1_000).toISOString();

    // Act
    const user = await addUser(centreId, token, { name: 'Audited User' });
    const edited = await api('PATCH', userPath(centreId, user.userId), {
      token,
      body: { isAdmin: true, sites: ['primary'] },
    });
    const suspended = await api('POST', userPath(centreId, user.userId, 'suspend'), { token });
    const restored = await api('POST', userPath(centreId, user.userId, 'restore'), { token });
    expect([edited.status, suspended.status, restored.status]).toEqual([200, 200, 200]);

    // Assert
    const log = await auditOf(centreId, token);
    const [restore, suspend, edit, add] = log;
    for (const entry of [restore, suspend, edit, add]) {
      expect(entry).toMatchObject({ actorId: coordinator.userId, targetId: user.userId });
      expect(Date.parse(entry?.at as string)).not.toBeNaN();
      expect((entry?.at as string) >= startedAt).toBe(true);
    }
    expect(add?.action).toMatch(/invit|add|creat/i);
    expect(add?.details.after).toMatchObject({
      name: 'Audited User',
      email: user.email,
      isAdmin: false,
    });
    expect(edit?.action).toMatch(/edit|updat|chang/i);
    expect(edit?.details).toMatchObject({
      before: { isAdmin: false, sites: [] },
      after: { isAdmin: true, sites: ['primary'] },
    });
    // Only changed fields: the name and email did not change.
    expect(Object.keys(edit?.details.before ?? {}).sort()).toEqual(['isAdmin', 'sites']);
    expect(suspend?.action).toMatch(/suspend/i);
    expect(suspend?.details).toMatchObject({
      before: { status: 'invited' },
      after: { status: 'suspended' },
    });
    expect(restore?.action).toMatch(/restor/i);
    expect(restore?.details).toMatchObject({
      before: { status: 'suspended' },
      after: { status: 'invited' },
    });
    const times = log.map((entry) => entry.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('records an email change with the old and new address, and support as the actor when support acts', async () => {
    const { centreId, tokens, supportToken } = await centreWithCoordinator();
    const user = await addUser(centreId, tokens.accessToken);
    const newEmail = uniqueEmail('audited');

    const answer = await api('PATCH', userPath(centreId, user.userId), {
      token: supportToken,
      body: { email: newEmail },
    });

    expect(answer.status).toBe(200);
    const [latest] = await auditOf(centreId, tokens.accessToken);
    expect(latest).toMatchObject({
      actorId: hub().support.userId,
      targetId: user.userId,
      details: { before: { email: user.email }, after: { email: newEmail } },
    });
  });

  it('records password resets and resent invitations, newest first', async () => {
    const { centreId, tokens, coordinator } = await centreWithCoordinator();
    const user = await addUser(centreId, tokens.accessToken);

    await api('POST', userPath(centreId, user.userId, 'invitation'), {
      token: tokens.accessToken,
    });

    const [latest] = await auditOf(centreId, tokens.accessToken);
    expect(latest).toMatchObject({
      actorId: coordinator.userId,
      targetId: user.userId,
      action: expect.stringMatching(/invit/i),
    });
  });

  it('pages with limit and cursor, newest first, with no duplicates or omissions', async () => {
    // Arrange: about a dozen entries
    const { centreId, tokens } = await centreWithCoordinator();
    const token = tokens.accessToken;
    const user = await addUser(centreId, token);
    for (let i = 0; i < 4; i++) {
      await api('POST', userPath(centreId, user.userId, 'suspend'), { token });
      await api('POST', userPath(centreId, user.userId, 'restore'), { token });
    }
    const whole = await auditOf(centreId, token);
    expect(whole.length).toBeGreaterThanOrEqual(9);

    // Act
    const { items, sizes } = await allPages(`/centres/${centreId}/audit`, token, 2);

    // Assert
    expect(sizes.every((size) => size <= 2)).toBe(true);
    expect(sizes.length).toBeGreaterThanOrEqual(5);
    expect(items).toEqual(whole);
    const first = await api('GET', `/centres/${centreId}/audit?limit=1`, { token });
    expect(first.json.items).toEqual([whole[0]]);
    expect(first.json.nextCursor).toEqual(expect.any(String));
  });

  it.each([
    ['a cursor that is not one of ours', 'cursor=garbage'],
    ['limit=0', 'limit=0'],
    ['limit=101', 'limit=101'],
    ['an unknown query parameter', 'order=oldest'],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_case, query) => {
    const { centreId, tokens } = await centreWithCoordinator();
    const answer = await api('GET', `/centres/${centreId}/audit?${query}`, {
      token: tokens.accessToken,
    });
    expect(problemOf(answer)).toEqual(problem(400, 'VALIDATION_FAILED'));
  });

  it("refuses a cursor taken from another centre's audit log with 400", async () => {
    const mine = await centreWithCoordinator();
    const theirs = await centreWithCoordinator();
    await addUser(theirs.centreId, theirs.tokens.accessToken);
    const page = await api('GET', `/centres/${theirs.centreId}/audit?limit=1`, {
      token: theirs.tokens.accessToken,
    });
    const answer = await api(
      'GET',
      `/centres/${mine.centreId}/audit?limit=1&cursor=${encodeURIComponent(page.json.nextCursor)}`,
      { token: mine.tokens.accessToken },
    );
    expect(problemOf(answer).status).toBe(400);
    expect(problemOf(answer).code).toBe('VALIDATION_FAILED');
  });
});
