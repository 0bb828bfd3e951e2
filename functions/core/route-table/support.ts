/** The route table's entries for customer services. */

import { route } from '../route-spec.js';
import { CentreParamsSchema, CentreSchema, PageQuerySchema, pageOf } from '../schemas/common.js';
import {
  CreateCentreBodySchema,
  CreatedCentreSchema,
  UpdateCentreBodySchema,
} from '../schemas/support.js';

export const supportEntries = {
  createCentre: route({
    method: 'POST',
    path: '/support/centres',
    area: 'support',
    access: 'support',
    summary: 'Create a centre and invite its first coordinator',
    body: CreateCentreBodySchema,
    success: {
      status: 201,
      description: 'The centre and its invited coordinator',
      schema: CreatedCentreSchema,
    },
    errors: ['CENTRE_EXISTS', 'EMAIL_TAKEN', 'IDEMPOTENCY_CONFLICT'],
    idempotent: true,
  }),
  listCentres: route({
    method: 'GET',
    path: '/support/centres',
    area: 'support',
    access: 'support',
    summary: 'Every centre, by centre id',
    query: PageQuerySchema,
    success: { status: 200, description: 'A page of centres', schema: pageOf(CentreSchema) },
  }),
  updateCentre: route({
    method: 'PATCH',
    path: '/support/centres/{centreId}',
    area: 'support',
    access: 'support',
    summary: "Change a centre's name or eligible sites",
    description: 'A site taken away is taken from every user of the centre.',
    params: CentreParamsSchema,
    body: UpdateCentreBodySchema,
    success: { status: 200, description: 'The centre', schema: CentreSchema },
    errors: ['CONFLICT'],
  }),
} as const;
