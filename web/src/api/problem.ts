/**
 * Problems (RFC 9457) from the API, as the console shows them: a stable code to switch on,
 * and plain words for people. Raw text from AWS never reaches the API's answers, and the
 * console adds none of its own: a failure it does not recognise is shown in general words.
 */
import type { ProblemCode as ApiProblemCode } from '../../../functions/core/errors';
import { t } from '../i18n';
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

/**
 * Every code a person may meet: the API's own (functions/core/errors.ts; a type only, nothing
 * of the server's is bundled) and the console's for a request that got no answer (NETWORK) or
 * an answer it cannot read (UNKNOWN). The catalogue's `common.problems` has words for each.
 */
export type ProblemCode = ApiProblemCode | 'NETWORK' | 'UNKNOWN';

const words: Readonly<Record<ProblemCode, string>> = t.common.problems;
const isKnown = (code: string): code is ProblemCode => Object.hasOwn(words, code);

/** Plain words for a problem; a code the console does not know is said in general words. */
export function problemWords(problem: unknown): string {
  if (problem instanceof ApiProblem && isKnown(problem.code)) return words[problem.code];
  return words.UNKNOWN;
}

export const isProblem = (error: unknown, code: ProblemCode): error is ApiProblem =>
  error instanceof ApiProblem && error.code === code;
