import * as z from 'zod';
import { EmailSchema, PasswordSchema, PersonNameSchema } from './common.js';

export const UpdateMeBodySchema = z.strictObject({ name: PersonNameSchema.optional() });

export const RequestEmailChangeBodySchema = z.strictObject({
  newEmail: EmailSchema,
  currentPassword: PasswordSchema,
});

export const PendingEmailSchema = z.object({ pendingEmail: z.string() });

export const ConfirmEmailChangeBodySchema = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[0-9]{6}$/, 'must be the 6 digits from the email'),
});

export const ChangePasswordBodySchema = z.strictObject({
  currentPassword: PasswordSchema,
  newPassword: PasswordSchema,
});

export const ForgottenPasswordBodySchema = z.strictObject({ email: EmailSchema });
