/**
 * Problems (RFC 9457) from the API, as the console shows them: a stable code to switch on,
 * and plain words for people. Raw text from AWS never reaches the API's answers, and the
 * console adds none of its own: a failure it does not recognise is shown in general words.
 */
import type { components } from './schema';

export type ProblemDocument = components['schemas']['Problem'];

export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: { path: string; message: string }[];
  readonly body: ProblemDocument | undefined;

  constructor(status: number, body: ProblemDocument | undefined) {
    super(body?.detail ?? `The request failed (${status})`);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = body?.code ?? (status === 0 ? 'NETWORK' : 'UNKNOWN');
    this.errors = body?.errors ?? [];
    this.body = body;
  }
}

/** Plain words for each code a person may meet; the API's own detail is used otherwise. */
const words: Record<string, string> = {
  NETWORK: 'The School Support Hub cannot be reached. Check your connection and try again.',
  UNKNOWN: 'Something went wrong. Try again in a moment.',
  INTERNAL: 'Something went wrong on our side. Try again in a moment.',
  SERVICE_UNAVAILABLE: 'The service is busy. Nothing was changed; try again in a moment.',
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  INVALID_CREDENTIALS: 'The email address or password is not right.',
  FORBIDDEN: 'You do not have permission to do that.',
  NOT_FOUND: 'This could not be found. It may have been deleted.',
  EMAIL_TAKEN: 'This email address is already used by another account.',
  WEAK_PASSWORD: 'The new password does not meet the password rules.',
  INVALID_CODE: 'The code is not right or has expired. Ask for a new one.',
  RATE_LIMITED: 'Too many attempts. Wait a few minutes and try again.',
  LAST_ADMIN: 'A centre must keep at least one active coordinator.',
  CANNOT_MODIFY_SELF: 'You cannot do this to your own account.',
  USER_NOT_SUSPENDED: 'Suspend the user before deleting them.',
  PROGRESSION_DATA_ATTACHED:
    'This user has Progression Test data. Transfer it to another teacher before deleting the user.',
  NOT_INVITED: 'This user has already signed in, so there is no invitation to resend.',
  SITE_NOT_ELIGIBLE: 'The centre is not eligible for this support site.',
  NAME_CHANGE_FORBIDDEN: 'Only the user can change their name.',
  CONFLICT: 'Someone else changed this at the same moment. Reload and try again.',
  IDEMPOTENCY_CONFLICT: 'This was already sent with different details. Reload and try again.',
  INVALID_TRANSFER_TARGET:
    'That teacher cannot receive this data: they must be active and have access to the same sites.',
  PAYLOAD_TOO_LARGE: 'That is too large to send.',
  UNSUPPORTED_MEDIA_TYPE: 'That kind of file is not accepted.',
  INVALID_IMAGE: 'That file is not a PNG, JPEG or WebP picture.',
  VALIDATION_FAILED: 'Some details are not right. Check the highlighted fields.',
  CENTRE_EXISTS: 'A centre with this number already exists.',
  ACCESS_CHANGE_FORBIDDEN: 'Changes to your access rights go through your School Coordinator.',
  WRONG_CURRENT_PASSWORD: 'The current password is not right.',
};

export function problemWords(problem: unknown): string {
  if (problem instanceof ApiProblem) return words[problem.code] ?? words.UNKNOWN ?? '';
  return words.UNKNOWN ?? '';
}

export const isProblem = (error: unknown, code: string): error is ApiProblem =>
  error instanceof ApiProblem && error.code === code;
