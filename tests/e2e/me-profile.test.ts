/**
 * Issue 4, "Must show" 1: GET /me, PATCH /me changes the user's own name (and only the name);
 * isAdmin or sites → 403 ACCESS_CHANGE_FORBIDDEN, because access rights come from the
 * coordinator. Bad bodies → 400 VALIDATION_FAILED. Every refusal changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { api, auditOf, centreWithTeacher, problem, problemOf, usersOf } from '../support/hub.js';

describe('GET /me', () => {
  it('answers the signed-in user as a user object', async () => {
    // Arrange
    const { centreId, user, tokens } = await centreWithTeacher({ sites: ['primary'] });

    // Act
    const me = await api('GET', '/me', { token: tokens.accessToken });

    // Assert
    expect(me.status).toBe(200);
    expect(me.headers.get('content-type')).toMatch(/^application\/json/);
    expect(me.json).toEqual({
      userId: user.userId,
      centreId,
      name: user.name,
      email: user.email,
      isAdmin: false,
      sites: ['primary'],
      status: 'active',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('refuses a request without a token with 401 UNAUTHENTICATED', async () => {
    const answer = await api('GET', '/me');
    expect(problemOf(answer)).toEqual(problem(401, 'UNAUTHENTICATED'));
  });
});

describe('PATCH /me', () => {
  it('changes the name; GET /me and the coordinator both see the new name', async () => {
    // Arrange
    const { centreId, coordinatorToken, user, tokens } = await centreWithTeacher();

    // Act
    const changed = await api('PATCH', '/me', {
      token: tokens.accessToken,
      body: { name: '  Augusta Ada King  ' },
    });

    // Assert
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({
      userId: user.userId,
      name: 'Augusta Ada King',
      email: user.email,
    });
    const me = await api('GET', '/me', { token: tokens.accessToken });
    expect(me.json.name).toBe('Augusta Ada King');
    const seenByCoordinator = await api('GET', `/centres/${centreId}/users/${user.userId}`, {
      token: coordinatorToken,
    });
    expect(seenByCoordinator.status).toBe(200);
    expect(seenByCoordinator.json.name).toBe('Augusta Ada King');
    const found = await usersOf(centreId, coordinatorToken, 'q=augusta');
    expect(found.map((u) => u.userId)).toContain(user.userId);
    const audit = await auditOf(centreId, coordinatorToken);
    const entry = audit.find(
      (e) => e.targetId === user.userId && JSON.stringify(e.details).includes('Augusta Ada King'),
    );
    expect(entry, JSON.stringify(audit.slice(0, 3))).toMatchObject({ actorId: user.userId });
  });

  it('answers 200 and changes nothing for an empty body object', async () => {
    const { tokens } = await centreWithTeacher();
    const before = await api('GET', '/me', { token: tokens.accessToken });

    const answer = await api('PATCH', '/me', { token: tokens.accessToken, body: {} });

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ name: before.json.name, email: before.json.email });
  });

  it.each([
    ['isAdmin', { isAdmin: true }],
    ['sites', { sites: ['primary', 'lower-secondary'] }],
    ['isAdmin beside a name', { name: 'Someone Else', isAdmin: true }],
    ['sites beside a name', { name: 'Someone Else', sites: [] }],
  ])('refuses %s with 403 ACCESS_CHANGE_FORBIDDEN and changes nothing', async (_case, body) => {
    // Arrange
    const { tokens } = await centreWithTeacher({ sites: ['primary'] });
    const before = await api('GET', '/me', { token: tokens.accessToken });

    // Act
    const answer = await api('PATCH', '/me', { token: tokens.accessToken, body });

    // Assert
    expect(problemOf(answer)).toEqual(problem(403, 'ACCESS_CHANGE_FORBIDDEN'));
    const after = await api('GET', '/me', { token: tokens.accessToken });
    expect(after.json).toEqual(before.json);
    expect(after.json).toMatchObject({ isAdmin: false, sites: ['primary'] });
  });

  it.each<[string, unknown, string]>([
    ['an unknown field', { name: 'Ada', nickname: 'Countess' }, 'nickname'],
    ['an empty name', { name: '' }, 'name'],
    ['a name of spaces only', { name: '   ' }, 'name'],
    ['a name that is a number', { name: 42 }, 'name'],
    ['a name of 101 characters', { name: 'N'.repeat(101) }, 'name'],
    ['a name with angle brackets', { name: '<b>Ada</b>' }, 'name'],
    ['a status', { status: 'suspended' }, 'status'],
    ['an email', { email: 'other@school.example' }, 'email'],
  ])(
    'refuses %s with 400 VALIDATION_FAILED naming it, and changes nothing',
    async (_case, body, field) => {
      // Arrange
      const { tokens } = await centreWithTeacher();
      const before = await api('GET', '/me', { token: tokens.accessToken });

      // Act
      const answer = await api('PATCH', '/me', { token: tokens.accessToken, body });

      // Assert
      expect(problemOf(answer)).toEqual(problem(400, 'VALIDATION_FAILED'));
      const errors = answer.json.errors as { path: string; message: string }[];
      expect(
        errors.some((error) => error.path === field || error.message.includes(field)),
        JSON.stringify(errors),
      ).toBe(true);
      const after = await api('GET', '/me', { token: tokens.accessToken });
      expect(after.json).toEqual(before.json);
    },
  );
});
