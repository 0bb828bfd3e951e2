import * as z from 'zod';
import { sites, userStatuses } from '../domain.js';

export const SiteSchema = z.enum(sites).meta({ id: 'Site' });

export const CentreIdSchema = z
  .string()
  .regex(/^[A-Z]{2}[0-9]{3,8}$/, 'must be two capital letters and 3 to 8 digits, e.g. GB001')
  .meta({ description: 'Centre (school) id, e.g. GB001' });

export const UserIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a user id')
  .meta({ description: 'User id (the Cognito sub)' });

export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email('is not a valid email address'))
  .transform((email) => email.toLowerCase())
  .meta({ description: 'Email address; trimmed and compared case-insensitively' });

// Control characters and angle brackets are refused: a name is shown in emails and pages.
export const PersonNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[^\p{Cc}<>]+$/u, 'must not contain control characters or < >');

export const CentreNameSchema = PersonNameSchema.max(200, 'must be at most 200 characters');

export const PasswordSchema = z.string().min(1, 'must not be empty').max(256);

export const SitesSchema = z
  .array(SiteSchema)
  .max(sites.length)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a site');

export const UserStatusSchema = z.enum(userStatuses);

export const UserSchema = z
  .object({
    userId: z.string(),
    centreId: z.string(),
    name: z.string(),
    email: z.string(),
    isAdmin: z.boolean(),
    sites: z.array(SiteSchema),
    status: UserStatusSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'User' });

export const CentreSchema = z
  .object({ centreId: z.string(), name: z.string(), eligibleSites: z.array(SiteSchema) })
  .meta({ id: 'Centre' });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem document' });

/** `?limit=` 1–100 (default 50) and an opaque `?cursor=`. */
export const PageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2048).optional(),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const CentreParamsSchema = z.strictObject({ centreId: CentreIdSchema });
export const CentreUserParamsSchema = z.strictObject({
  centreId: CentreIdSchema,
  userId: UserIdSchema,
});

export const EmptySchema = z.strictObject({});
