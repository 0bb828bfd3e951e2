import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cognitoIdentity } from '../../functions/core/adapters/cognito.js';
import { searchPrefixesOf } from '../../functions/core/data/user-search.js';
import { ProblemError } from '../../functions/core/errors.js';
import { inviteUser } from '../../functions/core/services/invite-user.js';
import { fixedClock } from './fakes/index.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const dynamo = mockClient(DynamoDBClient);
const ses = mockClient(SESClient);

const deps = () => ({
  db: { client: new DynamoDBClient({ region: 'eu-west-2' }), tableName: 'hub' },
  identity: cognitoIdentity(new CognitoIdentityProviderClient({ region: 'eu-west-2' }), {
    userPoolId: 'pool',
    userPoolClientId: 'client',
  }),
  clock: fixedClock(),
});

const invitation = {
  centre: { centreId: 'GB001', name: 'Example School' },
  name: 'Ada Lovelace',
  email: 'ada@school.example',
  isAdmin: false,
  sites: ['primary' as const],
  actorId: 'coordinator-1',
};

const created = { User: { Username: 'sub-1', Attributes: [{ Name: 'sub', Value: 'sub-1' }] } };

beforeEach(() => {
  cognito.reset();
  dynamo.reset();
  ses.reset();
  dynamo.on(GetItemCommand).resolves({});
  cognito.on(AdminCreateUserCommand).resolves(created);
  cognito.on(AdminDeleteUserCommand).resolves({});
  dynamo.on(TransactWriteItemsCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});

describe('inviting a user across Cognito, DynamoDB and SES', () => {
  it('creates the login, writes user, email marker, audit and the invitation in the outbox in one transaction, and sends nothing itself', async () => {
    const user = await inviteUser(deps(), invitation);

    expect(user).toMatchObject({ userId: 'sub-1', status: 'invited', centreId: 'GB001' });
    const create = cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input;
    expect(create).toMatchObject({ Username: 'ada@school.example', MessageAction: 'SUPPRESS' });
    const transaction =
      dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
    // The user, their email marker, their word-index items (issue 11), the audit entry, the
    // invitation to send (issue 12 item 12).
    expect(transaction.map((item) => `${item.Put?.Item?.PK?.S}|${item.Put?.Item?.SK?.S}`)).toEqual([
      'USER#sub-1|USER',
      'EMAIL#ada@school.example|EMAIL',
      ...searchPrefixesOf(invitation).map((prefix) => `USER#sub-1|SEARCH#${prefix}`),
      expect.stringMatching(/^CENTRE#GB001#AUDIT\|/),
      expect.stringMatching(/^OUTBOX#[0-9a-f-]{36}\|OUTBOX$/),
    ]);
    const outbox = unmarshall(transaction.at(-1)?.Put?.Item ?? {});
    expect(outbox).toMatchObject({
      type: 'outbox',
      status: 'pending',
      userId: 'sub-1',
      email: {
        template: 'invitation',
        to: 'ada@school.example',
        name: 'Ada Lovelace',
        centreName: 'Example School',
      },
    });
    expect(transaction.at(-1)?.Put?.ConditionExpression).toBe('attribute_not_exists(PK)');
    // No secret is stored: the sender makes the temporary password when it sends.
    expect(JSON.stringify(outbox)).not.toContain(create?.TemporaryPassword);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('removes the new Cognito login when DynamoDB is down, leaving no half-made user', async () => {
    dynamo
      .on(TransactWriteItemsCommand)
      .rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));

    await expect(inviteUser(deps(), invitation)).rejects.toThrow();

    expect(
      cognito.commandCalls(AdminDeleteUserCommand).map((c) => c.args[0].input.Username),
    ).toEqual(['sub-1']);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('removes the login and answers EMAIL_TAKEN when another request took the email first', async () => {
    dynamo.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [
          { Code: 'None' },
          { Code: 'ConditionalCheckFailed' },
          { Code: 'None' },
        ],
      }),
    );

    const failure = await inviteUser(deps(), invitation).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ProblemError);
    expect((failure as ProblemError).code).toBe('EMAIL_TAKEN');
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
  });

  it('refuses an email that already has a marker without asking Cognito', async () => {
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: { PK: { S: 'EMAIL#ada@school.example' }, userId: { S: 'someone' } } });

    await expect(inviteUser(deps(), invitation)).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    expect(cognito.commandCalls(AdminCreateUserCommand)).toHaveLength(0);
  });

  it('clears a login left behind by a crashed invitation and invites afresh', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejectsOnce(new UsernameExistsException({ message: 'exists', $metadata: {} }))
      .resolves(created);
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'orphan',
      UserAttributes: [{ Name: 'sub', Value: 'orphan' }],
      UserCreateDate: new Date('2026-11-28T09:00:00Z'),
    });

    const user = await inviteUser(deps(), invitation);

    expect(user.userId).toBe('sub-1');
    expect(
      cognito.commandCalls(AdminDeleteUserCommand).map((c) => c.args[0].input.Username),
    ).toEqual(['orphan']);
  });

  it('does not touch a login that another invitation created moments ago', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'racer',
      UserAttributes: [{ Name: 'sub', Value: 'racer' }],
      UserCreateDate: new Date('2026-11-28T09:59:30Z'),
    });

    await expect(inviteUser(deps(), invitation)).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
    expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(0);
  });
});
