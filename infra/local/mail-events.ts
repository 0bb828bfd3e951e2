/**
 * A local way to make an address bounce or complain (issue 12 item 2). The local stack has
 * no SES event publishing and no SNS, so its local Lambda service (emulators/lambda.ts) runs
 * the real functions/mail-events handler under this name, and this module builds what SNS
 * would deliver: an SNS record whose message is SES's event record, in the shapes of AWS's
 * documented examples ("Examples of event data that Amazon SES publishes to Amazon SNS").
 * Nothing here is deployed: in AWS the configuration set's event destination feeds it.
 */
import { randomUUID } from 'node:crypto';

/** The local Lambda function name of the mail-events handler. */
export const mailEventsFunction = 'hub-mail-events';

export type LocalMailEvent = 'bounce' | 'complaint';

/** SES's event record (event publishing) of a permanent bounce or a complaint for `address`. */
export function sesEventOf(kind: LocalMailEvent, address: string, at = new Date()) {
  const timestamp = at.toISOString();
  const messageId = `local-${randomUUID()}`;
  const mail = {
    timestamp,
    source: 'School Support Hub <noreply@cambridgeinternational.org>',
    sourceArn: 'arn:aws:ses:eu-west-2:000000000000:identity/cambridgeinternational.org',
    sendingAccountId: '000000000000',
    messageId,
    destination: [address],
    headersTruncated: false,
    headers: [{ name: 'To', value: address }],
    commonHeaders: { to: [address], messageId, subject: 'School Support Hub' },
    tags: { 'ses:configuration-set': ['hub'] },
  };
  const feedbackId = `local-feedback-${randomUUID()}`;
  return kind === 'bounce'
    ? {
        eventType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [
            {
              emailAddress: address,
              action: 'failed',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            },
          ],
          timestamp,
          feedbackId,
          reportingMTA: 'dsn; local',
        },
        mail,
      }
    : {
        eventType: 'Complaint',
        complaint: {
          complainedRecipients: [{ emailAddress: address }],
          timestamp,
          feedbackId,
          userAgent: 'local',
          complaintFeedbackType: 'abuse',
          arrivalDate: timestamp,
        },
        mail,
      };
}

/** What SNS hands the subscribed function: one record whose message is the SES event's JSON. */
export function snsEventOf(sesEvent: unknown) {
  const topicArn = 'arn:aws:sns:eu-west-2:000000000000:hub-mail-events';
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: topicArn,
          Subject: null,
          Message: JSON.stringify(sesEvent),
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'https://sns.eu-west-2.amazonaws.com/local.pem',
          UnsubscribeUrl: 'https://sns.eu-west-2.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/**
 * Delivers a bounce or complaint for `address` to the local stack's mail-events handler,
 * through its local Lambda endpoint (`AWS_ENDPOINT_URL_LAMBDA` of the stack), as SNS would.
 * Throws when the handler fails.
 */
export async function sendLocalMailEvent(
  lambdaEndpoint: string,
  kind: LocalMailEvent,
  address: string,
): Promise<void> {
  const response = await fetch(
    `${lambdaEndpoint}/2015-03-31/functions/${mailEventsFunction}/invocations`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(snsEventOf(sesEventOf(kind, address))),
    },
  );
  const text = await response.text();
  if (!response.ok || response.headers.get('x-amz-function-error'))
    throw new Error(`the local mail-events handler answered ${response.status}: ${text}`);
}
