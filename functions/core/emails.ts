/**
 * The words of every automated email. A secret a person must type stands alone on a line
 * (`Temporary password: …`, `Verification code: …`), as ../shared/API.md promises; notices
 * carry no secret.
 */
import type { Email } from './ports.js';

const signature = [
  '',
  'Cambridge School Support Hub',
  'This is an automated email; replies are not read.',
];

const email = (to: string, subject: string, lines: string[]): Email => ({
  to,
  subject,
  text: [...lines, ...signature].join('\n'),
});

export function invitationEmail(input: {
  to: string;
  name: string;
  centreName: string;
  temporaryPassword: string;
}): Email {
  return email(input.to, 'You have been invited to the School Support Hub', [
    `Hello ${input.name},`,
    '',
    `You have been given an account on the School Support Hub for ${input.centreName}.`,
    `Sign in with this email address (${input.to}) and the temporary password below; you will then choose your own password.`,
    '',
    `Temporary password: ${input.temporaryPassword}`,
    '',
    'The temporary password expires in 7 days. If it has expired, ask your coordinator to resend the invitation.',
  ]);
}

export const suspendedNotice = (to: string, name: string, centreName: string) =>
  email(to, 'Your School Support Hub account has been suspended', [
    `Hello ${name},`,
    '',
    `Your coordinator at ${centreName} has suspended your School Support Hub account, so you can no longer sign in to the hub or its support sites.`,
    'If you think this is a mistake, please contact your coordinator.',
  ]);

export const restoredNotice = (to: string, name: string, centreName: string) =>
  email(to, 'Your School Support Hub account has been restored', [
    `Hello ${name},`,
    '',
    `Your coordinator at ${centreName} has restored your School Support Hub account. You can sign in again with your email address and password.`,
  ]);

export const emailChangedNotice = (to: string, name: string, newEmail: string) =>
  email(to, 'The email address of your School Support Hub account has changed', [
    `Hello ${name},`,
    '',
    `The email address you sign in to the School Support Hub with is now ${newEmail}. This address (${to}) no longer signs in.`,
    'If you did not expect this change, please contact your coordinator straight away.',
  ]);

/** Cognito's own emails (password reset codes), with the code placeholder it fills in. */
export function verificationCodeMessage(kind: 'reset' | 'verify', codePlaceholder: string) {
  const intro =
    kind === 'reset'
      ? 'We received a request to reset the password of your School Support Hub account. Enter this code with your new password:'
      : 'Enter this code to confirm the email address of your School Support Hub account:';
  return {
    subject:
      kind === 'reset'
        ? 'Reset your School Support Hub password'
        : 'Confirm your School Support Hub email address',
    lines: [
      'Hello,',
      '',
      intro,
      '',
      `Verification code: ${codePlaceholder}`,
      '',
      'The code expires in 1 hour. If you did not ask for this, you can ignore this email: your password has not changed.',
      ...signature,
    ],
  };
}

/** The code that confirms a new email address, sent to that address. */
export const emailVerificationEmail = (to: string, name: string, code: string) =>
  email(to, 'Confirm your new School Support Hub email address', [
    `Hello ${name},`,
    '',
    'Enter this code in the School Support Hub to confirm that this is your new email address:',
    '',
    `Verification code: ${code}`,
    '',
    'The code expires in 15 minutes. Until you confirm, you keep signing in with your old address. If you did not ask for this, ignore this email.',
  ]);

export const dataTransferredNotice = (to: string, name: string, from: string, moved: number) =>
  email(to, 'Progression Test data has been transferred to you', [
    `Hello ${name},`,
    '',
    `${moved} Progression Test result${moved === 1 ? '' : 's'} of ${from} ${moved === 1 ? 'has' : 'have'} been transferred to your account by your coordinator.`,
    'You can find them in Teacher and learner management on the Primary and Lower Secondary support sites.',
  ]);

export const deletedNotice = (to: string, name: string, centreName: string) =>
  email(to, 'Your School Support Hub account has been deleted', [
    `Hello ${name},`,
    '',
    `Your coordinator at ${centreName} has deleted your School Support Hub account. You can no longer sign in, and this email address is free to be used again.`,
  ]);
