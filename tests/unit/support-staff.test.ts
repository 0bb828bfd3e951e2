/**
 * Issue 12 item 10: support staff are added the way the API adds a user, each step undoing
 * the earlier ones when it fails (functions/core/services/support-staff.ts), and the last
 * support user cannot be removed, even by two operators at once.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { MessageRejected, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cognitoIdentity } from '../../functions/core/adapters/cognito.js';
import { sesMailer } from '../../functions/core/adapters/ses.js';
import { toUserItem } from '../../functions/core/data/user.js';
import {
  addSupportUser,
  removeSupportUser,
  SupportStaffError,
} from '../../functions/core/services/support-staff.js';
import { aUser, consoleUrl, fixedClock } from './fakes/index.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const dynamo = mockClient(DynamoDBClient);
const ses = mockClient(SESClient);

const deps = () => ({
  db: { client: new DynamoDBClient({ region: 'eu-west-2' }), tableName: 'hub' },
  identity: cognitoIdentity(new CognitoIdentityProviderClient({ region: 'eu-west-2' }), {
    userPoolId: 'pool',
    userPoolClientId: '',
  }),
  mailer: sesMailer(new SESClient({ region: 'eu-west-2' }), { mailFrom: 'noreply@hub.example' }),
  consoleUrl,
  clock: fixedClock(),
});

const created = { User: { Username: 'sub-1', Attributes: [{ Name: 'sub', Value: 'sub-1' }] } };
const deleted = () =>
  cognito.commandCalls(AdminDeleteUserCommand).map((c) => c.args[0].input.Username);

beforeEach(() => {
  cognito.reset();
  dynamo.reset();
  ses.reset();
  dynamo.on(GetItemCommand).resolves({});
  cognito.on(AdminCreateUserCommand).resolves(created);
  cognito.on(AdminAddUserToGroupCommand).resolves({});
  cognito.on(AdminSetUserPasswordCommand).resolves({});
  cognito.on(AdminDeleteUserCommand).resolves({});
  dynamo.on(TransactWriteItemsCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});

describe('adding a support user', () => {
  it('invites: a temporary password (no permanent one), the support group, the record listed, then the email', async () => {
    const user = await addSupportUser(deps(), { email: ' Ada@Org.Example ', name: 'Ada' });

    expect(user).toMatchObject({ userId: 'sub-1', email: 'ada@org.example', status: 'invited' });
    expect(user).toMatchObject({ centreId: null, isSupport: true, isAdmin: false });
    const create = cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input;
    expect(create).toMatchObject({ Username: 'ada@org.example', MessageAction: 'SUPPRESS' });
    expect(cognito.commandCalls(AdminSetUserPasswordCommand)).toHaveLength(0);
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]?.args[0].input).toMatchObject({
      Username: 'sub-1',
      GroupName: 'support',
    });
    const [userItem, marker] =
      dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(userItem?.Put?.Item).toMatchObject({
      PK: { S: 'USER#sub-1' },
      GSI1PK: { S: 'SUPPORT_STAFF' },
      GSI1SK: { S: 'ada#sub-1' },
    });
    expect(marker?.Put?.Item?.PK).toEqual({ S: 'EMAIL#ada@org.example' });
    const email = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(email?.Destination?.ToAddresses).toEqual(['ada@org.example']);
    expect(email?.Message?.Body?.Text?.Data).toMatch(
      new RegExp(`^Temporary password: ${create?.TemporaryPassword}$`, 'm'),
    );
  });

  it('with a password (the local support account): permanent, active, and no email', async () => {
    const user = await addSupportUser(deps(), {
      email: 'support@hub.example',
      password: 'Pw-123456789',
    });

    expect(user.status).toBe('active');
    expect(cognito.commandCalls(AdminSetUserPasswordCommand)[0]?.args[0].input).toMatchObject({
      Username: 'sub-1',
      Password: 'Pw-123456789',
      Permanent: true,
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('removes the new login when the table write fails, and sends nothing', async () => {
    dynamo
      .on(TransactWriteItemsCommand)
      .rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));

    await expect(addSupportUser(deps(), { email: 'ada@org.example' })).rejects.toThrow();
    expect(deleted()).toEqual(['sub-1']);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('removes the new login when it cannot join the support group', async () => {
    cognito.on(AdminAddUserToGroupCommand).rejects(new Error('throttled'));

    await expect(addSupportUser(deps(), { email: 'ada@org.example' })).rejects.toThrow('throttled');
    expect(deleted()).toEqual(['sub-1']);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(0);
  });

  it('removes the login when another request took the email at the same moment', async () => {
    dynamo.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      }),
    );

    await expect(addSupportUser(deps(), { email: 'ada@org.example' })).rejects.toThrow();
    expect(deleted()).toEqual(['sub-1']);
  });

  it('leaves a login made minutes ago alone (another add may be running) and says so', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'sub-0',
      UserAttributes: [{ Name: 'sub', Value: 'sub-0' }],
      UserCreateDate: new Date('2026-11-28T09:58:00.000Z'),
    });

    const failure = await addSupportUser(deps(), { email: 'ada@org.example' }).catch(
      (error: unknown) => error,
    );

    expect((failure as SupportStaffError).refusal).toBe('LOGIN_WITHOUT_RECORD');
    expect(deleted()).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(0);
  });

  it('undoes the record and the login when SES refuses the invitation', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(new MessageRejected({ message: 'Email address is not verified', $metadata: {} }));

    const failure = await addSupportUser(deps(), { email: 'ada@org.example' }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(SupportStaffError);
    expect((failure as SupportStaffError).refusal).toBe('EMAIL_NOT_SENT');
    const undo = dynamo.commandCalls(TransactWriteItemsCommand)[1]?.args[0].input.TransactItems;
    expect(undo?.map((item) => item.Delete?.Key?.PK?.S)).toEqual([
      'USER#sub-1',
      'EMAIL#ada@org.example',
    ]);
    expect(deleted()).toEqual(['sub-1']);
  });
});

describe('removing a support user', () => {
  const ada = aUser({
    userId: 'sub-ada',
    email: 'ada@org.example',
    centreId: null,
    isSupport: true,
    sites: [],
  });
  const bob = aUser({
    userId: 'sub-bob',
    email: 'bob@org.example',
    centreId: null,
    isSupport: true,
    sites: [],
  });

  beforeEach(() => {
    dynamo
      .on(GetItemCommand, { Key: marshall({ PK: 'EMAIL#ada@org.example', SK: 'EMAIL' }) })
      .resolves({ Item: marshall({ userId: 'sub-ada' }) });
    dynamo
      .on(GetItemCommand, { Key: marshall({ PK: 'USER#sub-ada', SK: 'USER' }) })
      .resolves({ Item: marshall(toUserItem(ada), { removeUndefinedValues: true }) });
    dynamo.on(QueryCommand, { IndexName: 'GSI1' }).resolves({
      Items: [ada, bob].map((user) => marshall(toUserItem(user), { removeUndefinedValues: true })),
    });
    dynamo.on(QueryCommand, { KeyConditionExpression: 'PK = :pk' }).resolves({
      Items: [
        marshall({ PK: 'USER#sub-ada', SK: 'USER' }),
        marshall({ PK: 'USER#sub-ada', SK: 'EMAIL_CHANGE' }),
      ],
    });
  });

  it('deletes their items in one transaction that checks another support user still exists, then the login', async () => {
    await removeSupportUser(deps(), 'ada@org.example');

    const items =
      dynamo.commandCalls(TransactWriteItemsCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.ConditionCheck?.Key).toEqual(marshall({ PK: 'USER#sub-bob', SK: 'USER' }));
    expect(items[0]?.ConditionCheck?.ConditionExpression).toBe(
      'attribute_exists(PK) AND isSupport = :yes',
    );
    expect(
      items.slice(1).map((item) => `${item.Delete?.Key?.PK?.S}|${item.Delete?.Key?.SK?.S}`),
    ).toEqual(['EMAIL#ada@org.example|EMAIL', 'USER#sub-ada|USER', 'USER#sub-ada|EMAIL_CHANGE']);
    expect(deleted()).toEqual(['sub-ada']);
  });

  it('refuses the last support user, touching nothing', async () => {
    dynamo
      .on(QueryCommand, { IndexName: 'GSI1' })
      .resolves({ Items: [marshall(toUserItem(ada), { removeUndefinedValues: true })] });

    const failure = await removeSupportUser(deps(), 'ada@org.example').catch(
      (error: unknown) => error,
    );

    expect((failure as SupportStaffError).refusal).toBe('LAST_SUPPORT_USER');
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(0);
    expect(deleted()).toEqual([]);
  });

  it('keeps the login when the other support user went at the same moment (the check failed)', async () => {
    dynamo.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );

    const failure = await removeSupportUser(deps(), 'ada@org.example').catch(
      (error: unknown) => error,
    );

    expect((failure as SupportStaffError).refusal).toBe('LAST_SUPPORT_USER');
    expect(deleted()).toEqual([]);
  });
});
