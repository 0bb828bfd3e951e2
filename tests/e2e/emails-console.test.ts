/**
 * Issue 9, "Emails lead to the console": real emails, read from the local inbox
 * (aws-ses-v2-local's GET /store), each from noreply with a text part and an HTML part that
 * lead to the console of this environment (the local stack's CONSOLE_URL): an invitation, a
 * password-reset code (Cognito's email, through the CustomMessage trigger and the relay) asked
 * for by the user and by their coordinator, and a notice.
 */
import { describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  api,
  centreWithTeacher,
  emailsArrived,
  emailsTo,
  hub,
  nextEmailTo,
  noreplyAddress,
  secretLine,
  signIn,
  supportToken,
  uniqueCentreId,
  uniqueEmail,
  userPath,
} from '../support/hub.js';

const consoleUrl = () => hub().environment.CONSOLE_URL as string;

interface Stored {
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

/** The newest email to an address as GET /store holds it: both parts as they were sent. */
async function storedEmailTo(address: string) {
  // Emails go through the outbox: they land a moment after the answer.
  await emailsArrived(address, 1);
  const store = (await (await fetch(`${hub().mailEndpoint}/store`)).json()) as {
    emails: Stored[];
  };
  const emails = store.emails.filter((email) => email.destination.to.includes(address));
  const email = emails[emails.length - 1];
  if (!email) throw new Error(`No email to ${address} in the store`);
  return { ...email, text: email.body.text ?? '', html: email.body.html ?? '' };
}

/** What every email's HTML part must be: a small complete document with one heading and link. */
function expectAccessibleHtml(html: string, subject: string, link: string, href: string) {
  expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
  expect(html).toContain('<meta charset="utf-8">');
  expect(html).toContain(`<title>${subject}</title>`);
  expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
  expect(html.match(/<a\s/g)).toHaveLength(1);
  expect(html).toContain(`<a href="${href}"`);
  expect(html).toMatch(new RegExp(`>${link}</a>`));
  expect(html).not.toMatch(/<(img|script)[\s>]/i);
}

const forgotten = (email: string) => api('POST', '/auth/forgotten-password', { body: { email } });

describe('emails lead to the console', () => {
  it('an invitation: the temporary password alone on a line, both parts leading to sign-in with the email filled in, names escaped in HTML', async () => {
    // Arrange
    const email = uniqueEmail('ann+coordinator');
    const centreId = uniqueCentreId();

    // Act
    const created = await api('POST', '/support/centres', {
      token: await supportToken(),
      body: {
        centreId,
        name: 'Riverside & "Sons"',
        eligibleSites: ['primary'],
        coordinator: { name: 'Ann & "Bo" O\'Neil', email },
      },
    });

    // Assert
    expect(created.status).toBe(201);
    const invitation = await storedEmailTo(email);
    expect(invitation.from).toBe(noreplyAddress);
    const href = `${consoleUrl()}/sign-in?email=${encodeURIComponent(email)}`;
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sign-in\?email=ann%2Bcoordinator\./);
    const password = secretLine(invitation.text, 'Temporary password');
    expect(invitation.text.split('\n')).toContain(`Sign in to the School Support Hub: ${href}`);
    expectAccessibleHtml(
      invitation.html,
      invitation.subject,
      'Sign in to the School Support Hub',
      href,
    );
    expect(invitation.html).toContain(`<strong>Temporary password: ${password}</strong>`);
    expect(invitation.html).toContain('Hello Ann &amp; &quot;Bo&quot; O&#39;Neil,');
    expect(invitation.html).toContain('Riverside &amp; &quot;Sons&quot;');
    expect(invitation.text).toContain('Hello Ann & "Bo" O\'Neil,');
    // The password the email shows is the one that works.
    expect((await acceptInvitation(email)).accessToken).toBeTruthy();
  });

  it.each([
    ['the user asks for it', 'self'],
    ["the coordinator's Reset password", 'coordinator'],
  ] as const)(
    'a password-reset code (%s): Cognito’s email, with both parts, leads to the reset page for the address, and its code sets a new password',
    async (_, who) => {
      // Arrange
      const { centreId, coordinatorToken, user } = await centreWithTeacher();
      const seen = (await emailsTo(user.email)).length;

      // Act
      const asked =
        who === 'self'
          ? await forgotten(user.email)
          : await api('POST', userPath(centreId, user.userId, 'password-reset'), {
              token: coordinatorToken,
            });

      // Assert
      expect(asked.status).toBe(202);
      await nextEmailTo(user.email, seen, 10_000);
      const email = await storedEmailTo(user.email);
      expect(email.from).toBe(noreplyAddress);
      expect(email.subject).toBe('Reset your School Support Hub password');
      const href = `${consoleUrl()}/reset-password?email=${encodeURIComponent(user.email)}`;
      const code = secretLine(email.text, 'Verification code');
      expect(code).toMatch(/^\d+$/);
      expect(email.text.split('\n')).toContain(
        `Enter your code and choose a new password: ${href}`,
      );
      expectAccessibleHtml(
        email.html,
        email.subject,
        'Enter your code and choose a new password',
        href,
      );
      expect(email.html).toContain(`<strong>Verification code: ${code}</strong>`);
      // The code the email shows is the one that works.
      const reset = await api('POST', '/auth/reset-password', {
        body: { email: user.email, code, newPassword: 'Console-Linked-77' },
      });
      expect(reset.status).toBe(204);
      expect((await signIn(user.email, 'Console-Linked-77')).accessToken).toBeTruthy();
    },
  );

  it('a notice: no secret, both parts leading to the sign-in page', async () => {
    // Arrange
    const { centreId, coordinatorToken, user: teacher } = await centreWithTeacher();
    const seen = (await emailsTo(teacher.email)).length;

    // Act
    const suspended = await api('POST', userPath(centreId, teacher.userId, 'suspend'), {
      token: coordinatorToken,
    });

    // Assert
    expect(suspended.status).toBe(200);
    await nextEmailTo(teacher.email, seen, 10_000);
    const notice = await storedEmailTo(teacher.email);
    expect(notice.from).toBe(noreplyAddress);
    const href = `${consoleUrl()}/sign-in`;
    expect(notice.text.split('\n')).toContain(`The School Support Hub sign-in page: ${href}`);
    expectAccessibleHtml(notice.html, notice.subject, 'The School Support Hub sign-in page', href);
    expect(`${notice.text}\n${notice.html}`).not.toMatch(/Temporary password|Verification code/);
  });
});
