// Preloaded into cognito-local (node --require). cognito-local only prints the emails a
// user pool sends (password reset codes); in AWS Cognito sends them through SES. This
// forwards each one to the local SES, so it lands in the one local inbox like every other.
const path = require('node:path');
const senderPath = path.join(
  path.dirname(require.resolve('cognito-local/package.json')),
  'lib/services/messageDelivery/consoleMessageSender.js',
);
const { ConsoleMessageSender } = require(senderPath);

const endpoint = process.env.HUB_RELAY_SES_ENDPOINT;
const from = process.env.HUB_RELAY_FROM;
const original = ConsoleMessageSender.prototype.sendEmail;

const toText = (html) =>
  html
    .replace(/<br\s*\/?>\n?/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&');

ConsoleMessageSender.prototype.sendEmail = async function relay(ctx, user, destination, message) {
  await original.call(this, ctx, user, destination, message);
  if (!endpoint || !from) return;
  const html = message.emailMessage || `Verification code: ${message.__code}`;
  const response = await fetch(`${endpoint}/v2/email/outbound-emails`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      FromEmailAddress: from,
      Destination: { ToAddresses: [destination] },
      Content: {
        Simple: {
          Subject: { Data: message.emailSubject || 'Your verification code' },
          Body: { Html: { Data: html }, Text: { Data: toText(html) } },
        },
      },
    }),
  });
  if (!response.ok) ctx.logger.error(`relay to SES failed: ${response.status}`);
};
