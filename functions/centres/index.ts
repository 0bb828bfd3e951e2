import {
  identityFromEnvironment,
  workflowsFromEnvironment,
} from '../core/adapters/from-environment.js';
import { rateLimiter } from '../core/data/rate-limit.js';
import { createAreaHandler } from '../core/http.js';
import { systemClock } from '../core/ports.js';
import { pipelineDeps, tableFromEnvironment } from '../core/wiring.js';
import { centresRoutes } from './routes.js';

const db = tableFromEnvironment();
export const handler = createAreaHandler(
  'centres',
  centresRoutes({
    db,
    identity: identityFromEnvironment(),
    workflows: workflowsFromEnvironment(),
    limiter: rateLimiter(db, systemClock),
    clock: systemClock,
  }),
  pipelineDeps(db),
);
