import * as z from 'zod';
import { EmailSchema, PasswordSchema } from './common.js';

export const LoginBodySchema = z.strictObject({ email: EmailSchema, password: PasswordSchema });

export const NewPasswordBodySchema = z.strictObject({
  email: EmailSchema,
  session: z.string().min(1).max(256),
  newPassword: PasswordSchema,
});

export const RefreshBodySchema = z.strictObject({
  refreshToken: z.string().min(1).max(8192),
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
