import * as z from 'zod';
import {
  CentreIdSchema,
  CentreNameSchema,
  CentreSchema,
  EmailSchema,
  PageQuerySchema,
  PersonNameSchema,
  SitesSchema,
  searchTerm,
  UserSchema,
} from './common.js';

export const CreateCentreBodySchema = z.strictObject({
  centreId: CentreIdSchema,
  name: CentreNameSchema,
  eligibleSites: SitesSchema,
  coordinator: z.strictObject({ name: PersonNameSchema, email: EmailSchema }),
});

export const CreatedCentreSchema = z.object({ centre: CentreSchema, coordinator: UserSchema });

export const UpdateCentreBodySchema = z.strictObject({
  name: CentreNameSchema.optional(),
  eligibleSites: SitesSchema.optional(),
});

export const CentreListQuerySchema = PageQuerySchema.extend({
  q: searchTerm(100).optional().meta({
    description:
      "With a digit: the start of a centre id (e.g. GB0). Otherwise: the start of the centre's name, case-insensitively",
  }),
});

/** Two characters of a name at least (they name the one index partition to read). */
const namePrefixLength = 2;

export const PeopleQuerySchema = PageQuerySchema.extend({
  q: searchTerm(254, {
    required: 'is required: an email address or at least 2 characters of a name',
  })
    .refine((q) => q.includes('@') || Array.from(q).length >= namePrefixLength, {
      message: `must be an email address or at least ${namePrefixLength} characters of a name`,
    })
    .meta({
      description:
        "With an @: one person's exact email address, case-insensitively. Otherwise: the start of the person's full name, case-insensitively, at least 2 characters",
    }),
});
