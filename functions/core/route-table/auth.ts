/** The route table's entries for sign-in, tokens and forgotten passwords. */

import { route } from '../route-spec.js';
import {
  LoginBodySchema,
  LoginResultSchema,
  NewPasswordBodySchema,
  RefreshBodySchema,
  TokensSchema,
} from '../schemas/auth.js';
import { ForgottenPasswordBodySchema } from '../schemas/me.js';
import { ResetPasswordBodySchema } from '../schemas/users.js';

export const authEntries = {
  login: route({
    method: 'POST',
    path: '/auth/login',
    area: 'auth',
    access: 'public',
    summary: 'Sign in with email and password',
    description:
      'Answers tokens, or a NEW_PASSWORD_REQUIRED challenge on first sign-in. Any wrong email, password or blocked account answers the same 401.',
    body: LoginBodySchema,
    success: { status: 200, description: 'Tokens or a challenge', schema: LoginResultSchema },
    errors: ['INVALID_CREDENTIALS', 'RATE_LIMITED'],
  }),
  newPassword: route({
    method: 'POST',
    path: '/auth/new-password',
    area: 'auth',
    access: 'public',
    summary: 'Answer the first sign-in challenge with a new password',
    body: NewPasswordBodySchema,
    success: { status: 200, description: 'Tokens; the user is now active', schema: TokensSchema },
    errors: ['INVALID_CREDENTIALS', 'WEAK_PASSWORD', 'RATE_LIMITED'],
  }),
  refresh: route({
    method: 'POST',
    path: '/auth/refresh',
    area: 'auth',
    access: 'public',
    summary: 'New access and id tokens from a refresh token',
    body: RefreshBodySchema,
    success: { status: 200, description: 'Tokens', schema: TokensSchema },
    errors: ['UNAUTHENTICATED'],
  }),
  resetPassword: route({
    method: 'POST',
    path: '/auth/reset-password',
    area: 'auth',
    access: 'public',
    summary: 'Set a new password with the verification code from the email',
    body: ResetPasswordBodySchema,
    success: { status: 204, description: 'The password is changed; older tokens are refused' },
    errors: ['INVALID_CODE', 'WEAK_PASSWORD', 'RATE_LIMITED'],
  }),
  forgottenPassword: route({
    method: 'POST',
    path: '/auth/forgotten-password',
    area: 'auth',
    access: 'public',
    summary: 'Email a code to set a new password',
    description:
      'Always 202, whether or not the email has an account, in about the same time. A user still invited gets a fresh invitation instead (they have no password to reset).',
    body: ForgottenPasswordBodySchema,
    success: { status: 202, description: 'If the email has an account, a code is on its way' },
    errors: ['RATE_LIMITED'],
  }),
  logout: route({
    method: 'POST',
    path: '/auth/logout',
    area: 'auth',
    access: 'signedIn',
    summary: 'Sign out everywhere: every token of the user is refused from now on',
    success: { status: 204, description: 'Signed out' },
  }),
} as const;
