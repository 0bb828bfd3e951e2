/**
 * Cognito's CustomMessage trigger: Cognito sends its own emails (password reset codes)
 * through SES from the noreply address, in the product's words, with the code alone on a
 * `Verification code:` line like every other email of the product and a link to the page
 * of the console where it is entered.
 *
 * Cognito sends `emailMessage` as the email's one body, as HTML, so the message is the HTML
 * part of functions/core/emails.ts (AWS gives this trigger no way to add a text part). It
 * holds Cognito's `codeParameter` exactly once, where Cognito puts the code.
 */
import type { CustomMessageTriggerEvent } from 'aws-lambda';
import { readSettings } from '../core/config.js';
import { verificationCodeMessage } from '../core/emails.js';

const kinds: Partial<Record<CustomMessageTriggerEvent['triggerSource'], 'reset' | 'verify'>> = {
  CustomMessage_ForgotPassword: 'reset',
  CustomMessage_UpdateUserAttribute: 'verify',
  CustomMessage_VerifyUserAttribute: 'verify',
};

export const customMessageHandler =
  (settings: { consoleUrl: string }) => async (event: CustomMessageTriggerEvent) => {
    const kind = kinds[event.triggerSource];
    if (!kind) return event;
    const { subject, html } = verificationCodeMessage(settings.consoleUrl, kind, {
      code: event.request.codeParameter,
      email: event.request.userAttributes.email ?? '',
    });
    event.response.emailSubject = subject;
    event.response.emailMessage = html;
    return event;
  };

export const handler = customMessageHandler(readSettings(['consoleUrl']));
