import * as z from 'zod';
import {
  CentreIdSchema,
  CentreNameSchema,
  CentreSchema,
  EmailSchema,
  PersonNameSchema,
  SitesSchema,
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
