/**
 * The support account every local run starts from: a Cognito login with a permanent
 * password in the `support` group, and its record in the table. Safe to run twice. The same
 * code as the operator command's `support-user add` (functions/core/services/support-staff.ts),
 * given a password instead of emailing a temporary one.
 */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { cognitoIdentity } from '../../functions/core/adapters/cognito.js';
import { systemClock } from '../../functions/core/ports.js';
import { addSupportUser, SupportStaffError } from '../../functions/core/services/support-staff.js';

export async function ensureSupportAccount(options: {
  dynamodb: DynamoDBClient;
  cognito: CognitoIdentityProviderClient;
  tableName: string;
  userPoolId: string;
  userPoolClientId: string;
  email: string;
  password: string;
  name?: string;
}): Promise<{ userId: string }> {
  try {
    const user = await addSupportUser(
      {
        db: { client: options.dynamodb, tableName: options.tableName },
        identity: cognitoIdentity(options.cognito, options),
        clock: systemClock,
      },
      { email: options.email, password: options.password, name: options.name },
    );
    return { userId: user.userId };
  } catch (error) {
    if (error instanceof SupportStaffError && error.refusal === 'ALREADY_SUPPORT' && error.user)
      return { userId: error.user.userId };
    if (error instanceof SupportStaffError)
      throw new Error(`The support email ${options.email} is already used by another account`);
    throw error;
  }
}
