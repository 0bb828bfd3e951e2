/**
 * Issue 12 item 12: the outbox's sender when SES says no. Through the HTTP API against the
 * local stack, whose SES endpoint is a front that refuses the sends to an address a test
 * names (infra/local/emulators/ses-faults.ts) with SES's own error documents, so the real
 * AWS SDK, the real sender and the real stream retries answer them:
 *
 * - MessageRejected (permanent): tried once, never again; the user shows `emailStatus: failed`
 *   and is listed under email=problem. Resend invitation, once the cause is gone, sends a
 *   working invitation and clears it.
 * - Throttling beyond the SDK's own three attempts: the sender waits and sends again; the
 *   email arrives exactly once.
 * - ServiceUnavailable for one invocation: the stream gives the record again; exactly once.
 * - ServiceUnavailable for good: given up after the sender's attempts, recorded on the user.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  clearSesFault,
  injectSesFault,
  type SesFaultCode,
  sesSendsTo,
} from '../../infra/local/emulators/ses-faults.js';
import {
  acceptInvitation,
  activeUser,
  addUser,
  api,
  centreWithCoordinator,
  emailMatching,
  emailsAfter,
  emailsArrived,
  emailsTo,
  hub,
  sleep,
  uniqueEmail,
  userPath,
  usersOf,
} from '../support/hub.js';

let centre: Awaited<ReturnType<typeof centreWithCoordinator>>;
let token: string;
const front = () => hub().environment.AWS_ENDPOINT_URL_SES as string;
const refuse = (to: string, code: SesFaultCode, times?: number) =>
  injectSesFault(front(), { to, code, times });

beforeAll(async () => {
  centre = await centreWithCoordinator(['primary']);
  token = centre.tokens.accessToken;
});

const userOf = async (userId: string) =>
  (await api('GET', userPath(centre.centreId, userId), { token })).json as {
    emailStatus?: { problem: string; detail?: string };
  };

/** The user once `done` holds of them (the sender works after the answer). */
async function userOnce(
  userId: string,
  done: (user: Awaited<ReturnType<typeof userOf>>) => boolean,
) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const user = await userOf(userId);
    if (done(user)) return user;
    if (Date.now() > deadline) throw new Error(`user ${userId} stayed ${JSON.stringify(user)}`);
    await sleep(200);
  }
}

/** SES's sends to `to` since `before` (the invitation that made the user active went too). */
const sendsSince = async (to: string, before: { attempts: number; refused: number }) => {
  const now = await sesSendsTo(front(), to);
  return { attempts: now.attempts - before.attempts, refused: now.refused - before.refused };
};

/** Waits until SES has been asked `count` more times to send to `to`. */
async function sendsReached(
  to: string,
  before: { attempts: number; refused: number },
  count: number,
) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const seen = await sendsSince(to, before);
    if (seen.attempts >= count || Date.now() > deadline) return seen;
    await sleep(100);
  }
}

describe('an email SES rejects (MessageRejected)', () => {
  it('is tried once, shows on the user as not sent, and Resend invitation clears it once it goes', async () => {
    // Arrange: SES will reject every email to this address.
    const email = uniqueEmail('rejected').toLowerCase();
    await refuse(email, 'MessageRejected');

    // Act: the coordinator adds the user; the invitation is refused.
    const user = await addUser(centre.centreId, token, { name: 'Rita Rejected', email });
    const failed = await userOnce(user.userId, (u) => u.emailStatus !== undefined);

    // Assert: recorded on the user, tried exactly once (no retry can cure a rejection).
    expect(failed.emailStatus).toEqual({
      problem: 'failed',
      at: expect.any(String),
      detail: 'MessageRejected',
    });
    await sleep(1_000);
    expect(await sesSendsTo(front(), email)).toEqual({ attempts: 1, refused: 1 });
    expect(await emailsTo(email)).toEqual([]);
    const problems = await usersOf(centre.centreId, token, 'email=problem');
    expect(problems.map((listed) => listed.userId)).toContain(user.userId);

    // The cause is fixed; the coordinator resends the invitation.
    await clearSesFault(front(), email);
    const resent = await api('POST', userPath(centre.centreId, user.userId, 'invitation'), {
      token,
    });
    expect(resent.status).toBe(202);
    await emailMatching(email, /^Temporary password: /m);
    const cleared = await userOnce(user.userId, (u) => u.emailStatus === undefined);
    expect(cleared).not.toHaveProperty('emailStatus');
    // The password of the email that went is the one that works.
    await expect(acceptInvitation(email)).resolves.toHaveProperty('accessToken');
  });
});

/** An active teacher whose emails SES will refuse with `code` (the next `times`, or all). */
async function teacherRefused(name: string, code: SesFaultCode, times?: number) {
  const { user } = await activeUser(centre.centreId, token, { name });
  const seen = (await emailsTo(user.email)).length;
  const before = await sesSendsTo(front(), user.email);
  await refuse(user.email, code, times);
  return { user, seen, before };
}

const suspend = (userId: string) =>
  api('POST', userPath(centre.centreId, userId, 'suspend'), { token });

describe('SES throttling and unavailable for a while', () => {
  it.each([
    // The SDK tries 3 times; the sender waits (1 s) and sends again.
    ['throttled past the SDK’s own retries: the sender waits', 'Throttling', 4, 5],
    // The SDK's three attempts all answered 503: the stream gives the record again.
    [
      'unavailable for one invocation: the stream gives the email again',
      'ServiceUnavailable',
      3,
      4,
    ],
  ] as const)('%s, and the email arrives once', async (_case, code, refusals, attempts) => {
    // Arrange
    const { user, seen, before } = await teacherRefused(`Ted ${code}`, code, refusals);

    // Act
    const suspended = await suspend(user.userId);

    // Assert
    expect(suspended.status).toBe(200);
    const [notice] = (await emailsArrived(user.email, seen + 1)).slice(seen);
    expect(notice?.subject).toMatch(/suspended/i);
    expect(await emailsAfter(user.email, seen)).toHaveLength(1);
    expect(await sendsSince(user.email, before)).toEqual({ attempts, refused: refusals });
    expect(await userOf(user.userId)).not.toHaveProperty('emailStatus');
  });

  it('unavailable for good: given up after the sender’s attempts and shown on the user as not sent', async () => {
    // Arrange
    const { user, seen, before } = await teacherRefused('Gus Given-up', 'ServiceUnavailable');

    // Act
    const suspended = await suspend(user.userId);

    // Assert: 5 sender attempts (functions/outbox/index.ts), each the SDK's 3 tries.
    expect(suspended.status).toBe(200);
    const failed = await userOnce(user.userId, (u) => u.emailStatus !== undefined);
    expect(failed.emailStatus).toEqual({
      problem: 'failed',
      at: expect.any(String),
      detail: 'ServiceUnavailable',
    });
    expect(await sendsReached(user.email, before, 15)).toEqual({ attempts: 15, refused: 15 });
    await sleep(1_000);
    expect((await sendsSince(user.email, before)).attempts).toBe(15);
    expect(await emailsTo(user.email)).toHaveLength(seen);
    await clearSesFault(front(), user.email);
  });
});
