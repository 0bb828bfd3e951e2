// Preloaded into cognito-local (node --require). cognito-local only prints the emails a
// user pool sends (password reset codes); in AWS Cognito sends them through SES. This
// forwards each one to the local SES, so it lands in the one local inbox like every other.
const path = require('node:path');

// cognito-local keeps each user pool in memory and, on every change (a sign-in stores its
// refresh token), writes the whole pool to a pretty-printed JSON file: each sign-in costs
// time in proportion to the number of users, and a test run makes thousands of them. The
// local stack's data lives as long as the stack (DynamoDB Local runs -inMemory; the folder
// is temporary), so each file is written once, when made (cognito-local lists the pools
// in its folder at start), and the pools stay in memory after that.
const StormDB = require(
  require.resolve('stormdb', {
    paths: [path.dirname(require.resolve('cognito-local/package.json'))],
  }),
);
const written = new WeakSet();
const save = StormDB.prototype.save;
StormDB.prototype.save = function saveOnce() {
  if (written.has(this)) return Promise.resolve();
  written.add(this);
  return save.call(this);
};
const senderPath = path.join(
  path.dirname(require.resolve('cognito-local/package.json')),
  'lib/services/messageDelivery/consoleMessageSender.js',
);
const { ConsoleMessageSender } = require(senderPath);
const { htmlToText } = require('./html-to-text.cjs');

const endpoint = process.env.HUB_RELAY_SES_ENDPOINT;
const from = process.env.HUB_RELAY_FROM;
const original = ConsoleMessageSender.prototype.sendEmail;

ConsoleMessageSender.prototype.sendEmail = async function relay(ctx, user, destination, message) {
  await original.call(this, ctx, user, destination, message);
  if (!endpoint || !from) return;
  const html = message.emailMessage || `Verification code: ${message.__code}`;
  const response = await fetch(`${endpoint}/v2/email/outbound-emails`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // The local SES wants some credentials; it checks no signature.
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-2/ses/aws4_request, SignedHeaders=host, Signature=local',
    },
    body: JSON.stringify({
      FromEmailAddress: from,
      Destination: { ToAddresses: [destination] },
      Content: {
        Simple: {
          Subject: { Data: message.emailSubject || 'Your verification code', Charset: 'UTF-8' },
          // Cognito sends its message as HTML alone; the text part beside it is derived
          // here so the local inbox reads like every other email of the product.
          Body: {
            Html: { Data: html, Charset: 'UTF-8' },
            Text: { Data: htmlToText(html), Charset: 'UTF-8' },
          },
        },
      },
    }),
  });
  if (!response.ok) process.stderr.write(`relay to the local SES failed: ${response.status}\n`);
};
