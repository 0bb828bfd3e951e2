/**
 * Issue 11, item 8: nobody can flood an inbox through the hub. The coordinator's Reset
 * password and Resend invitation, and POST /me/email, send at most a few emails an hour per
 * target (the user; the new address; and per caller for /me/email): the presses after that
 * answer 429 RATE_LIMITED problem+json with Retry-After, and send nothing. Counted in the
 * local inbox.
 */
import { describe, expect, it } from 'vitest';
import { limits } from '../../functions/core/data/rate-limit.js';
import {
  type Answer,
  addUser,
  api,
  centreWithTeacher,
  emailsAfter,
  emailsArrived,
  emailsTo,
  problem,
  problemOf,
  uniqueEmail,
  userPath,
} from '../support/hub.js';

const expectRateLimited = (answer: Answer) => {
  expect(problemOf(answer)).toEqual(problem(429, 'RATE_LIMITED'));
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 3600).toBe(true);
};

/** Presses one after the other (as a person would), answering every answer. */
async function press(times: number, once: (i: number) => Promise<Answer>) {
  const answers: Answer[] = [];
  for (let i = 0; i < times; i++) answers.push(await once(i));
  return answers;
}

const statuses = (answers: Answer[]) => answers.map((answer) => answer.status);

describe('emails the hub sends on request are limited per target', () => {
  it(`sends the coordinator's Reset password ${limits.accountEmails.attempts} times to one user, then refuses with 429; another user is not affected`, async () => {
    // Arrange
    const { centreId, coordinatorToken, user } = await centreWithTeacher();
    const seen = (await emailsTo(user.email)).length;
    const limit = limits.accountEmails.attempts;
    const reset = (userId: string) =>
      api('POST', userPath(centreId, userId, 'password-reset'), { token: coordinatorToken });

    // Act
    const answers = await press(limit + 2, () => reset(user.userId));

    // Assert: N accepted, then refused; exactly N emails arrived
    expect(statuses(answers)).toEqual([...new Array(limit).fill(202), 429, 429]);
    for (const refused of answers.slice(limit)) expectRateLimited(refused);
    expect(await emailsAfter(user.email, seen)).toHaveLength(limit);
    const other = await addUser(centreId, coordinatorToken);
    expect((await reset(other.userId)).status).toBe(202);
  });

  it(`counts Resend invitation and Reset password of an invited user together: ${limits.accountEmails.attempts} invitations, then 429`, async () => {
    // Arrange
    const { centreId, coordinatorToken } = await centreWithTeacher();
    const invited = await addUser(centreId, coordinatorToken);
    // The first invitation arrives through the outbox, after the answer.
    const seen = (await emailsArrived(invited.email, 1)).length;
    const limit = limits.accountEmails.attempts;

    // Act: Resend invitation, then Reset password (which re-invites someone still invited)
    const answers = await press(limit + 2, (i) =>
      api('POST', userPath(centreId, invited.userId, i % 2 ? 'password-reset' : 'invitation'), {
        token: coordinatorToken,
      }),
    );

    // Assert
    expect(statuses(answers)).toEqual([...new Array(limit).fill(202), 429, 429]);
    for (const refused of answers.slice(limit)) expectRateLimited(refused);
    const sent = (await emailsArrived(invited.email, seen + limit)).slice(seen);
    expect(sent).toHaveLength(limit);
    expect(sent.every((email) => email.text.includes('Temporary password:'))).toBe(true);
  });

  it(`sends an email-change code to one address ${limits.emailChangeCodesTo.attempts} times, then refuses with 429, whoever asks`, async () => {
    // Arrange
    const first = await centreWithTeacher();
    const second = await centreWithTeacher();
    const target = uniqueEmail('flooded');
    const limit = limits.emailChangeCodesTo.attempts;
    const ask = (who: typeof first) =>
      api('POST', '/me/email', {
        token: who.tokens.accessToken,
        body: { newEmail: target, currentPassword: who.password },
      });

    // Act: two users share the presses to one address
    const answers = await press(limit + 2, (i) => ask(i % 2 ? second : first));

    // Assert
    expect(statuses(answers)).toEqual([...new Array(limit).fill(202), 429, 429]);
    for (const refused of answers.slice(limit)) expectRateLimited(refused);
    expect(await emailsAfter(target, 0)).toHaveLength(limit);
  });

  it(`lets one user ask for email-change codes to ${limits.emailChangeRequests.attempts} addresses, then refuses with 429`, async () => {
    // Arrange
    const { tokens, password } = await centreWithTeacher();
    const limit = limits.emailChangeRequests.attempts;
    const targets = Array.from({ length: limit + 1 }, () => uniqueEmail('spray'));

    // Act
    const answers = await press(limit + 1, (i) =>
      api('POST', '/me/email', {
        token: tokens.accessToken,
        body: { newEmail: targets[i], currentPassword: password },
      }),
    );

    // Assert
    expect(statuses(answers)).toEqual([...new Array(limit).fill(202), 429]);
    expectRateLimited(answers[limit] as Answer);
    expect(await emailsAfter(targets[limit] as string, 0)).toEqual([]);
    expect(await emailsTo(targets[0] as string)).toHaveLength(1);
  });
});
