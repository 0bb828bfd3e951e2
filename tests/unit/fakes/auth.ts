/** The auth area's handler for unit tests (kept apart: it loads the routes and the pipeline). */
import { vi } from 'vitest';
import { authRoutes } from '../../../functions/auth/routes.js';
import type { Db } from '../../../functions/core/data/db.js';
import { createAreaHandler } from '../../../functions/core/http.js';
import type { Identity } from '../../../functions/core/ports.js';
import { aUser, fixedClock } from './index.js';

/** The auth area's handler over `db` and `identity`; its limiter is a stub that counts nothing. */
export const authHandler = (db: Db, identity: Identity) =>
  createAreaHandler(
    'auth',
    authRoutes({
      db,
      identity,
      limiter: { take: vi.fn(), counting: vi.fn() },
      clock: fixedClock(),
    }),
    { loadCaller: async () => aUser() },
  );
