/**
 * Identity over Cognito. Cognito's exceptions are translated here into the product's
 * problem codes, so no Cognito error text ever reaches a client.
 */

import { createHmac } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  AssociateSoftwareTokenCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  type ContextDataType,
  DescribeUserPoolClientCommand,
  ForgotPasswordCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ProblemError } from '../errors.js';
import { claimsOfFreshToken } from '../jwt.js';
import type { Identity, RequestOrigin, Tokens } from '../ports.js';

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
    case 'EnableSoftwareTokenMFAException':
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

/** Cognito's ContextData (Admin* calls) for threat protection. */
const contextData = (origin: RequestOrigin | undefined): { ContextData?: ContextDataType } =>
  origin
    ? {
        ContextData: {
          IpAddress: origin.ipAddress,
          ServerName: origin.serverName,
          ServerPath: origin.serverPath,
          HttpHeaders: Object.entries(origin.headers).map(([headerName, headerValue]) => ({
            headerName,
            headerValue,
          })),
        },
      }
    : {};

/** UserContextData (the public calls: forgotten password) carries the IP address alone. */
const userContextData = (origin: RequestOrigin | undefined) =>
  origin ? { UserContextData: { IpAddress: origin.ipAddress } } : {};

export interface CognitoIdentitySettings {
  userPoolId: string;
  /** The app client the API signs in with. Its secret, if any, is read from Cognito once. */
  userPoolClientId: string;
  /**
   * The app client that signed users in before this one (only while clients are being
   * replaced): a refresh token it issued is refreshed with it.
   */
  legacyUserPoolClientId?: string;
}

export function cognitoIdentity(
  client: CognitoIdentityProviderClient,
  settings: CognitoIdentitySettings,
): Identity {
  const pool = { UserPoolId: settings.userPoolId };
  const clientId = settings.userPoolClientId;
  // The client secret lives in Cognito alone: read once per cold start (never an
  // environment variable, which anyone who may read the function's configuration sees).
  let secret: Promise<string | undefined> | undefined;
  const clientSecret = () => {
    secret ??= client
      .send(new DescribeUserPoolClientCommand({ ...pool, ClientId: clientId }))
      .then((answer) => answer.UserPoolClient?.ClientSecret)
      .catch((error: unknown) => {
        secret = undefined;
        throw error;
      });
    return secret;
  };
  /** SECRET_HASH for `username`, when the client has a secret. */
  const secretHash = async (username: string) => {
    const key = await clientSecret();
    return key
      ? createHmac('sha256', key).update(`${username}${clientId}`).digest('base64')
      : undefined;
  };
  const withHash = async (params: Record<string, string>, username: string) => {
    const hash = await secretHash(username);
    return hash ? { ...params, SECRET_HASH: hash } : params;
  };
  const refreshWith = async (refreshToken: string, userId: string, appClientId: string) => {
    const legacy = appClientId !== clientId;
    const result = await client.send(
      new AdminInitiateAuthCommand({
        ...pool,
        ClientId: appClientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: legacy
          ? { REFRESH_TOKEN: refreshToken }
          : await withHash({ REFRESH_TOKEN: refreshToken }, userId),
      }),
    );
    return toTokens(result.AuthenticationResult);
  };
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

    async signIn(email, password, origin) {
      try {
        const result = await client.send(
          new AdminInitiateAuthCommand({
            ...pool,
            ClientId: clientId,
            AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
            AuthParameters: await withHash({ USERNAME: email, PASSWORD: password }, email),
            ...contextData(origin),
          }),
        );
        // The password was right; the product runs the new-password step itself.
        if (result.ChallengeName === 'NEW_PASSWORD_REQUIRED')
          return { kind: 'newPasswordRequired' };
        if (result.ChallengeName === 'SOFTWARE_TOKEN_MFA' && result.Session)
          return { kind: 'mfaRequired', session: result.Session };
        if (result.ChallengeName) throw new Error(`Unexpected challenge ${result.ChallengeName}`);
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

    async startPasswordReset(email, origin) {
      try {
        const hash = await secretHash(email);
        await client.send(
          new ForgotPasswordCommand({
            ClientId: clientId,
            Username: email,
            ...(hash ? { SecretHash: hash } : {}),
            ...userContextData(origin),
          }),
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

    async confirmPasswordReset(email, code, newPassword, origin) {
      try {
        const hash = await secretHash(email);
        await client.send(
          new ConfirmForgotPasswordCommand({
            ClientId: clientId,
            Username: email,
            ...(hash ? { SecretHash: hash } : {}),
            ...userContextData(origin),
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

    async refresh(refreshToken, userId) {
      try {
        return await refreshWith(refreshToken, userId, clientId);
      } catch (error) {
        // A refresh token of the client being replaced works only with that client.
        const legacy = settings.legacyUserPoolClientId;
        if (legacy && errorName(error) === 'NotAuthorizedException')
          try {
            return await refreshWith(refreshToken, userId, legacy);
          } catch (legacyError) {
            translate(legacyError, 'UNAUTHENTICATED');
          }
        translate(error, 'UNAUTHENTICATED');
      }
    },

    async answerMfaChallenge(email, session, code, origin) {
      try {
        const result = await client.send(
          new AdminRespondToAuthChallengeCommand({
            ...pool,
            ClientId: clientId,
            ChallengeName: 'SOFTWARE_TOKEN_MFA',
            Session: session,
            ChallengeResponses: await withHash(
              { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: code },
              email,
            ),
            ...contextData(origin),
          }),
        );
        return toTokens(result.AuthenticationResult);
      } catch (error) {
        // Cognito answers a wrong code, and a session that is used up or too old, alike.
        if (['CodeMismatchException', 'NotAuthorizedException'].includes(errorName(error)))
          throw new ProblemError('INVALID_CODE');
        translate(error, 'UNAUTHENTICATED');
      }
    },

    async startTotpSetup(accessToken) {
      const { SecretCode } = await client.send(
        new AssociateSoftwareTokenCommand({ AccessToken: accessToken }),
      );
      if (!SecretCode) throw new Error('Cognito answered no secret');
      return { secret: SecretCode };
    },

    async finishTotpSetup(accessToken, code) {
      try {
        const { Status } = await client.send(
          new VerifySoftwareTokenCommand({
            AccessToken: accessToken,
            UserCode: code,
            FriendlyDeviceName: 'Authenticator app',
          }),
        );
        if (Status !== 'SUCCESS') throw new ProblemError('INVALID_CODE');
        await client.send(
          new SetUserMFAPreferenceCommand({
            AccessToken: accessToken,
            SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
          }),
        );
      } catch (error) {
        if (error instanceof ProblemError) throw error;
        // No secret started (InvalidParameter) answers like a wrong code.
        if (errorName(error) === 'InvalidParameterException')
          throw new ProblemError('INVALID_CODE');
        translate(error, 'UNAUTHENTICATED');
      }
    },

    async hasTotp(userId) {
      const user = await client.send(new AdminGetUserCommand({ ...pool, Username: userId }));
      return (user.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA');
    },

    async removeTotp(userId) {
      await client.send(
        new AdminSetUserMFAPreferenceCommand({
          ...pool,
          Username: userId,
          SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
        }),
      );
    },
  };
}
