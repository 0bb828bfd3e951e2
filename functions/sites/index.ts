import { createAreaHandler } from '../core/http.js';
import { systemClock } from '../core/ports.js';
import { pipelineDeps, tableFromEnvironment } from '../core/wiring.js';
import { sitesRoutes } from './routes.js';

const db = tableFromEnvironment();
export const handler = createAreaHandler(
  'sites',
  sitesRoutes({ db, clock: systemClock }),
  pipelineDeps(db),
);
