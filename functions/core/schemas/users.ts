import * as z from 'zod';
import { sites, userStatuses } from '../domain.js';
import {
  EmailSchema,
  PageQuerySchema,
  PasswordSchema,
  PersonNameSchema,
  ProblemSchema,
  patterned,
  SitesSchema,
  searchTerm,
  UserSchema,
} from './common.js';

/**
 * The Users list's `q` (also the site's Teachers list's): words, each the start of a word
 * of the name or email address (data/user-search.ts). A control character (a newline, a
 * tab) is refused rather than read as a space: it is never what someone typed in a box.
 */
export const UserSearchSchema = searchTerm(100)
  .regex(/[\p{L}\p{N}]/u, 'must contain a letter or a digit')
  .meta({
    description:
      'Words, each the start of a word of the name or email address (words are split at spaces and at . - _ + @), case- and accent-insensitively: `ada lov` finds Ada Lovelace, a whole email address finds its owner',
  });

export const UserListQuerySchema = PageQuerySchema.extend({
  q: UserSearchSchema.optional(),
  status: z.enum(userStatuses).optional(),
  role: z.enum(['admin', 'teacher']).optional(),
  site: z.enum(sites).optional(),
  email: z.enum(['problem']).optional().meta({
    description:
      'Only users whose emails are not arriving: bouncing, complained of, or failed (`emailStatus` is set)',
  }),
});

/** One row of "Add new users": a name, a unique email, admin rights and site ticks. */
export const NewUserRowSchema = z.strictObject({
  name: PersonNameSchema,
  email: EmailSchema,
  isAdmin: z.boolean().default(false),
  sites: SitesSchema.default([]),
});

// Rows are checked one by one (a bad row fails alone), so the envelope only asks for
// objects; the OpenAPI document shows the row schema (AddUsersBodyDocumented).
export const AddUsersBodySchema = z.strictObject({
  users: z
    .array(z.record(z.string(), z.unknown()))
    .min(1, 'must have at least 1 row')
    .max(100, 'must have at most 100 rows'),
});

export const AddUsersResultSchema = z.object({
  results: z.array(
    z.union([
      z.object({ index: z.number().int(), status: z.literal('created'), user: UserSchema }),
      z.object({ index: z.number().int(), status: z.literal('failed'), error: ProblemSchema }),
    ]),
  ),
  created: z.number().int(),
  failed: z.number().int(),
});

export const EditUserBodySchema = z.strictObject({
  email: EmailSchema.optional(),
  isAdmin: z.boolean().optional(),
  sites: SitesSchema.optional(),
});

export const ProgressionDataSchema = z
  .object({
    primary: z.number().int(),
    'lower-secondary': z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'ProgressionData' });

export const SuspendResultSchema = z.object({
  user: UserSchema,
  progressionData: ProgressionDataSchema,
});

export const AuditEntrySchema = z
  .object({
    at: z.iso.datetime(),
    actorId: z.string(),
    action: z.string(),
    targetId: z.string().optional(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });

export const ResetPasswordBodySchema = z.strictObject({
  email: EmailSchema,
  code: patterned(/^[0-9]{4,10}$/, 'must be the digits from the email', {
    max: 10,
    example: '123456',
    trim: true,
  }),
  newPassword: PasswordSchema,
});

export const AddUsersBodyDocumented = z.strictObject({
  users: z.array(NewUserRowSchema).min(1).max(100),
});
