import type { Db } from '../core/data/db.js';
import type { RateLimiter } from '../core/data/rate-limit.js';
import type { Clock, Identity, Workflows } from '../core/ports.js';

/** What the centre routes need; the Lambda entry builds it once, tests hand in their own. */
export interface CentresDeps {
  db: Db;
  identity: Identity;
  workflows: Workflows;
  limiter: RateLimiter;
  clock: Clock;
}
