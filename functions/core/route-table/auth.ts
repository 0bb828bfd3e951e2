/** The route table's entries for sign-in, tokens and forgotten passwords. */

import { route } from '../route-spec.js';
import {
  LoginBodySchema,
  LoginResultSchema,
  MfaCodeBodySchema,
  NewPasswordBodySchema,
  NewPasswordResultSchema,
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
      'Answers tokens, or a challenge: NEW_PASSWORD_REQUIRED on first sign-in (answer with `POST /auth/new-password`); SOFTWARE_TOKEN_MFA when the user has an authenticator app (answer with `POST /auth/mfa-code`); MFA_SETUP when the user must have one and has none yet (support staff): the answer carries the new secret, as text and as an otpauth:// link, and `POST /auth/mfa-setup` finishes the sign-in with a code of it. No tokens are issued before the authenticator code is checked. Any wrong email, password or blocked account answers the same 401.',
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
    description:
      'Answers tokens, or (since two-step sign-in) the SOFTWARE_TOKEN_MFA or MFA_SETUP challenge of `POST /auth/login` when the user needs an authenticator code before any token: support staff always do.',
    body: NewPasswordBodySchema,
    success: {
      status: 200,
      description: 'Tokens, or an authenticator challenge; the user is now active',
      schema: NewPasswordResultSchema,
    },
    errors: ['INVALID_CREDENTIALS', 'WEAK_PASSWORD', 'RATE_LIMITED'],
  }),
  mfaCode: route({
    method: 'POST',
    path: '/auth/mfa-code',
    area: 'auth',
    access: 'public',
    summary: 'Answer the SOFTWARE_TOKEN_MFA challenge with a code from the authenticator app',
    description:
      'The session is used up by the attempt: after a wrong code, sign in again. Wrong codes count with wrong passwords towards the sign-in limit of the email.',
    body: MfaCodeBodySchema,
    success: { status: 200, description: 'Tokens', schema: TokensSchema },
    errors: ['INVALID_CODE', 'INVALID_CREDENTIALS', 'RATE_LIMITED'],
  }),
  mfaSetup: route({
    method: 'POST',
    path: '/auth/mfa-setup',
    area: 'auth',
    access: 'public',
    summary: 'Answer the MFA_SETUP challenge: a code of the new secret turns the app on',
    description:
      'A wrong code may be typed again with the same session while it lasts (five minutes); wrong codes count towards the sign-in limit of the email. From now on every sign-in asks for a code.',
    body: MfaCodeBodySchema,
    success: { status: 200, description: 'Tokens', schema: TokensSchema },
    errors: ['INVALID_CODE', 'INVALID_CREDENTIALS', 'RATE_LIMITED'],
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
