/**
 * Issue 3, "Must show" 3: a coordinator edits a user's email (unique; the login changes and
 * the old address gets a notice), admin rights and site ticks (eligible only). `name` in the
 * body is refused with 403 NAME_CHANGE_FORBIDDEN. Every refusal changes nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  activeUser,
  addUser,
  api,
  auditOf,
  centreWithCoordinator,
  defaultPassword,
  emailsTo,
  hub,
  lastEmailTo,
  nextEmailTo,
  noreplyAddress,
  problem,
  problemOf,
  secretLine,
  tryLogin,
  uniqueEmail,
  usersOf,
} from '../support/hub.js';

const patch = (centreId: string, userId: string, token: string, body: unknown) =>
  api('PATCH', `/centres/${centreId}/users/${userId}`, { token, body });
const getUser = async (centreId: string, userId: string, token: string) =>
  (await api('GET', `/centres/${centreId}/users/${userId}`, { token })).json;

describe('editing a user: email', () => {
  it('changes the email: the new email signs in, the old one no longer does, and the old address gets a notice from noreply', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator();
    const token = tokens.accessToken;
    const { user } = await activeUser(centreId, token, { name: 'Mary Somerville' });
    const newEmail = uniqueEmail('renamed');
    const seenByOld = (await emailsTo(user.email)).length;

    // Act
    const answer = await patch(centreId, user.userId, token, {
      email: `  ${newEmail.toUpperCase()} `,
    });

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      userId: user.userId,
      email: newEmail,
      name: 'Mary Somerville',
      isAdmin: false,
      status: 'active',
    });
    expect(await getUser(centreId, user.userId, token)).toEqual(answer.json);

    const withNew = await tryLogin(newEmail, defaultPassword);
    expect(withNew.status).toBe(200);
    expect(withNew.json.accessToken).toEqual(expect.any(String));
    expect((await api('GET', '/me', { token: withNew.json.accessToken })).json.email).toBe(
      newEmail,
    );
    const withOld = await tryLogin(user.email, defaultPassword);
    expect(problemOf(withOld)).toEqual(problem(401, 'INVALID_CREDENTIALS'));

    const notice = await nextEmailTo(user.email, seenByOld);
    expect(notice.from).toBe(noreplyAddress);
    expect(notice.text).toContain(newEmail);
    expect(notice.text).not.toMatch(/Temporary password:|Verification code:/);

    expect((await usersOf(centreId, token, `q=${newEmail}`)).map((u) => u.userId)).toEqual([
      user.userId,
    ]);
    expect(await usersOf(centreId, token, `q=${user.email}`)).toEqual([]);
    // The old address is free again: another user may be added with it.
    const reuse = await addUser(centreId, token, { name: 'New Owner', email: user.email });
    expect(reuse.email).toBe(user.email);
  });

  it('changes the email of an invited user, who then accepts the invitation with the new email', async () => {
    const { centreId, tokens } = await centreWithCoordinator();
    const user = await addUser(centreId, tokens.accessToken);
    const temporary = secretLine((await lastEmailTo(user.email)).text, 'Temporary password');
    const newEmail = uniqueEmail('invitedrenamed');

    const answer = await patch(centreId, user.userId, tokens.accessToken, { email: newEmail });

    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ email: newEmail, status: 'invited' });
    const challenge = await tryLogin(newEmail, temporary);
    expect(challenge.json?.challenge).toBe('NEW_PASSWORD_REQUIRED');
    expect((await tryLogin(user.email, temporary)).status).toBe(401);
  });

  it.each<[string, (setup: Awaited<ReturnType<typeof centreWithCoordinator>>) => Promise<string>]>([
    [
      'a user of the same centre',
      async ({ centreId, tokens }) => (await addUser(centreId, tokens.accessToken)).email,
    ],
    ['the coordinator of another centre', async () => (await centreWithCoordinator()).email],
    ['the support account', async () => hub().support.email.toUpperCase()],
  ])(
    'refuses an email used by %s with 409 EMAIL_TAKEN and changes nothing',
    async (_owner, takenEmail) => {
      // Arrange
      const centre = await centreWithCoordinator();
      const token = centre.tokens.accessToken;
      const { user } = await activeUser(centre.centreId, token);
      const taken = await takenEmail(centre);
      const before = await getUser(centre.centreId, user.userId, token);
      const auditBefore = await auditOf(centre.centreId, token);
      const seenByUser = (await emailsTo(user.email)).length;

      // Act
      const answer = await patch(centre.centreId, user.userId, token, { email: taken });

      // Assert
      expect(problemOf(answer)).toEqual(problem(409, 'EMAIL_TAKEN'));
      expect(await getUser(centre.centreId, user.userId, token)).toEqual(before);
      expect((await tryLogin(user.email, defaultPassword)).status).toBe(200);
      expect(await auditOf(centre.centreId, token)).toEqual(auditBefore);
      expect(await emailsTo(user.email)).toHaveLength(seenByUser);
    },
  );

  it('answers the user unchanged, and sends no notice, when the email is set to its own value', async () => {
    const { centreId, tokens } = await centreWithCoordinator();
    const { user } = await activeUser(centreId, tokens.accessToken);
    const before = await getUser(centreId, user.userId, tokens.accessToken);
    const seen = (await emailsTo(user.email)).length;

    const answer = await patch(centreId, user.userId, tokens.accessToken, {
      email: user.email.toUpperCase(),
    });

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(before);
    expect(await emailsTo(user.email)).toHaveLength(seen);
  });
});

describe('editing a user: admin rights', () => {
  it('grants admin rights, which open the coordinator routes to the user, and revokes them again', async () => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator();
    const token = tokens.accessToken;
    const teacher = await activeUser(centreId, token);
    const asTeacher = () =>
      api('GET', `/centres/${centreId}/users`, { token: teacher.tokens.accessToken });
    expect((await asTeacher()).status).toBe(403);

    // Act: grant
    const granted = await patch(centreId, teacher.user.userId, token, { isAdmin: true });

    // Assert
    expect(granted.status).toBe(200);
    expect(granted.json.isAdmin).toBe(true);
    expect((await asTeacher()).status).toBe(200);
    expect((await usersOf(centreId, token, 'role=admin')).map((u) => u.userId)).toContain(
      teacher.user.userId,
    );

    // Act: revoke
    const revoked = await patch(centreId, teacher.user.userId, token, { isAdmin: false });

    // Assert
    expect(revoked.status).toBe(200);
    expect(revoked.json.isAdmin).toBe(false);
    const refused = await asTeacher();
    expect(problemOf(refused)).toEqual(problem(403, 'FORBIDDEN'));
    expect((await usersOf(centreId, token, 'role=admin')).map((u) => u.userId)).not.toContain(
      teacher.user.userId,
    );
  });
});

describe('editing a user: sites', () => {
  it('ticks and unticks eligible sites', async () => {
    const { centreId, tokens } = await centreWithCoordinator(['primary', 'lower-secondary']);
    const user = await addUser(centreId, tokens.accessToken);

    const both = await patch(centreId, user.userId, tokens.accessToken, {
      sites: ['lower-secondary', 'primary'],
    });
    expect(both.status).toBe(200);
    expect([...both.json.sites].sort()).toEqual(['lower-secondary', 'primary']);
    const none = await patch(centreId, user.userId, tokens.accessToken, { sites: [] });
    expect(none.status).toBe(200);
    expect(none.json.sites).toEqual([]);
    expect((await getUser(centreId, user.userId, tokens.accessToken)).sites).toEqual([]);
  });

  it.each([
    ['a site the centre is not eligible for', { sites: ['primary', 'advanced'] }],
    ['an ineligible site with a valid admin change', { sites: ['upper-secondary'], isAdmin: true }],
  ])('refuses %s with 400 SITE_NOT_ELIGIBLE and changes nothing', async (_case, body) => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator(['primary']);
    const user = await addUser(centreId, tokens.accessToken, { sites: ['primary'] });
    const before = await getUser(centreId, user.userId, tokens.accessToken);
    const auditBefore = await auditOf(centreId, tokens.accessToken);

    // Act
    const answer = await patch(centreId, user.userId, tokens.accessToken, body);

    // Assert
    expect(problemOf(answer)).toEqual(problem(400, 'SITE_NOT_ELIGIBLE'));
    expect(await getUser(centreId, user.userId, tokens.accessToken)).toEqual(before);
    expect(await auditOf(centreId, tokens.accessToken)).toEqual(auditBefore);
  });
});

describe('editing a user: the name belongs to the user', () => {
  it.each([
    ['a new name', { name: 'Someone Else' }],
    ['a new name with a valid admin change', { name: 'Someone Else', isAdmin: true }],
    ['a new name with a valid email change', { name: 'Someone Else', email: 'x@school.example' }],
    ['the same name', { name: 'Ada Lovelace' }],
  ])('refuses %s with 403 NAME_CHANGE_FORBIDDEN and changes nothing', async (_case, body) => {
    // Arrange
    const { centreId, tokens } = await centreWithCoordinator();
    const user = await addUser(centreId, tokens.accessToken, { name: 'Ada Lovelace' });
    const before = await getUser(centreId, user.userId, tokens.accessToken);
    const auditBefore = await auditOf(centreId, tokens.accessToken);

    // Act
    const answer = await patch(centreId, user.userId, tokens.accessToken, body);

    // Assert
    expect(problemOf(answer)).toEqual(problem(403, 'NAME_CHANGE_FORBIDDEN'));
    expect(await getUser(centreId, user.userId, tokens.accessToken)).toEqual(before);
    expect(await auditOf(centreId, tokens.accessToken)).toEqual(auditBefore);
  });

  it('refuses a name change by support too', async () => {
    const { centreId, tokens, supportToken } = await centreWithCoordinator();
    const user = await addUser(centreId, tokens.accessToken, { name: 'Ada Lovelace' });
    const answer = await patch(centreId, user.userId, supportToken, { name: 'Renamed' });
    expect(answer.status).toBe(403);
    expect(answer.json.code).toBe('NAME_CHANGE_FORBIDDEN');
    expect((await getUser(centreId, user.userId, tokens.accessToken)).name).toBe('Ada Lovelace');
  });
});
