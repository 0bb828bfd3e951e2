/**
 * Typed errors carrying their HTTP status and the stable `code` that docs/API.md lists.
 * The HTTP pipeline's error mapper is the only place that turns them into problem+json;
 * anything that is not a ProblemError becomes a bare 500 INTERNAL with no detail.
 */

export const problemCodes = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  WEAK_PASSWORD: { status: 400, title: 'The password does not meet the password policy' },
  WRONG_CURRENT_PASSWORD: { status: 400, title: 'The current password is not correct' },
  INVALID_CODE: { status: 400, title: 'The code is not valid' },
  INVALID_IMAGE: { status: 400, title: 'The picture is not a valid image' },
  SITE_NOT_ELIGIBLE: { status: 400, title: 'The centre is not eligible for that site' },
  UNAUTHENTICATED: { status: 401, title: 'Sign in to continue' },
  INVALID_CREDENTIALS: { status: 401, title: 'The email or password is not correct' },
  FORBIDDEN: { status: 403, title: 'You do not have permission to do that' },
  NAME_CHANGE_FORBIDDEN: { status: 403, title: 'Only the user may change their name' },
  ACCESS_CHANGE_FORBIDDEN: {
    status: 403,
    title: 'Ask your coordinator to change your access rights',
  },
  NOT_FOUND: { status: 404, title: 'Not found' },
  EMAIL_TAKEN: { status: 409, title: 'That email address is already used' },
  CENTRE_EXISTS: { status: 409, title: 'A centre with that id already exists' },
  USER_NOT_SUSPENDED: { status: 409, title: 'Suspend the user before deleting them' },
  PROGRESSION_DATA_ATTACHED: {
    status: 409,
    title: 'Transfer the Progression Test data before deleting the user',
  },
  LEARNER_HAS_RESULTS: { status: 409, title: 'The learner has Progression Test results' },
  INVALID_TRANSFER_TARGET: { status: 409, title: 'That teacher cannot receive the data' },
  MFA_REQUIRED: { status: 409, title: 'Support staff must keep two-step sign-in on' },
  CANNOT_MODIFY_SELF: { status: 409, title: 'You cannot do that to your own account' },
  LAST_ADMIN: { status: 409, title: 'A centre must keep an active coordinator' },
  NOT_INVITED: { status: 409, title: 'The user is not waiting for an invitation' },
  CONFLICT: { status: 409, title: 'Changed by someone else at the same time; try again' },
  OPERATION_RUNNING: {
    status: 409,
    title: 'A removal or transfer involving that user is still running',
  },
  IDEMPOTENCY_CONFLICT: {
    status: 409,
    title: 'That Idempotency-Key was used for a different request',
  },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  RATE_LIMITED: { status: 429, title: 'Too many attempts, try again later' },
  INTERNAL: { status: 500, title: 'Something went wrong on our side' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    title: 'A service we depend on is unavailable, try again shortly',
  },
  /** A row of a batch the request ran out of time for: nothing was done; send it again. */
  NOT_ATTEMPTED: {
    status: 503,
    title: 'Not attempted: the request ran out of time before this one; send it again',
  },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof problemCodes;

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export class ProblemError extends Error {
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ProblemCode,
    detail?: string,
    options: {
      errors?: FieldError[];
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail ?? problemCodes[code].title);
    this.name = 'ProblemError';
    this.status = problemCodes[code].status;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  toProblem(): Problem {
    return {
      type: `https://hub.example/problems/${this.code.toLowerCase().replaceAll('_', '-')}`,
      title: problemCodes[this.code].title,
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

export const validationFailed = (errors: FieldError[], detail?: string) =>
  new ProblemError('VALIDATION_FAILED', detail ?? 'Some fields are not valid', { errors });

export const notFound = (detail = 'Not found') => new ProblemError('NOT_FOUND', detail);
