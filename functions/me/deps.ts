import type { Db } from '../core/data/db.js';
import type { RateLimiter } from '../core/data/rate-limit.js';
import type { Clock, Identity, Mailer } from '../core/ports.js';

export interface MeDeps {
  db: Db;
  identity: Identity;
  mailer: Mailer;
  /** The web console's base URL, which every email links to. */
  consoleUrl: string;
  limiter: RateLimiter;
  clock: Clock;
}
