import * as z from 'zod';
import { EmailSchema, PasswordSchema, patterned, secretText } from './common.js';

export const LoginBodySchema = z.strictObject({ email: EmailSchema, password: PasswordSchema });

// The hub's own challenge session (data/challenge.ts): 32 random bytes, base64url.
const SessionSchema = patterned(/^[A-Za-z0-9_-]+$/, 'is not a valid session', {
  max: 256,
  example: 'q1Vh3b9kUuM4cGm0x7aE2tRZfQ8yLw5nPjDsKoHiB6c',
});

export const NewPasswordBodySchema = z.strictObject({
  email: EmailSchema,
  session: SessionSchema,
  newPassword: PasswordSchema,
});

/** A code from an authenticator app (TOTP, RFC 6238): six digits. */
export const AuthenticatorCodeSchema = patterned(
  /^[0-9]{6}$/,
  'must be the 6 digits your authenticator app shows',
  { max: 6, example: '123456', trim: true },
);

export const MfaCodeBodySchema = z.strictObject({
  email: EmailSchema,
  session: SessionSchema,
  code: AuthenticatorCodeSchema,
});

export const RefreshBodySchema = z.strictObject({
  // Cognito's own token, opaque to the hub: only bounded.
  refreshToken: secretText(8192),
});

export const TokensSchema = z
  .object({
    accessToken: z.string(),
    idToken: z.string(),
    refreshToken: z.string().optional(),
    expiresIn: z.number().int(),
    tokenType: z.literal('Bearer'),
  })
  .meta({ id: 'Tokens' });

export const ChallengeSchema = z
  .object({ challenge: z.literal('NEW_PASSWORD_REQUIRED'), session: z.string() })
  .meta({ id: 'NewPasswordChallenge' });

export const MfaCodeChallengeSchema = z
  .object({ challenge: z.literal('SOFTWARE_TOKEN_MFA'), session: z.string() })
  .meta({ id: 'MfaCodeChallenge' });

/** A new authenticator app's secret: as text (base32) and as an otpauth:// link. */
export const AuthenticatorSecretSchema = z
  .object({ secret: z.string(), otpauthUri: z.string() })
  .meta({ id: 'AuthenticatorSecret' });

export const MfaSetupChallengeSchema = z
  .object({
    challenge: z.literal('MFA_SETUP'),
    session: z.string(),
    secret: z.string(),
    otpauthUri: z.string(),
  })
  .meta({ id: 'MfaSetupChallenge' });

export const LoginResultSchema = z.union([
  TokensSchema,
  ChallengeSchema,
  MfaCodeChallengeSchema,
  MfaSetupChallengeSchema,
]);

/** After a new password: tokens, or the authenticator-app steps that still stand between. */
export const NewPasswordResultSchema = z.union([
  TokensSchema,
  MfaCodeChallengeSchema,
  MfaSetupChallengeSchema,
]);

export const MfaStatusSchema = z
  .object({ enabled: z.boolean(), required: z.boolean() })
  .meta({ id: 'MfaStatus' });

export const MfaConfirmBodySchema = z.strictObject({ code: AuthenticatorCodeSchema });
