/**
 * The words of every automated email. A secret a person must type stands alone on a line
 * (`Temporary password: …`, `Verification code: …`), as first agreed for v1; notices
 * carry no secret. Every email leads to the web console of its environment (`consoleUrl`),
 * and has an HTML part beside the text one, both rendered from the same blocks so that
 * they cannot say different things.
 */
import type { Email } from './ports.js';

/** A paragraph, a secret on its own line, or a link whose words say where it goes. */
type Block = string | { secret: string; value: string } | { link: string; href: string };

const signature = [
  'Cambridge School Support Hub',
  'This is an automated email; replies are not read.',
];

const escapeHtml = (value: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const textOf = (block: Block) =>
  typeof block === 'string'
    ? block
    : 'secret' in block
      ? `${block.secret}: ${block.value}`
      : `${block.link}: ${block.href}`;

// Inline styles only (many email clients drop <style>); #0b0c0c (19.6:1), #505a5f (7:1) and
// #1d4ed8 (6.7:1) on white all pass WCAG AA contrast for body text.
const htmlOf = (block: Block) =>
  typeof block === 'string'
    ? `<p>${escapeHtml(block)}</p>`
    : 'secret' in block
      ? // One run of text, as in the text part: `Temporary password: …` is found by whoever
        // searches the whole message (README's quick start greps the local inbox's JSON).
        `<p style="font-size:18px"><strong>${escapeHtml(textOf(block))}</strong></p>`
      : `<p><a href="${escapeHtml(block.href)}" style="color:#1d4ed8;text-decoration:underline">${escapeHtml(block.link)}</a></p>`;

/**
 * Both parts of an email from one list of blocks. The HTML has one block element a line, so
 * a plain-text rendering of it (the local relay of Cognito's emails makes one) reads like the
 * text part with the heading above it.
 */
export function renderEmail(subject: string, blocks: Block[]) {
  const text = [...blocks.map(textOf), signature.join('\n')].join('\n\n');
  const html = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    '<body style="margin:0;padding:24px;background-color:#ffffff;color:#0b0c0c;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">',
    `<h1 style="font-size:24px;margin:0 0 16px">${escapeHtml(subject)}</h1>`,
    ...blocks.map(htmlOf),
    `<p style="color:#505a5f;font-size:14px">${signature.map(escapeHtml).join('<br>')}</p>`,
    '</body>',
    '</html>',
  ].join('\n');
  return { subject, text, html };
}

const email = (to: string, subject: string, blocks: Block[]): Email => ({
  to,
  ...renderEmail(subject, blocks),
});

const base = (consoleUrl: string) => consoleUrl.replace(/\/+$/, '');

/** The console's pages an email leads to; the console is built to these paths. */
export const consolePages = {
  signIn: (consoleUrl: string, email?: string) =>
    `${base(consoleUrl)}/sign-in${email ? `?email=${encodeURIComponent(email)}` : ''}`,
  resetPassword: (consoleUrl: string, email: string) =>
    `${base(consoleUrl)}/reset-password?email=${encodeURIComponent(email)}`,
  profile: (consoleUrl: string) => `${base(consoleUrl)}/profile`,
};

const signInLink = (consoleUrl: string, email?: string): Block => ({
  link: 'Sign in to the School Support Hub',
  href: consolePages.signIn(consoleUrl, email),
});

// For someone who can no longer sign in: where the page is, not an invitation to use it.
const signInPageLink = (consoleUrl: string): Block => ({
  link: 'The School Support Hub sign-in page',
  href: consolePages.signIn(consoleUrl),
});

const profileLink = (consoleUrl: string): Block => ({
  link: 'Enter your code on your School Support Hub profile',
  href: consolePages.profile(consoleUrl),
});

export function invitationEmail(
  consoleUrl: string,
  input: { to: string; name: string; centreName: string; temporaryPassword: string },
): Email {
  return email(input.to, 'You have been invited to the School Support Hub', [
    `Hello ${input.name},`,
    `You have been given an account on the School Support Hub for ${input.centreName}. Sign in with this email address (${input.to}) and the temporary password below; you will then choose your own password.`,
    { secret: 'Temporary password', value: input.temporaryPassword },
    signInLink(consoleUrl, input.to),
    'The temporary password expires in 7 days. If it has expired, ask your coordinator to resend the invitation.',
  ]);
}

/** A new member of customer services (support staff), invited by the operator command. */
export function supportInvitationEmail(
  consoleUrl: string,
  input: { to: string; name: string; temporaryPassword: string },
): Email {
  return email(input.to, 'You have been invited to the School Support Hub', [
    `Hello ${input.name},`,
    `You have been given a customer services (support) account on the School Support Hub. Sign in with this email address (${input.to}) and the temporary password below; you will then choose your own password.`,
    { secret: 'Temporary password', value: input.temporaryPassword },
    signInLink(consoleUrl, input.to),
    'The temporary password expires in 7 days. If it has expired, choose Forgotten password on the sign-in page and a new one is sent to you.',
  ]);
}

export const suspendedNotice = (consoleUrl: string, to: string, name: string, centreName: string) =>
  email(to, 'Your School Support Hub account has been suspended', [
    `Hello ${name},`,
    `Your coordinator at ${centreName} has suspended your School Support Hub account, so you can no longer sign in to the hub or its support sites. If you think this is a mistake, please contact your coordinator.`,
    signInPageLink(consoleUrl),
  ]);

export const restoredNotice = (consoleUrl: string, to: string, name: string, centreName: string) =>
  email(to, 'Your School Support Hub account has been restored', [
    `Hello ${name},`,
    `Your coordinator at ${centreName} has restored your School Support Hub account. You can sign in again with your email address and password.`,
    signInLink(consoleUrl),
  ]);

export const emailChangedNotice = (
  consoleUrl: string,
  to: string,
  name: string,
  newEmail: string,
) =>
  email(to, 'The email address of your School Support Hub account has changed', [
    `Hello ${name},`,
    `The email address you sign in to the School Support Hub with is now ${newEmail}. This address (${to}) no longer signs in.`,
    'If you did not expect this change, please contact your coordinator straight away.',
    signInPageLink(consoleUrl),
  ]);

/**
 * Cognito's own emails (password reset codes). `code` is Cognito's placeholder
 * (codeParameter), which Cognito replaces with the code: it must appear exactly once.
 */
export function verificationCodeMessage(
  consoleUrl: string,
  kind: 'reset' | 'verify',
  input: { code: string; email: string },
) {
  return kind === 'reset'
    ? renderEmail('Reset your School Support Hub password', [
        'Hello,',
        'We received a request to reset the password of your School Support Hub account. Enter this code with your new password:',
        { secret: 'Verification code', value: input.code },
        {
          link: 'Enter your code and choose a new password',
          href: consolePages.resetPassword(consoleUrl, input.email),
        },
        'The code expires in 1 hour. If you did not ask for this, you can ignore this email: your password has not changed.',
      ])
    : renderEmail('Confirm your School Support Hub email address', [
        'Hello,',
        'Enter this code to confirm the email address of your School Support Hub account:',
        { secret: 'Verification code', value: input.code },
        profileLink(consoleUrl),
        'If you did not ask for this, you can ignore this email.',
      ]);
}

/** The code that confirms a new email address, sent to that address. */
export const emailVerificationEmail = (
  consoleUrl: string,
  to: string,
  name: string,
  code: string,
) =>
  email(to, 'Confirm your new School Support Hub email address', [
    `Hello ${name},`,
    'Enter this code in the School Support Hub to confirm that this is your new email address:',
    { secret: 'Verification code', value: code },
    profileLink(consoleUrl),
    'The code expires in 15 minutes. Until you confirm, you keep signing in with your old address. If you did not ask for this, ignore this email.',
  ]);

export const dataTransferredNotice = (
  consoleUrl: string,
  to: string,
  name: string,
  from: string,
  moved: number,
) =>
  email(to, 'Progression Test data has been transferred to you', [
    `Hello ${name},`,
    `${moved} Progression Test result${moved === 1 ? '' : 's'} of ${from} ${moved === 1 ? 'has' : 'have'} been transferred to your account by your coordinator. You can find them in Teacher and learner management on the Primary and Lower Secondary support sites.`,
    signInLink(consoleUrl),
  ]);

export const deletedNotice = (consoleUrl: string, to: string, name: string, centreName: string) =>
  email(to, 'Your School Support Hub account has been deleted', [
    `Hello ${name},`,
    `Your coordinator at ${centreName} has deleted your School Support Hub account. You can no longer sign in, and this email address is free to be used again.`,
    signInPageLink(consoleUrl),
  ]);
