import * as z from 'zod';
import { EmailSchema, PasswordSchema, PersonNameSchema, patterned } from './common.js';

export const UpdateMeBodySchema = z.strictObject({ name: PersonNameSchema.optional() });

export const RequestEmailChangeBodySchema = z.strictObject({
  newEmail: EmailSchema,
  currentPassword: PasswordSchema,
});

export const PendingEmailSchema = z.object({ pendingEmail: z.string() });

export const ConfirmEmailChangeBodySchema = z.strictObject({
  code: patterned(/^[0-9]{6}$/, 'must be the 6 digits from the email', {
    max: 6,
    example: '123456',
    trim: true,
  }),
});

export const ChangePasswordBodySchema = z.strictObject({
  currentPassword: PasswordSchema,
  newPassword: PasswordSchema,
});

export const CurrentPasswordBodySchema = z.strictObject({ currentPassword: PasswordSchema });

export const ForgottenPasswordBodySchema = z.strictObject({ email: EmailSchema });
