import * as z from 'zod';
import { EmailSchema, PasswordSchema, patterned, secretText } from './common.js';

export const LoginBodySchema = z.strictObject({ email: EmailSchema, password: PasswordSchema });

export const NewPasswordBodySchema = z.strictObject({
  email: EmailSchema,
  // The hub's own challenge session (data/challenge.ts): 32 random bytes, base64url.
  session: patterned(/^[A-Za-z0-9_-]+$/, 'is not a valid session', {
    max: 256,
    example: 'q1Vh3b9kUuM4cGm0x7aE2tRZfQ8yLw5nPjDsKoHiB6c',
  }),
  newPassword: PasswordSchema,
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

export const LoginResultSchema = z.union([TokensSchema, ChallengeSchema]);
