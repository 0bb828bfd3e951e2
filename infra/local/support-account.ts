/**
 * The support account every local run starts from: a Cognito login with a permanent
 * password in the `support` group, and its record in the table. Safe to run twice. The same
 * code as the operator command's `support-user add` (functions/core/services/support-staff.ts),
 * given a password instead of emailing a temporary one.
 */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { cognitoIdentity } from '../../functions/core/adapters/cognito.js';
import { normalizeEmail } from '../../functions/core/domain.js';
import { systemClock } from '../../functions/core/ports.js';
import { addSupportUser, SupportStaffError } from '../../functions/core/services/support-staff.js';
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
  const identity = cognitoIdentity(options.cognito, options);
  let userId: string;
  try {
    const user = await addSupportUser(
      {
        db: { client: options.dynamodb, tableName: options.tableName },
        identity,
        clock: systemClock,
      },
      { email: options.email, password: options.password, name: options.name },
    );
    userId = user.userId;
  } catch (error) {
    if (error instanceof SupportStaffError && error.refusal === 'ALREADY_SUPPORT' && error.user)
      return { userId: error.user.userId };
    if (error instanceof SupportStaffError)
      throw new Error(`The support email ${options.email} is already used by another account`);
    throw error;
  }
  if (!options.withAuthenticator) return { userId };
  // As the person would: sign in, then set the app up with a code it shows.
  const signedIn = await identity.signIn(normalizeEmail(options.email), options.password);
  if (signedIn.kind !== 'tokens') throw new Error(`Support sign-in answered ${signedIn.kind}`);
  const { accessToken } = signedIn.tokens;
  const { secret } = await identity.startTotpSetup(accessToken);
  await identity.finishTotpSetup(accessToken, totpCode(secret));
  return { userId, authenticatorSecret: secret };
}
