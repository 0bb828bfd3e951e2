/**
 * The names the workflows' Retry and Catch understand: TransientError is retried,
 * OperationRefused (or anything else) is caught and recorded on the operation. Kept apart
 * from the steps, so each task function bundles only its own.
 */

/** A refusal that no retry can change: the workflow records it and stops. */
export class OperationRefused extends Error {
  override name = 'OperationRefused';
}

/** A passing failure (throttling, a conflict): Step Functions retries the step. */
export class TransientError extends Error {
  override name = 'TransientError';
}

const transientNames = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'InternalServerError',
  'ServiceUnavailable',
  'TooManyRequestsException',
  'LimitExceededException',
  'TimeoutError',
]);

/** The error a task leaves with: AWS's passing failures become TransientError. */
export function classify(error: unknown): Error {
  if (error instanceof OperationRefused || error instanceof TransientError) return error;
  const name = (error as { name?: string })?.name ?? '';
  const retryable = (error as { $retryable?: unknown })?.$retryable;
  if (transientNames.has(name) || retryable)
    return new TransientError(`${name}: a passing failure`);
  return error instanceof Error ? error : new Error(String(error));
}
