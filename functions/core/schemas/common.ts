import * as z from 'zod';
import { emailProblems, sites, userStatuses } from '../domain.js';

// ---------------------------------------------------------------------------------------
// Every string a request may carry (path, query or body) is made by one of the helpers
// below, each bounded and ruled. tests/unit/request-strings.test.ts walks every route's
// request schemas and fails on any string that was not (a bare `z.string()`).

/**
 * The rule a request string follows. `text`: free text that pages and emails show (a name,
 * a class, a series): no control characters (NUL, line breaks…) and no `<` `>`. `search`:
 * a search term, never stored nor shown: no control characters. `pattern`: a shape of its
 * own (an id, a code, an email address, a cursor), which `example` fits. `secret`: a
 * password, never shown nor stored by the hub: any characters, bounded.
 */
export type StringRule =
  | { rule: 'text'; max: number }
  | { rule: 'search'; max: number }
  | { rule: 'pattern'; max: number; example: string }
  | { rule: 'secret'; max: number };

/** Which helper made each request string (derived schemas, e.g. `.optional()`, inherit it). */
export const stringRules = z.registry<StringRule>();

// Control characters here are C0, DEL and C1 (\p{Cc}), the line and paragraph separators
// (\p{Zl}\p{Zp}), the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069: a name that reads backwards, or spoofs the text around it, in a page or an
// email) and lone surrogates (\p{Cs}, not text at all). Marks that real scripts need (ZWJ,
// ZWNJ, LRM, RLM) stay allowed.
const noControlCharacters = /^[^\p{Cc}\p{Zl}\p{Zp}\p{Cs}\u202A-\u202E\u2066-\u2069]+$/u;
const noControlCharactersNorBrackets =
  /^[^\p{Cc}\p{Zl}\p{Zp}\p{Cs}\u202A-\u202E\u2066-\u2069<>]+$/u;

/**
 * Free text that pages and emails show: trimmed, 1 to `max` characters, no control
 * characters and no `<` `>` (the rule names have always followed).
 */
export const freeText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(noControlCharactersNorBrackets, 'must not contain control characters or < >')
    .register(stringRules, { rule: 'text', max });

/** A search term: trimmed, 1 to `max` characters, no control characters. */
export const searchTerm = (max: number, options: { required?: string } = {}) =>
  z
    .string(options.required ? { error: options.required } : undefined)
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(noControlCharacters, 'must not contain control characters')
    .register(stringRules, { rule: 'search', max });

/**
 * A string of a set shape (an anchored `pattern`) that `example` fits, at most `max`
 * characters (checked first, with the pattern's own message).
 */
export const patterned = (
  pattern: RegExp,
  message: string,
  options: { max: number; example: string; trim?: boolean },
) => {
  const text = options.trim ? z.string().trim() : z.string();
  return text
    .max(options.max, { message, abort: true })
    .regex(pattern, message)
    .register(stringRules, { rule: 'pattern', max: options.max, example: options.example });
};

/** A password: any characters (it is never shown nor stored by the hub), 1 to `max`. */
export const secretText = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .register(stringRules, { rule: 'secret', max });

export const SiteSchema = z.enum(sites).meta({ id: 'Site' });

export const CentreIdSchema = patterned(
  /^[A-Z]{2}[0-9]{3,8}$/,
  'must be two capital letters and 3 to 8 digits, e.g. GB001',
  { max: 10, example: 'GB001' },
).meta({ description: 'Centre (school) id, e.g. GB001' });

export const UserIdSchema = patterned(/^[A-Za-z0-9-]{1,64}$/, 'is not a user id', {
  max: 64,
  example: '5f0c8e2a-63b1-4a53-9d3e-3c1c2b5a7e10',
}).meta({ description: 'User id (the Cognito sub)' });

export const EmailSchema = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('is not a valid email address'))
  .transform((email) => email.toLowerCase())
  .register(stringRules, { rule: 'pattern', max: 254, example: 'ada@school.example' })
  .meta({ description: 'Email address; trimmed and compared case-insensitively' });

export const PersonNameSchema = freeText(100);

export const CentreNameSchema = freeText(200);

export const PasswordSchema = secretText(256);

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
    emailStatus: z
      .object({
        problem: z.enum(emailProblems),
        at: z.iso.datetime(),
        detail: z.string().optional(),
      })
      .optional()
      .meta({
        description:
          'Present only when emails to this address are not arriving: failed (the hub gave up sending one), bouncing (a permanent bounce) or complained (the person marked an email as spam). Cleared when the email changes.',
      }),
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
  cursor: patterned(/^[A-Za-z0-9_-]+$/, 'is not a valid cursor', {
    max: 2048,
    example: 'eyJQSyI6IlVTRVIjMSJ9',
  }).optional(),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const CentreParamsSchema = z.strictObject({ centreId: CentreIdSchema });
export const CentreUserParamsSchema = z.strictObject({
  centreId: CentreIdSchema,
  userId: UserIdSchema,
});

export const EmptySchema = z.strictObject({});
