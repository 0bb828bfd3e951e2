/**
 * Identity over Cognito. Cognito's exceptions are translated here into the product's
 * problem codes, so no Cognito error text ever reaches a client.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ProblemError } from '../errors.js';
import { claimsOfFreshToken } from '../jwt.js';
import type { Identity, Tokens } from '../ports.js';

const errorName = (error: unknown) => (error as { name?: string } | undefined)?.name ?? '';

function translate(
  error: unknown,
  whenCredentials: 'INVALID_CREDENTIALS' | 'UNAUTHENTICATED',
): never {
  switch (errorName(error)) {
    case 'NotAuthorizedException':
    case 'UserNotFoundException':
    case 'UserNotConfirmedException':
    case 'PasswordResetRequiredException':
      throw new ProblemError(whenCredentials);
    case 'InvalidPasswordException':
      // cognito-local raises this for a wrong password at sign-in; Cognito for a weak one.
      throw whenCredentials === 'INVALID_CREDENTIALS'
        ? new ProblemError('INVALID_CREDENTIALS')
        : new ProblemError('WEAK_PASSWORD');
    case 'UsernameExistsException':
    case 'AliasExistsException':
      throw new ProblemError('EMAIL_TAKEN');
    case 'CodeMismatchException':
    case 'ExpiredCodeException':
      throw new ProblemError('INVALID_CODE');
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
    case 'LimitExceededException':
      throw new ProblemError('RATE_LIMITED', 'Too many attempts, try again later', {
        headers: { 'retry-after': '60' },
      });
    default:
      throw error;
  }
}

function lifetimeOf(accessToken: string): number {
  const { exp, iat } = claimsOfFreshToken(accessToken);
  return Number(exp) - Number(iat);
}

function toTokens(result: AuthenticationResultType | undefined): Tokens {
  if (!result?.AccessToken || !result.IdToken) throw new Error('Cognito answered without tokens');
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
    // cognito-local leaves ExpiresIn out; the token itself says how long it lives.
    expiresIn: result.ExpiresIn ?? lifetimeOf(result.AccessToken),
    tokenType: 'Bearer',
  };
}

export function cognitoIdentity(
  client: CognitoIdentityProviderClient,
  settings: { userPoolId: string; userPoolClientId: string },
): Identity {
  const pool = { UserPoolId: settings.userPoolId };
  return {
    async createUser(email, temporaryPassword) {
      try {
        const { User } = await client.send(
          new AdminCreateUserCommand({
            ...pool,
            Username: email,
            TemporaryPassword: temporaryPassword,
            // The product sends its own invitation through SES, in its own words.
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
            ],
          }),
        );
        const sub = User?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
        const userId = sub ?? User?.Username;
        if (!userId) throw new Error('Cognito created a user without a sub');
        return { userId };
      } catch (error) {
        translate(error, 'UNAUTHENTICATED');
      }
    },

    async findUser(email) {
      try {
        const user = await client.send(new AdminGetUserCommand({ ...pool, Username: email }));
        const sub = user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
        const userId = sub ?? user.Username;
        return userId ? { userId, createdAt: user.UserCreateDate ?? new Date() } : undefined;
      } catch (error) {
        if (errorName(error) === 'UserNotFoundException') return undefined;
        throw error;
      }
    },

    async deleteUser(userId) {
      try {
        await client.send(new AdminDeleteUserCommand({ ...pool, Username: userId }));
      } catch (error) {
        if (errorName(error) === 'UserNotFoundException') return;
        throw error;
      }
    },

    async addToGroup(userId, group) {
      await client.send(
        new AdminAddUserToGroupCommand({ ...pool, Username: userId, GroupName: group }),
      );
    },

    async setPassword(userId, password, permanent) {
      try {
        await client.send(
          new AdminSetUserPasswordCommand({
            ...pool,
            Username: userId,
            Password: password,
            Permanent: permanent,
          }),
        );
      } catch (error) {
        translate(error, 'UNAUTHENTICATED');
      }
    },

    async signIn(email, password) {
      try {
        const result = await client.send(
          new AdminInitiateAuthCommand({
            ...pool,
            ClientId: settings.userPoolClientId,
            AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: email, PASSWORD: password },
          }),
        );
        // The password was right; the product runs the new-password step itself.
        if (result.ChallengeName === 'NEW_PASSWORD_REQUIRED')
          return { kind: 'newPasswordRequired' };
        return { kind: 'tokens', tokens: toTokens(result.AuthenticationResult) };
      } catch (error) {
        translate(error, 'INVALID_CREDENTIALS');
      }
    },

    async signOutEverywhere(userId) {
      await client.send(new AdminUserGlobalSignOutCommand({ ...pool, Username: userId }));
    },

    async disableUser(userId) {
      await client.send(new AdminDisableUserCommand({ ...pool, Username: userId }));
    },

    async enableUser(userId) {
      await client.send(new AdminEnableUserCommand({ ...pool, Username: userId }));
    },

    async changeEmail(userId, newEmail) {
      try {
        await client.send(
          new AdminUpdateUserAttributesCommand({
            ...pool,
            Username: userId,
            UserAttributes: [
              { Name: 'email', Value: newEmail },
              // The coordinator vouches for the address; the old one stops signing in at once.
              { Name: 'email_verified', Value: 'true' },
            ],
          }),
        );
      } catch (error) {
        translate(error, 'UNAUTHENTICATED');
      }
    },

    async startPasswordReset(email) {
      try {
        await client.send(
          new ForgotPasswordCommand({ ClientId: settings.userPoolClientId, Username: email }),
        );
        return 'sent';
      } catch (error) {
        // A user who never set a password (invited) cannot reset one; an unknown user
        // answers the same way, and neither is told to the caller.
        const name = errorName(error);
        if (
          ['NotAuthorizedException', 'UserNotFoundException', 'InvalidParameterException'].includes(
            name,
          )
        )
          return 'not-possible';
        translate(error, 'UNAUTHENTICATED');
      }
    },

    async confirmPasswordReset(email, code, newPassword) {
      try {
        await client.send(
          new ConfirmForgotPasswordCommand({
            ClientId: settings.userPoolClientId,
            Username: email,
            ConfirmationCode: code,
            Password: newPassword,
          }),
        );
      } catch (error) {
        const name = errorName(error);
        if (
          ['UserNotFoundException', 'NotAuthorizedException', 'InvalidParameterException'].includes(
            name,
          )
        )
          throw new ProblemError('INVALID_CODE');
        translate(error, 'UNAUTHENTICATED');
      }
    },

    async refresh(refreshToken) {
      try {
        const result = await client.send(
          new AdminInitiateAuthCommand({
            ...pool,
            ClientId: settings.userPoolClientId,
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            AuthParameters: { REFRESH_TOKEN: refreshToken },
          }),
        );
        return toTokens(result.AuthenticationResult);
      } catch (error) {
        translate(error, 'UNAUTHENTICATED');
      }
    },
  };
}
