/** The route table's entries for the signed-in user's own account. */

import { route } from '../route-spec.js';
import { UserSchema } from '../schemas/common.js';
import {
  ChangePasswordBodySchema,
  ConfirmEmailChangeBodySchema,
  PendingEmailSchema,
  RequestEmailChangeBodySchema,
  UpdateMeBodySchema,
} from '../schemas/me.js';

export const meEntries = {
  getMe: route({
    method: 'GET',
    path: '/me',
    area: 'me',
    access: 'signedIn',
    summary: 'The signed-in user',
    success: { status: 200, description: 'The user', schema: UserSchema },
  }),
  updateMe: route({
    method: 'PATCH',
    path: '/me',
    area: 'me',
    access: 'signedIn',
    summary: 'Change your own name',
    description: 'Access rights (isAdmin, sites) come from your coordinator.',
    body: UpdateMeBodySchema,
    forbiddenFields: { isAdmin: 'ACCESS_CHANGE_FORBIDDEN', sites: 'ACCESS_CHANGE_FORBIDDEN' },
    success: { status: 200, description: 'You', schema: UserSchema },
    errors: ['ACCESS_CHANGE_FORBIDDEN', 'CONFLICT'],
  }),
  requestEmailChange: route({
    method: 'POST',
    path: '/me/email',
    area: 'me',
    access: 'signedIn',
    summary: 'Start changing your email: a code goes to the new address',
    description: 'The old address keeps signing in until the change is confirmed.',
    body: RequestEmailChangeBodySchema,
    success: { status: 202, description: 'The code is on its way', schema: PendingEmailSchema },
    errors: ['WRONG_CURRENT_PASSWORD', 'EMAIL_TAKEN', 'RATE_LIMITED'],
  }),
  confirmEmailChange: route({
    method: 'POST',
    path: '/me/email/confirm',
    area: 'me',
    access: 'signedIn',
    summary: 'Confirm the new email with the code; the old address gets a notice',
    body: ConfirmEmailChangeBodySchema,
    success: { status: 200, description: 'You, with the new email', schema: UserSchema },
    errors: ['INVALID_CODE', 'EMAIL_TAKEN', 'RATE_LIMITED'],
  }),
  changePassword: route({
    method: 'POST',
    path: '/me/password',
    area: 'me',
    access: 'signedIn',
    summary: 'Change your password; your other sessions are signed out',
    body: ChangePasswordBodySchema,
    success: { status: 204, description: 'Changed' },
    errors: ['WRONG_CURRENT_PASSWORD', 'WEAK_PASSWORD', 'RATE_LIMITED'],
  }),
} as const;
