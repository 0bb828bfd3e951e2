/**
 * What choosing the first password (accepting an invitation) asks of DynamoDB: each step
 * once. Every invited user does it once, and the integration tests do it about 500 times.
 */
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { toUserItem, userKey } from '../../functions/core/data/user.js';
import { authHandler } from './fakes/auth.js';
import { context, httpEvent } from './fakes/events.js';
import { aUser, fakeIdentity, someTokens } from './fakes/index.js';

describe('POST /auth/new-password', () => {
  it('uses up the session, reads the user once, records the session and activates them: 4 calls', async () => {
    const db = { client: new DynamoDBClient({ region: 'eu-west-2' }), tableName: 'hub' };
    const dynamo = mockClient(db.client);
    const user = aUser({ status: 'invited' });
    dynamo.on(DeleteItemCommand).resolves({
      Attributes: marshall({
        userId: user.userId,
        email: user.email,
        kind: 'newPassword',
        expiresAt: 1_900_000_000,
      }),
    });
    dynamo
      .on(GetItemCommand, { Key: marshall(userKey(user.userId)) })
      .resolves({ Item: marshall(toUserItem(user), { removeUndefinedValues: true }) });
    dynamo.on(PutItemCommand).resolves({});
    dynamo.on(TransactWriteItemsCommand).resolves({});
    const identity = fakeIdentity();
    identity.signIn = async () => ({ kind: 'tokens', tokens: someTokens(user.userId) });
    const handler = authHandler(db, identity);

    const answer = await handler(
      httpEvent({
        routeKey: 'POST /auth/new-password',
        body: JSON.stringify({
          email: user.email,
          session: 'a-session-from-sign-in',
          newPassword: 'Chosen-Password-42',
        }),
      }) as never,
      context as never,
    );

    expect(answer).toMatchObject({ statusCode: 200 });
    expect(dynamo.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'DeleteItemCommand',
      'GetItemCommand',
      'PutItemCommand',
      'TransactWriteItemsCommand',
    ]);
    const [activation] = dynamo.commandCalls(TransactWriteItemsCommand);
    const written = activation?.args[0].input.TransactItems?.[0]?.Put?.Item;
    expect(written?.status).toEqual({ S: 'active' });
  });
});
