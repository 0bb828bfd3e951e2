import { limits, type RateLimiter } from '../data/rate-limit.js';
import type { User } from '../data/user.js';
import { ProblemError } from '../errors.js';
import type { Identity } from '../ports.js';

/**
 * Asks Cognito whether `password` is the user's current one. Wrong answers are counted:
 * after ten in a quarter of an hour the user gets 429 until the window ends.
 */
export async function checkCurrentPassword(
  deps: { identity: Identity; limiter: RateLimiter },
  user: User,
  password: string,
) {
  try {
    await deps.limiter.counting(
      limits.wrongCurrentPassword,
      user.userId,
      () => deps.identity.signIn(user.email, password),
      (error) => error instanceof ProblemError && error.code === 'INVALID_CREDENTIALS',
    );
  } catch (error) {
    if (!(error instanceof ProblemError && error.code === 'INVALID_CREDENTIALS')) throw error;
    throw new ProblemError('WRONG_CURRENT_PASSWORD');
  }
}
