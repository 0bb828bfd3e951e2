/**
 * The words of every automated email. A secret a person must type stands alone on a line
 * (`Temporary password: …`, `Verification code: …`), as ../shared/API.md promises.
 */
import type { Email } from './ports.js';

const signature =
  '\n\nCambridge School Support Hub\nThis is an automated email; replies are not read.';

export function invitationEmail(input: {
  to: string;
  name: string;
  centreName: string;
  temporaryPassword: string;
}): Email {
  return {
    to: input.to,
    subject: 'You have been invited to the School Support Hub',
    text:
      [
        `Hello ${input.name},`,
        '',
        `You have been given an account on the School Support Hub for ${input.centreName}.`,
        `Sign in with this email address (${input.to}) and the temporary password below; you will then choose your own password.`,
        '',
        `Temporary password: ${input.temporaryPassword}`,
        '',
        'The temporary password expires in 7 days. If it has expired, ask your coordinator to resend the invitation.',
      ].join('\n') + signature,
  };
}
