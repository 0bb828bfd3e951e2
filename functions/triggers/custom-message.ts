/**
 * Cognito's CustomMessage trigger: Cognito sends its own emails (password reset codes)
 * through SES from the noreply address, in the product's words, with the code alone on a
 * `Verification code:` line like every other email of the product.
 */
import type { CustomMessageTriggerEvent } from 'aws-lambda';
import { verificationCodeMessage } from '../core/emails.js';

const kinds: Partial<Record<CustomMessageTriggerEvent['triggerSource'], 'reset' | 'verify'>> = {
  CustomMessage_ForgotPassword: 'reset',
  CustomMessage_UpdateUserAttribute: 'verify',
  CustomMessage_VerifyUserAttribute: 'verify',
};

export const handler = async (event: CustomMessageTriggerEvent) => {
  const kind = kinds[event.triggerSource];
  if (!kind) return event;
  const { subject, lines } = verificationCodeMessage(kind, event.request.codeParameter);
  event.response.emailSubject = subject;
  // Cognito sends the message as HTML: keep each line a line.
  event.response.emailMessage = lines.join('<br>\n');
  return event;
};
