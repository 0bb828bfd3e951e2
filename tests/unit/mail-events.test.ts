/**
 * SES's bounce and complaint events (issue 12 item 2), in the shapes SES publishes to SNS
 * (AWS's documented examples, "Examples of event data that Amazon SES publishes to Amazon
 * SNS"), recorded on the user found through the email marker.
 */
import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { toUserItem } from '../../functions/core/data/user.js';
import { problemsOf, recordSesEvent } from '../../functions/core/services/mail-events.js';
import { aUser } from './fakes/index.js';

const dynamo = mockClient(DynamoDBClient);
const db = { client: new DynamoDBClient({ region: 'eu-west-2' }), tableName: 'hub' };

const mail = {
  timestamp: '2017-08-05T00:40:02.012Z',
  source: 'Sender Name <sender@example.com>',
  sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/sender@example.com',
  sendingAccountId: '123456789012',
  messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
  destination: ['recipient@example.com'],
  headersTruncated: false,
  headers: [
    { name: 'From', value: 'Sender Name <sender@example.com>' },
    { name: 'To', value: 'recipient@example.com' },
    { name: 'Subject', value: 'Message sent from Amazon SES' },
  ],
  commonHeaders: {
    from: ['Sender Name <sender@example.com>'],
    to: ['recipient@example.com'],
    messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
    subject: 'Message sent from Amazon SES',
  },
  tags: { 'ses:configuration-set': ['ConfigSet'] },
};

const permanentBounce = {
  eventType: 'Bounce',
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'General',
    bouncedRecipients: [
      {
        emailAddress: 'recipient@example.com',
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      },
    ],
    timestamp: '2017-08-05T00:41:02.669Z',
    feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
    reportingMTA: 'dsn; mta.example.com',
  },
  mail,
};

const transientBounce = {
  ...permanentBounce,
  bounce: { ...permanentBounce.bounce, bounceType: 'Transient', bounceSubType: 'MailboxFull' },
};

const complaint = {
  eventType: 'Complaint',
  complaint: {
    complainedRecipients: [{ emailAddress: 'recipient@example.com' }],
    timestamp: '2017-08-05T00:41:02.669Z',
    feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36',
    complaintFeedbackType: 'abuse',
    arrivalDate: '2017-08-05T00:41:02.669Z',
  },
  mail,
};

const user = aUser({ userId: 'user-1', email: 'recipient@example.com', version: 4 });

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetItemCommand).callsFake(async (input) => {
    const pk = input.Key.PK.S as string;
    if (pk === 'EMAIL#recipient@example.com') return { Item: marshall({ userId: 'user-1' }) };
    if (pk === 'USER#user-1') return { Item: marshall(toUserItem(user)) };
    return {};
  });
  dynamo.on(TransactWriteItemsCommand).resolves({});
});

const written = () =>
  dynamo
    .commandCalls(TransactWriteItemsCommand)
    .map((call) => unmarshall(call.args[0].input.TransactItems?.[0]?.Put?.Item ?? {}));

describe("SES's bounce and complaint events", () => {
  it('marks a permanent bounce on the user found through the email marker, no Scan or Query', async () => {
    expect(await recordSesEvent(db, permanentBounce)).toBe(1);

    expect(written()).toEqual([
      expect.objectContaining({
        userId: 'user-1',
        version: 5,
        emailStatus: {
          problem: 'bouncing',
          at: '2017-08-05T00:41:02.669Z',
          detail: 'Permanent (General)',
        },
        // In the centre's sparse index of users whose emails are not arriving (the filter).
        GSI5PK: 'CENTRE#GB001#EMAILPROBLEM',
      }),
    ]);
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('marks a complaint, with its feedback type', async () => {
    expect(await recordSesEvent(db, complaint)).toBe(1);
    expect(written()[0]?.emailStatus).toEqual({
      problem: 'complained',
      at: '2017-08-05T00:41:02.669Z',
      detail: 'abuse',
    });
  });

  it('records nothing for a transient bounce: the next email may arrive', async () => {
    expect(problemsOf(transientBounce)).toEqual([]);
    expect(await recordSesEvent(db, transientBounce)).toBe(0);
    expect(written()).toEqual([]);
  });

  it('reads identity notifications too (notificationType), and ignores other events and unknown addresses', async () => {
    const { eventType: _, ...rest } = permanentBounce;
    expect(problemsOf({ ...rest, notificationType: 'Bounce' })).toHaveLength(1);
    expect(problemsOf({ eventType: 'Delivery' })).toEqual([]);
    const stranger = {
      ...permanentBounce,
      bounce: {
        ...permanentBounce.bounce,
        bouncedRecipients: [{ emailAddress: 'Nobody <NOBODY@example.com>' }],
      },
    };
    expect(await recordSesEvent(db, stranger)).toBe(0);
    expect(dynamo.commandCalls(GetItemCommand)[0]?.args[0].input.Key?.PK?.S).toBe(
      'EMAIL#nobody@example.com',
    );
  });
});
