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
  await deps.limiter.check(limits.wrongCurrentPassword, user.userId);
  try {
    await deps.identity.signIn(user.email, password);
  } catch (error) {
    if (!(error instanceof ProblemError && error.code === 'INVALID_CREDENTIALS')) throw error;
    await deps.limiter.hit(limits.wrongCurrentPassword, user.userId);
    throw new ProblemError('WRONG_CURRENT_PASSWORD');
  }
}
