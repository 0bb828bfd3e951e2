/**
 * Issue 9, "Emails lead to the console": every email carries the console's address for its
 * environment and an accessible HTML part beside the text part; the text part keeps a secret
 * alone on its line; anything a person typed (names, centre names, emails) is escaped.
 */
import { createRequire } from 'node:module';
import type { CustomMessageTriggerEvent } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  dataTransferredNotice,
  deletedNotice,
  emailChangedNotice,
  emailVerificationEmail,
  invitationEmail,
  restoredNotice,
  supportInvitationEmail,
  suspendedNotice,
  verificationCodeMessage,
} from '../../functions/core/emails.js';
import type { Email } from '../../functions/core/ports.js';
import { consoleUrl } from './fakes/index.js';

const { htmlToText } = createRequire(import.meta.url)(
  '../../infra/local/emulators/html-to-text.cjs',
) as { htmlToText: (html: string) => string };

const to = 'ann+bo@school.example';
const encodedTo = 'ann%2Bbo%40school.example';

interface Case {
  email: Omit<Email, 'to'>;
  link: string;
  href: string;
  secret?: string;
}

const cases: Record<string, Case> = {
  invitation: {
    email: invitationEmail(consoleUrl, {
      to,
      name: 'Ada',
      centreName: 'Riverside',
      temporaryPassword: 'Tmp4Pass9word2Xy',
    }),
    link: 'Sign in to the School Support Hub',
    href: `${consoleUrl}/sign-in?email=${encodedTo}`,
    secret: 'Temporary password: Tmp4Pass9word2Xy',
  },
  'support invitation (npm run ops)': {
    email: supportInvitationEmail(consoleUrl, {
      to,
      name: 'Ada',
      temporaryPassword: 'Tmp4Pass9word2Xy',
    }),
    link: 'Sign in to the School Support Hub',
    href: `${consoleUrl}/sign-in?email=${encodedTo}`,
    secret: 'Temporary password: Tmp4Pass9word2Xy',
  },
  'password reset code (Cognito)': {
    email: verificationCodeMessage(consoleUrl, 'reset', { code: '123456', email: to }),
    link: 'Enter your code and choose a new password',
    href: `${consoleUrl}/reset-password?email=${encodedTo}`,
    secret: 'Verification code: 123456',
  },
  'email verification code (Cognito)': {
    email: verificationCodeMessage(consoleUrl, 'verify', { code: '123456', email: to }),
    link: 'Enter your code on your School Support Hub profile',
    href: `${consoleUrl}/profile`,
    secret: 'Verification code: 123456',
  },
  'new email address code': {
    email: emailVerificationEmail(consoleUrl, to, 'Ada', '654321'),
    link: 'Enter your code on your School Support Hub profile',
    href: `${consoleUrl}/profile`,
    secret: 'Verification code: 654321',
  },
  'suspended notice': {
    email: suspendedNotice(consoleUrl, to, 'Ada', 'Riverside'),
    link: 'The School Support Hub sign-in page',
    href: `${consoleUrl}/sign-in`,
  },
  'restored notice': {
    email: restoredNotice(consoleUrl, to, 'Ada', 'Riverside'),
    link: 'Sign in to the School Support Hub',
    href: `${consoleUrl}/sign-in`,
  },
  'email changed notice': {
    email: emailChangedNotice(consoleUrl, to, 'Ada', 'ada@new.example'),
    link: 'The School Support Hub sign-in page',
    href: `${consoleUrl}/sign-in`,
  },
  'data transferred notice': {
    email: dataTransferredNotice(consoleUrl, to, 'Ada', 'Alan', 3),
    link: 'Sign in to the School Support Hub',
    href: `${consoleUrl}/sign-in`,
  },
  'deleted notice': {
    email: deletedNotice(consoleUrl, to, 'Ada', 'Riverside'),
    link: 'The School Support Hub sign-in page',
    href: `${consoleUrl}/sign-in`,
  },
};

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.each(Object.entries(cases))('the %s', (_, { email, link, href, secret }) => {
  it('has the console link as a line of its text part', () => {
    expect(email.text.split('\n')).toContain(`${link}: ${href}`);
  });

  it(secret ? 'has the secret alone on a line of its text part' : 'carries no secret', () => {
    if (secret) {
      expect(email.text).toMatch(new RegExp(`^${escapeRegExp(secret)}$`, 'm'));
    } else {
      expect(email.text).not.toMatch(/Temporary password:|Verification code:/);
      expect(email.html).not.toMatch(/Temporary password:|Verification code:/);
    }
  });

  it('has a complete, small, accessible HTML part', () => {
    const { html } = email;
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain(`<title>${email.subject}</title>`);
    expect(count(html, /<h1[\s>]/g)).toBe(1);
    expect(html).toMatch(new RegExp(`<h1[^>]*>${escapeRegExp(email.subject)}</h1>`));
    // The one link, its words saying where it goes.
    expect(count(html, /<a\s/g)).toBe(1);
    expect(html).toMatch(
      new RegExp(`<a href="${escapeRegExp(href)}"[^>]*>${escapeRegExp(link)}</a>`),
    );
    expect(html).not.toMatch(/click here/i);
    // Nothing fetched or run: no images, scripts, stylesheets or remote resources.
    expect(html).not.toMatch(/<(img|script|link|style|iframe|object)[\s>]/i);
    expect(html).not.toMatch(/\son\w+=/i);
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html.trimEnd().endsWith('</body>\n</html>')).toBe(true);
  });

  it('shows the secret as real text in the HTML part', () => {
    if (secret)
      expect(email.html).toMatch(
        new RegExp(`<p[^>]*><strong>${escapeRegExp(secret)}</strong></p>`),
      );
  });

  it('says the same in both parts (HTML rendered as text is the text part under its heading)', () => {
    expect(htmlToText(email.html)).toBe(`${email.subject}\n\n${email.text}`);
  });
});

describe('values a person typed', () => {
  const hostile = '<img src=x onerror=alert(1)>';
  const quoted = 'Ann & "Bo" O\'Neil';

  it('are escaped in the HTML part of every email that shows them', () => {
    const emails = [
      invitationEmail(consoleUrl, {
        to: 'ann@school.example',
        name: hostile,
        centreName: quoted,
        temporaryPassword: 'Tmp4Pass9word2Xy',
      }),
      suspendedNotice(consoleUrl, 'ann@school.example', quoted, hostile),
      restoredNotice(consoleUrl, 'ann@school.example', hostile, quoted),
      emailChangedNotice(consoleUrl, 'ann@school.example', quoted, hostile),
      emailVerificationEmail(consoleUrl, 'ann@school.example', hostile, '123456'),
      dataTransferredNotice(consoleUrl, 'ann@school.example', quoted, hostile, 1),
      deletedNotice(consoleUrl, 'ann@school.example', hostile, quoted),
    ];
    for (const email of emails) {
      expect(email.html).not.toContain('<img');
      expect(email.html).not.toContain('Ann & "Bo"');
      expect(email.html).toMatch(/&lt;img src=x onerror=alert\(1\)&gt;|Ann &amp; &quot;Bo&quot;/);
      // The text part is not HTML: it shows what was typed, as typed.
      expect(email.text).toMatch(/<img src=x onerror=alert\(1\)>|Ann & "Bo" O'Neil/);
    }
    expect(emails[0]?.html).toContain('Hello &lt;img src=x onerror=alert(1)&gt;,');
    expect(emails[0]?.html).toContain('for Ann &amp; &quot;Bo&quot; O&#39;Neil.');
  });

  it('are escaped and URL-encoded in a link', () => {
    const address = 'a"b&c<d>@school.example';
    const email = invitationEmail(consoleUrl, {
      to: address,
      name: 'Ann',
      centreName: 'Riverside',
      temporaryPassword: 'Tmp4Pass9word2Xy',
    });
    expect(email.html).toContain(
      `href="${consoleUrl}/sign-in?email=${encodeURIComponent(address)}"`,
    );
    expect(email.html).toContain('(a&quot;b&amp;c&lt;d&gt;@school.example)');
    expect(email.html).not.toContain(address);
  });

  it('link to the console however its base URL ends', () => {
    const email = restoredNotice(`${consoleUrl}/`, to, 'Ada', 'Riverside');
    expect(email.text).toContain(`: ${consoleUrl}/sign-in`);
  });
});

describe("Cognito's CustomMessage trigger", () => {
  const event = (triggerSource: string, email = to) =>
    ({
      version: '1',
      triggerSource,
      region: 'eu-west-2',
      userPoolId: 'eu-west-2_pool',
      userName: 'sub-1',
      callerContext: { awsSdkVersion: '3', clientId: 'client' },
      request: {
        userAttributes: { sub: 'sub-1', email },
        codeParameter: '{####}',
        usernameParameter: null,
        linkParameter: '{##Click Here##}',
      },
      response: { smsMessage: null, emailMessage: null, emailSubject: null },
    }) as unknown as CustomMessageTriggerEvent;
  const load = () => import('../../functions/triggers/custom-message.js');
  let trigger: Awaited<ReturnType<typeof load>>['handler'];

  beforeAll(async () => {
    // The handler reads its setting when its module loads, as at a Lambda cold start.
    vi.stubEnv('CONSOLE_URL', consoleUrl);
    trigger = (await load()).handler;
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('answers a password reset with the HTML email, Cognito’s code placeholder once, and the reset page', async () => {
    const { response } = await trigger(event('CustomMessage_ForgotPassword'));
    const message = response.emailMessage ?? '';
    expect(response.emailSubject).toBe('Reset your School Support Hub password');
    expect(message).toBe(
      verificationCodeMessage(consoleUrl, 'reset', { code: '{####}', email: to }).html,
    );
    // Cognito (and cognito-local) put the code in place of the first placeholder only.
    expect(message.split('{####}')).toHaveLength(2);
    expect(message).toContain('<strong>Verification code: {####}</strong>');
    expect(message).toContain(`href="${consoleUrl}/reset-password?email=${encodedTo}"`);
    // What Cognito accepts as an email message: at most 20,000 characters of letters,
    // marks, symbols, numbers, punctuation and white space; a subject of at most 140.
    expect(message.length).toBeLessThanOrEqual(20_000);
    expect(message).toMatch(
      /^[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*$/u,
    );
    expect(response.emailSubject?.length).toBeLessThanOrEqual(140);
  });

  it('answers an email verification with a link to the profile', async () => {
    const { response } = await trigger(event('CustomMessage_UpdateUserAttribute'));
    expect(response.emailMessage).toContain(`href="${consoleUrl}/profile"`);
    expect(response.emailMessage?.split('{####}')).toHaveLength(2);
  });

  it('leaves messages it does not write to Cognito', async () => {
    const { response } = await trigger(event('CustomMessage_AdminCreateUser'));
    expect(response).toEqual({ smsMessage: null, emailMessage: null, emailSubject: null });
  });

  it('reads CONSOLE_URL once, at cold start, and fails at once without it', async () => {
    vi.resetModules();
    vi.stubEnv('CONSOLE_URL', 'https://console.other.example');
    const { handler } = await load();
    vi.stubEnv('CONSOLE_URL', 'https://changed.example');
    const { response } = await handler(event('CustomMessage_ForgotPassword'));
    expect(response.emailMessage).toContain('href="https://console.other.example/reset-password?');

    vi.resetModules();
    vi.stubEnv('CONSOLE_URL', '');
    await expect(load()).rejects.toThrow('Missing environment variable CONSOLE_URL');
  });
});
