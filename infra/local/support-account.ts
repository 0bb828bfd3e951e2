/**
 * The support account every local run starts from: a Cognito login with a permanent
 * password in the `support` group, and its record in the table. Safe to run twice.
 */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { cognitoIdentity } from '../../functions/core/adapters/cognito.js';
import { transactWrite } from '../../functions/core/data/db.js';
import { createUserItems, getUserIdByEmail } from '../../functions/core/data/user.js';
import { normalizeEmail, supportGroup } from '../../functions/core/domain.js';
import { temporaryPassword } from '../../functions/core/passwords.js';
import { totpCode } from './totp.js';

export async function ensureSupportAccount(options: {
  dynamodb: DynamoDBClient;
  cognito: CognitoIdentityProviderClient;
  tableName: string;
  userPoolId: string;
  userPoolClientId: string;
  email: string;
  password: string;
  name?: string;
  /**
   * Set an authenticator app up for the account now and answer its secret (tests compute
   * its codes). Without it, the first sign-in asks to set one up, as in AWS.
   */
  withAuthenticator?: boolean;
}): Promise<{ userId: string; authenticatorSecret?: string }> {
  const db = { client: options.dynamodb, tableName: options.tableName };
  const email = normalizeEmail(options.email);
  const existing = await getUserIdByEmail(db, email);
  if (existing) return { userId: existing };

  const identity = cognitoIdentity(options.cognito, options);
  const authenticator = async () => {
    const signedIn = await identity.signIn(email, options.password);
    if (signedIn.kind !== 'tokens') throw new Error(`Support sign-in answered ${signedIn.kind}`);
    const { accessToken } = signedIn.tokens;
    const { secret } = await identity.startTotpSetup(accessToken);
    await identity.finishTotpSetup(accessToken, totpCode(secret));
    return secret;
  };
  const { userId } = await identity.createUser(email, temporaryPassword());
  await identity.setPassword(userId, options.password, true);
  await identity.addToGroup(userId, supportGroup);
  const now = new Date().toISOString();
  const written = await transactWrite(
    db,
    createUserItems(db, {
      userId,
      centreId: null,
      name: options.name ?? 'Customer Services',
      email,
      isAdmin: false,
      isSupport: true,
      sites: [],
      status: 'active',
      tokensValidAfter: 0,
      version: 0,
      createdAt: now,
      updatedAt: now,
    }),
  );
  if (!written.ok) throw new Error(`The support email ${email} is already used by another account`);
  return {
    userId,
    ...(options.withAuthenticator ? { authenticatorSecret: await authenticator() } : {}),
  };
}
