/**
 * The route table: the one list that the CDK stack (API Gateway routes, authorizer, one
 * Lambda per area), the local API server and the OpenAPI document all read. Handlers live
 * in functions/<area>/ and are matched to these entries by operation id.
 */
import * as z from 'zod';
import { maxPictureBytes } from './domain.js';
import type { ProblemCode } from './errors.js';
import {
  LoginBodySchema,
  LoginResultSchema,
  NewPasswordBodySchema,
  RefreshBodySchema,
  TokensSchema,
} from './schemas/auth.js';
import {
  CentreParamsSchema,
  CentreSchema,
  CentreUserParamsSchema,
  PageQuerySchema,
  pageOf,
  UserSchema,
} from './schemas/common.js';
import {
  ChangePasswordBodySchema,
  ConfirmEmailChangeBodySchema,
  ForgottenPasswordBodySchema,
  PendingEmailSchema,
  RequestEmailChangeBodySchema,
  UpdateMeBodySchema,
} from './schemas/me.js';
import {
  LearnerBodySchema,
  LearnerSchema,
  OffboardingBodySchema,
  OperationIdSchema,
  OperationParamsSchema,
  OperationSchema,
  ResultBodySchema,
  ResultSchema,
  ResultsQuerySchema,
  SiteParamsSchema,
  SiteTeacherSchema,
  TransferBodySchema,
} from './schemas/progression.js';
import {
  CreateCentreBodySchema,
  CreatedCentreSchema,
  UpdateCentreBodySchema,
} from './schemas/support.js';
import {
  AddUsersBodyDocumented,
  AddUsersBodySchema,
  AddUsersResultSchema,
  AuditEntrySchema,
  EditUserBodySchema,
  ProgressionDataSchema,
  ResetPasswordBodySchema,
  SuspendResultSchema,
  UserListQuerySchema,
} from './schemas/users.js';

const pictureTypes = ['image/png', 'image/jpeg', 'image/webp'];

export const areas = ['system', 'auth', 'me', 'pictures', 'centres', 'sites', 'support'] as const;
export type Area = (typeof areas)[number];

/**
 * Who may call a route. `signedIn`: any active user. `coordinator`: a coordinator of the
 * centre named in the path, or support staff. `siteMember`: a user of the centre with
 * access to the site named in the path, a coordinator of the centre, or support staff.
 * `support`: support staff only.
 */
export type Access = 'public' | 'signedIn' | 'coordinator' | 'siteMember' | 'support';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
  A extends Access = Access,
> {
  method: HttpMethod;
  path: string;
  area: Area;
  access: A;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  success: {
    status: 200 | 201 | 202 | 204;
    description: string;
    schema?: R;
    /** A binary answer in one of these types (a picture) instead of JSON. */
    binaryTypes?: string[];
  };
  /** The problem codes this route may answer with, besides the pipeline's own. */
  errors?: ProblemCode[];
  /**
   * Fields the route refuses with their own problem rather than as unknown fields (a name
   * sent to the coordinator's edit: only the user may change it).
   */
  forbiddenFields?: Partial<Record<string, ProblemCode>>;
  /** Routes that take raw bytes (a picture) rather than JSON. */
  rawBody?: { contentTypes: string[]; maxBytes: number; refusedAs: ProblemCode };
  /** What the OpenAPI document shows as the body, when it says more than `body` checks. */
  documentedBody?: z.ZodType;
  /** POST routes that create things honour an Idempotency-Key header. */
  idempotent?: boolean;
}

const route = <const S extends RouteSpec>(spec: S): S => spec;

export const routes = {
  getHealth: route({
    method: 'GET',
    path: '/health',
    area: 'system',
    access: 'public',
    summary: 'Health check',
    success: {
      status: 200,
      description: 'The API is up',
      schema: z.object({ status: z.literal('ok') }),
    },
  }),
  getOpenApi: route({
    method: 'GET',
    path: '/openapi.json',
    area: 'system',
    access: 'public',
    summary: 'This API as an OpenAPI 3.1 document',
    success: {
      status: 200,
      description: 'The OpenAPI document',
      schema: z.record(z.string(), z.unknown()),
    },
  }),
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
  putPicture: route({
    method: 'PUT',
    path: '/me/picture',
    area: 'pictures',
    access: 'signedIn',
    summary: 'Set your profile picture (PNG, JPEG or WebP, at most 1 MiB)',
    rawBody: { contentTypes: pictureTypes, maxBytes: maxPictureBytes, refusedAs: 'INVALID_IMAGE' },
    success: { status: 200, description: 'You', schema: UserSchema },
    errors: ['INVALID_IMAGE', 'PAYLOAD_TOO_LARGE'],
  }),
  getPicture: route({
    method: 'GET',
    path: '/me/picture',
    area: 'pictures',
    access: 'signedIn',
    summary: 'Your profile picture',
    success: { status: 200, description: 'The picture', binaryTypes: pictureTypes },
    errors: ['NOT_FOUND'],
  }),
  deletePicture: route({
    method: 'DELETE',
    path: '/me/picture',
    area: 'pictures',
    access: 'signedIn',
    summary: 'Remove your profile picture',
    success: { status: 204, description: 'Removed' },
  }),
  getCentre: route({
    method: 'GET',
    path: '/centres/{centreId}',
    area: 'centres',
    access: 'coordinator',
    summary: 'A centre',
    params: CentreParamsSchema,
    success: { status: 200, description: 'The centre', schema: CentreSchema },
  }),
  listUsers: route({
    method: 'GET',
    path: '/centres/{centreId}/users',
    area: 'centres',
    access: 'coordinator',
    summary: 'Find the users of a centre',
    description:
      'Ordered by name. `q` matches any part of the name or email, case-insensitively; `status`, `role` and `site` narrow the list.',
    params: CentreParamsSchema,
    query: UserListQuerySchema,
    success: { status: 200, description: 'A page of users', schema: pageOf(UserSchema) },
  }),
  addUsers: route({
    method: 'POST',
    path: '/centres/{centreId}/users',
    area: 'centres',
    access: 'coordinator',
    summary: 'Add one or many users (1 to 100 rows); each row succeeds or fails alone',
    description:
      'Each created user is invited by email. A row with a bad email or name, an email repeated in the request or already used, or an ineligible site fails alone.',
    params: CentreParamsSchema,
    body: AddUsersBodySchema,
    documentedBody: AddUsersBodyDocumented,
    success: { status: 200, description: 'One result per row', schema: AddUsersResultSchema },
    errors: ['IDEMPOTENCY_CONFLICT'],
    idempotent: true,
  }),
  getUser: route({
    method: 'GET',
    path: '/centres/{centreId}/users/{userId}',
    area: 'centres',
    access: 'coordinator',
    summary: 'A user of the centre',
    params: CentreUserParamsSchema,
    success: { status: 200, description: 'The user', schema: UserSchema },
  }),
  editUser: route({
    method: 'PATCH',
    path: '/centres/{centreId}/users/{userId}',
    area: 'centres',
    access: 'coordinator',
    summary: "Change a user's email, admin rights or site access (never their name)",
    params: CentreUserParamsSchema,
    body: EditUserBodySchema,
    forbiddenFields: { name: 'NAME_CHANGE_FORBIDDEN' },
    success: { status: 200, description: 'The user', schema: UserSchema },
    errors: [
      'NAME_CHANGE_FORBIDDEN',
      'EMAIL_TAKEN',
      'SITE_NOT_ELIGIBLE',
      'CANNOT_MODIFY_SELF',
      'LAST_ADMIN',
      'CONFLICT',
    ],
  }),
  resetUserPassword: route({
    method: 'POST',
    path: '/centres/{centreId}/users/{userId}/password-reset',
    area: 'centres',
    access: 'coordinator',
    summary: 'Email the user a code to set a new password',
    description:
      'The user sets the new password with POST /auth/reset-password. A user still invited has no password to reset: they get a fresh invitation instead.',
    params: CentreUserParamsSchema,
    success: { status: 202, description: 'The email is on its way' },
    errors: ['RATE_LIMITED'],
  }),
  resendInvitation: route({
    method: 'POST',
    path: '/centres/{centreId}/users/{userId}/invitation',
    area: 'centres',
    access: 'coordinator',
    summary: 'Resend the invitation, with a fresh temporary password',
    params: CentreUserParamsSchema,
    success: { status: 202, description: 'The invitation is on its way' },
    errors: ['NOT_INVITED'],
  }),
  suspendUser: route({
    method: 'POST',
    path: '/centres/{centreId}/users/{userId}/suspend',
    area: 'centres',
    access: 'coordinator',
    summary: 'Suspend a user: their access is blocked at once',
    params: CentreUserParamsSchema,
    success: {
      status: 200,
      description: 'The user and their Progression Test data',
      schema: SuspendResultSchema,
    },
    errors: ['CANNOT_MODIFY_SELF', 'LAST_ADMIN', 'CONFLICT'],
  }),
  restoreUser: route({
    method: 'POST',
    path: '/centres/{centreId}/users/{userId}/restore',
    area: 'centres',
    access: 'coordinator',
    summary: 'Restore a suspended user (active, or invited if they never signed in)',
    params: CentreUserParamsSchema,
    success: { status: 200, description: 'The user', schema: UserSchema },
    errors: ['CONFLICT'],
  }),
  getUserPicture: route({
    method: 'GET',
    path: '/centres/{centreId}/users/{userId}/picture',
    area: 'pictures',
    access: 'coordinator',
    summary: "A user's profile picture",
    params: CentreUserParamsSchema,
    success: { status: 200, description: 'The picture', binaryTypes: pictureTypes },
  }),
  getProgressionData: route({
    method: 'GET',
    path: '/centres/{centreId}/users/{userId}/progression-data',
    area: 'centres',
    access: 'coordinator',
    summary: 'How many Progression Test results the user owns, per site',
    params: CentreUserParamsSchema,
    success: { status: 200, description: 'The counts', schema: ProgressionDataSchema },
  }),
  transferData: route({
    method: 'POST',
    path: '/centres/{centreId}/users/{userId}/transfer',
    area: 'centres',
    access: 'coordinator',
    summary: 'Move every Progression Test result of the user to another teacher',
    description:
      'The receiving teacher must be active, of the same centre, with access to every site that holds the data. Each result moves whole or not at all.',
    params: CentreUserParamsSchema,
    body: TransferBodySchema,
    success: { status: 202, description: 'The transfer is running', schema: OperationIdSchema },
    errors: ['INVALID_TRANSFER_TARGET', 'CONFLICT'],
    idempotent: true,
  }),
  deleteUser: route({
    method: 'DELETE',
    path: '/centres/{centreId}/users/{userId}',
    area: 'centres',
    access: 'coordinator',
    summary: 'Delete a suspended user who owns no Progression Test data',
    params: CentreUserParamsSchema,
    success: { status: 202, description: 'The deletion is running', schema: OperationIdSchema },
    errors: ['USER_NOT_SUSPENDED', 'PROGRESSION_DATA_ATTACHED', 'CANNOT_MODIFY_SELF', 'CONFLICT'],
  }),
  offboardUser: route({
    method: 'POST',
    path: '/centres/{centreId}/users/{userId}/offboarding',
    area: 'centres',
    access: 'coordinator',
    summary: 'Suspend, transfer the data (if transferTo is given) and delete, in one workflow',
    description:
      'Without transferTo, a user who owns data ends suspended with the operation `needs_transfer`.',
    params: CentreUserParamsSchema,
    body: OffboardingBodySchema,
    success: { status: 202, description: 'The offboarding is running', schema: OperationIdSchema },
    errors: ['INVALID_TRANSFER_TARGET', 'CANNOT_MODIFY_SELF', 'LAST_ADMIN', 'CONFLICT'],
    idempotent: true,
  }),
  getOperation: route({
    method: 'GET',
    path: '/centres/{centreId}/operations/{operationId}',
    area: 'centres',
    access: 'coordinator',
    summary: 'A removal or transfer, while it runs and after',
    params: OperationParamsSchema,
    success: { status: 200, description: 'The operation', schema: OperationSchema },
  }),
  listSiteTeachers: route({
    method: 'GET',
    path: '/centres/{centreId}/sites/{site}/teachers',
    area: 'sites',
    access: 'siteMember',
    summary: 'The users with access to the site, each with their Progression Test data',
    params: SiteParamsSchema,
    query: PageQuerySchema,
    success: { status: 200, description: 'A page of teachers', schema: pageOf(SiteTeacherSchema) },
  }),
  addLearner: route({
    method: 'POST',
    path: '/centres/{centreId}/sites/{site}/learners',
    area: 'sites',
    access: 'siteMember',
    summary: 'Add a learner (stage 1–6 on primary, 7–9 on lower-secondary)',
    params: SiteParamsSchema,
    body: LearnerBodySchema,
    success: { status: 201, description: 'The learner', schema: LearnerSchema },
    idempotent: true,
  }),
  listLearners: route({
    method: 'GET',
    path: '/centres/{centreId}/sites/{site}/learners',
    area: 'sites',
    access: 'siteMember',
    summary: 'The learners of the site',
    params: SiteParamsSchema,
    query: PageQuerySchema,
    success: { status: 200, description: 'A page of learners', schema: pageOf(LearnerSchema) },
  }),
  recordResult: route({
    method: 'POST',
    path: '/centres/{centreId}/sites/{site}/progression-tests',
    area: 'sites',
    access: 'siteMember',
    summary:
      'Record a Progression Test result, owned by the caller (or teacherId, coordinators only)',
    params: SiteParamsSchema,
    body: ResultBodySchema,
    success: { status: 201, description: 'The result', schema: ResultSchema },
    errors: ['FORBIDDEN'],
    idempotent: true,
  }),
  listResults: route({
    method: 'GET',
    path: '/centres/{centreId}/sites/{site}/progression-tests',
    area: 'sites',
    access: 'siteMember',
    summary: 'Progression Test results of the site, by teacher or by learner',
    params: SiteParamsSchema,
    query: ResultsQuerySchema,
    success: { status: 200, description: 'A page of results', schema: pageOf(ResultSchema) },
  }),
  listAudit: route({
    method: 'GET',
    path: '/centres/{centreId}/audit',
    area: 'centres',
    access: 'coordinator',
    summary: "The centre's audit log, newest first",
    params: CentreParamsSchema,
    query: PageQuerySchema,
    success: {
      status: 200,
      description: 'A page of audit entries',
      schema: pageOf(AuditEntrySchema),
    },
  }),
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

export type Routes = typeof routes;
export type OperationId = keyof Routes;

export interface RouteEntry extends RouteSpec {
  operationId: OperationId;
  /** API Gateway's route key, e.g. `GET /centres/{centreId}`. */
  routeKey: string;
}

export const routeList: RouteEntry[] = Object.entries(routes).map(([operationId, spec]) => ({
  ...(spec as RouteSpec),
  operationId: operationId as OperationId,
  routeKey: `${spec.method} ${spec.path}`,
}));

export const routesOfArea = (area: Area) => routeList.filter((entry) => entry.area === area);
