/** The route table's entries for customer services. */

import { route } from '../route-spec.js';
import {
  CentreParamsSchema,
  CentreSchema,
  CentreUserParamsSchema,
  pageOf,
  UserSchema,
} from '../schemas/common.js';
import {
  CentreListQuerySchema,
  CentreSiteRemovalSchema,
  CreateCentreBodySchema,
  CreatedCentreSchema,
  PeopleQuerySchema,
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
    summary: 'Every centre, by centre id; or the centres `q` names',
    description:
      "Without `q`, every centre, ordered by id. `q` (trimmed, 1 to 100 characters) containing a digit is the start of a centre id, compared upper-cased (`gb0` finds GB001), ordered by id; any other `q` is the start of the centre's name, case-insensitively (`north` finds North Park School), ordered by name. Paged by `limit` and `cursor` either way; a cursor is good only for the `q` it was given with.",
    query: CentreListQuerySchema,
    success: { status: 200, description: 'A page of centres', schema: pageOf(CentreSchema) },
  }),
  findPeople: route({
    method: 'GET',
    path: '/support/users',
    area: 'support',
    access: 'support',
    summary: 'Find a person of any centre, by exact email or by the start of their name',
    description:
      "For rescuing a coordinator who lost both email and password. `q` containing `@` is one exact email address (case-insensitive): a page of 0 or 1 users, `nextCursor` null. Any other `q` is the start of the person's full name, case-insensitively, at least 2 characters, across every centre, ordered by name and paged by `limit` and `cursor`. Each user carries its `centreId`. Customer services only.",
    query: PeopleQuerySchema,
    success: { status: 200, description: 'A page of users', schema: pageOf(UserSchema) },
  }),
  updateCentre: route({
    method: 'PATCH',
    path: '/support/centres/{centreId}',
    area: 'support',
    access: 'support',
    summary: "Change a centre's name or eligible sites",
    description:
      "A site taken away is taken from every user of the centre, by an operation: the centre's new eligibility counts at once (the site's routes refuse the centre from that moment, whatever its users' records still say), and the answer is 202 with the operation's Location (`GET /centres/{centreId}/operations/{operationId}`, type `site_removal`, with `usersChecked` and `usersUpdated` as it goes). While it runs, the same change sent again answers the same operation (and resumes it, if it failed, from the page where it stopped); giving one of its sites back, or taking away another, is refused with 409 CONFLICT until it has ended. A change that takes no site away answers 200.",
    params: CentreParamsSchema,
    body: UpdateCentreBodySchema,
    success: { status: 200, description: 'The centre', schema: CentreSchema },
    accepted: {
      status: 202,
      description: 'The centre; its users are losing the sites taken away (follow the operation)',
      schema: CentreSiteRemovalSchema,
    },
    errors: ['CONFLICT', 'SERVICE_UNAVAILABLE'],
  }),
  resetUserMfa: route({
    method: 'POST',
    path: '/support/centres/{centreId}/users/{userId}/mfa/reset',
    area: 'support',
    access: 'support',
    summary: "Turn off a user's authenticator app (they lost it); audited",
    description:
      "The user signs in with their password alone until they set an app up again from their profile. Support staff's own apps are reset by an operator, not here (403).",
    params: CentreUserParamsSchema,
    success: { status: 204, description: 'Two-step sign-in is off for the user' },
    errors: ['FORBIDDEN'],
  }),
} as const;
