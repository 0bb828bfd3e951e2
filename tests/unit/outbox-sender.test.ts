/**
 * The outbox's sender (issue 12 item 12) against mocked SES, DynamoDB and Cognito: what it
 * sends, how it waits out SES throttling, what it does when SES refuses, and how a batch of
 * stream records stops at the first email to try again.
 */
import {
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { MessageRejected, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cognitoIdentity } from '../../functions/core/adapters/cognito.js';
import { sesMailer } from '../../functions/core/adapters/ses.js';
import { type OutboxEmail, toOutboxItem } from '../../functions/core/data/outbox.js';
import { toUserItem } from '../../functions/core/data/user.js';
import { metrics } from '../../functions/core/metrics.js';
import { type SenderDeps, sendOutboxEntry } from '../../functions/core/services/outbox-sender.js';
import { sendBatch } from '../../functions/outbox/sender.js';
import { aUser, consoleUrl, fixedClock } from './fakes/index.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const dynamo = mockClient(DynamoDBClient);
const ses = mockClient(SESClient);

const slept: number[] = [];
const deps = (): SenderDeps => ({
  db: { client: new DynamoDBClient({ region: 'eu-west-2' }), tableName: 'hub' },
  // One attempt per call: the sender's own waits are what is tested.
  mailer: sesMailer(new SESClient({ region: 'eu-west-2', maxAttempts: 1 }), {
    mailFrom: 'noreply@cambridgeinternational.org',
  }),
  identity: cognitoIdentity(new CognitoIdentityProviderClient({ region: 'eu-west-2' }), {
    userPoolId: 'pool',
    userPoolClientId: 'client',
  }),
  consoleUrl,
  clock: fixedClock(),
  sleep: async (ms) => {
    slept.push(ms);
  },
  maxAttempts: 3,
  throttleBackoffMs: [1000, 2000],
});

const invited = aUser({ userId: 'user-1', status: 'invited', email: 'ada@school.example' });
const invitation: OutboxEmail = {
  template: 'invitation',
  to: 'ada@school.example',
  name: 'Ada Lovelace',
  centreName: 'Example School',
};
const suspendedNotice: OutboxEmail = { ...invitation, template: 'suspended' };

function tableHolds(email: OutboxEmail, options: { status?: string; attempts?: number } = {}) {
  const outbox = toOutboxItem({
    outboxId: 'o-1',
    userId: 'user-1',
    email,
    status: 'pending',
    attempts: 0,
    createdAt: '2026-11-28T09:59:00.000Z',
    ...(options as object),
  });
  dynamo.on(GetItemCommand).callsFake(async (input) => {
    const pk = input.Key.PK.S as string;
    if (pk === 'OUTBOX#o-1') return { Item: marshall(outbox) };
    if (pk === 'USER#user-1') return { Item: marshall(toUserItem(invited)) };
    return {};
  });
  let attempts = options.attempts ?? 0;
  dynamo.on(UpdateItemCommand).callsFake(async (input) => {
    if (input.UpdateExpression?.startsWith('ADD attempts')) {
      attempts += 1;
      return { Attributes: { attempts: { N: String(attempts) } } };
    }
    return {};
  });
  dynamo.on(TransactWriteItemsCommand).resolves({});
}

const settledAs = () =>
  dynamo
    .commandCalls(UpdateItemCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.UpdateExpression?.startsWith('SET #status'))
    .map((input) => input.ExpressionAttributeValues?.[':status']?.S);

const userWritten = () =>
  dynamo
    .commandCalls(TransactWriteItemsCommand)
    .map((call) => unmarshall(call.args[0].input.TransactItems?.[0]?.Put?.Item ?? {}));

const throttled = () =>
  Object.assign(new Error('Maximum sending rate exceeded.'), {
    name: 'Throttling',
    $metadata: {},
  });

beforeEach(() => {
  cognito.reset();
  dynamo.reset();
  ses.reset();
  slept.length = 0;
  cognito.on(AdminSetUserPasswordCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});

describe('the outbox sender', () => {
  it('sends an invitation with a temporary password it sets in Cognito at that moment', async () => {
    tableHolds(invitation);

    expect(await sendOutboxEntry(deps(), 'o-1')).toBe('sent');

    const set = cognito.commandCalls(AdminSetUserPasswordCommand)[0]?.args[0].input;
    expect(set).toMatchObject({ Username: 'user-1', Permanent: false });
    const email = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(email?.Destination?.ToAddresses).toEqual(['ada@school.example']);
    expect(email?.Message?.Body?.Text?.Data).toMatch(
      new RegExp(`^Temporary password: ${set?.Password}$`, 'm'),
    );
    expect(settledAs()).toEqual(['sent']);
  });

  it('does not send an invitation to a user who has signed in since, nor one already sent', async () => {
    tableHolds(invitation);
    dynamo.on(GetItemCommand, { Key: marshall({ PK: 'USER#user-1', SK: 'USER' }) }).resolves({
      Item: marshall(toUserItem({ ...invited, status: 'active' })),
    });
    expect(await sendOutboxEntry(deps(), 'o-1')).toBe('skipped');
    expect(cognito.commandCalls(AdminSetUserPasswordCommand)).toHaveLength(0);

    dynamo.reset();
    tableHolds(suspendedNotice, { status: 'sent' });
    expect(await sendOutboxEntry(deps(), 'o-1')).toBe('skipped');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('waits out SES throttling (the account sending rate) and sends', async () => {
    tableHolds(suspendedNotice);
    ses
      .on(SendEmailCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({ MessageId: 'm-2' });

    expect(await sendOutboxEntry(deps(), 'o-1')).toBe('sent');

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
    expect(slept).toEqual([1000, 2000]);
    expect(settledAs()).toEqual(['sent']);
  });

  it('asks for a retry while throttling lasts, and fails for good after maxAttempts', async () => {
    tableHolds(suspendedNotice, { attempts: 1 });
    ses.on(SendEmailCommand).rejects(throttled());

    expect(await sendOutboxEntry(deps(), 'o-1')).toBe('retry');
    expect(settledAs()).toEqual([]);
    expect(await sendOutboxEntry(deps(), 'o-1')).toBe('failed');

    expect(settledAs()).toEqual(['failed']);
    expect(userWritten()[0]).toMatchObject({
      emailStatus: { problem: 'failed', detail: 'Throttling', at: '2026-11-28T10:00:00.000Z' },
      GSI5PK: 'CENTRE#GB001#EMAILPROBLEM',
    });
  });

  it('fails at once when SES refuses the email, shows it on the user and counts EmailsNotSent', async () => {
    const added = vi.spyOn(metrics, 'addMetric');
    tableHolds(suspendedNotice);
    ses
      .on(SendEmailCommand)
      .rejects(new MessageRejected({ message: 'Email address is not verified', $metadata: {} }));

    expect(await sendOutboxEntry(deps(), 'o-1')).toBe('failed');

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(settledAs()).toEqual(['failed']);
    const [user] = userWritten();
    expect(user).toMatchObject({ emailStatus: { problem: 'failed', detail: 'MessageRejected' } });
    // Version-locked like every other change to the user.
    const put = dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems?.[0];
    expect(put?.Put?.ConditionExpression).toBe('#version = :version');
    expect(added).toHaveBeenCalledWith('EmailsNotSent', 'Count', 1);
  });

  it('records nothing on the user when the email went to an address they no longer have', async () => {
    tableHolds({
      template: 'emailChanged',
      to: 'old@school.example',
      name: 'Ada',
      newEmail: 'ada@school.example',
    });
    ses.on(SendEmailCommand).rejects(new MessageRejected({ message: 'no', $metadata: {} }));

    expect(await sendOutboxEntry(deps(), 'o-1')).toBe('failed');
    expect(userWritten()).toEqual([]);
  });
});

const record = (outboxId: string, sequence: string, type = 'outbox') => ({
  eventName: 'INSERT' as const,
  dynamodb: {
    SequenceNumber: sequence,
    NewImage: { type: { S: type }, outboxId: { S: outboxId } },
  },
});

describe('a batch of stream records', () => {
  it('sends new outbox items one after another, spaced, and ignores every other record', async () => {
    tableHolds(suspendedNotice);
    const now = 0;
    const answer = await sendBatch({ ...deps(), minIntervalMs: 100, now: () => now }, {
      Records: [record('o-1', '1'), record('x', '2', 'user'), record('o-1', '3')],
    } as DynamoDBStreamEvent);
    expect(answer).toEqual({ batchItemFailures: [] });
    // Two emails (the user record is none), the second one a full interval after the first.
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(slept).toEqual([100]);
  });

  it('stops at the first email to try again and reports it, so nothing after it is sent twice', async () => {
    tableHolds(suspendedNotice);
    ses.on(SendEmailCommand).rejects(
      Object.assign(new Error('Service unavailable'), {
        name: 'ServiceUnavailable',
        $metadata: {},
      }),
    );

    const answer = await sendBatch({ ...deps(), minIntervalMs: 0, now: () => 0 }, {
      Records: [record('o-1', '7'), record('o-2', '8')],
    } as DynamoDBStreamEvent);

    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });
});
