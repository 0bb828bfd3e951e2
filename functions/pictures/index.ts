import { picturesFromEnvironment } from '../core/adapters/from-environment.js';
import { createAreaHandler } from '../core/http.js';
import { systemClock } from '../core/ports.js';
import { pipelineDeps, tableFromEnvironment } from '../core/wiring.js';
import { picturesRoutes } from './routes.js';

const db = tableFromEnvironment();
export const handler = createAreaHandler(
  'pictures',
  picturesRoutes({ db, pictures: picturesFromEnvironment(), clock: systemClock }),
  pipelineDeps(db),
);
