import {
  identityFromEnvironment,
  siteRemovalWorkflowFromEnvironment,
} from '../core/adapters/from-environment.js';
import { createAreaHandler } from '../core/http.js';
import { systemClock } from '../core/ports.js';
import { pipelineDeps, tableFromEnvironment } from '../core/wiring.js';
import { supportRoutes } from './routes.js';

const db = tableFromEnvironment();
export const handler = createAreaHandler(
  'support',
  supportRoutes({
    db,
    identity: identityFromEnvironment(),
    clock: systemClock,
    siteRemovals: siteRemovalWorkflowFromEnvironment(),
  }),
  pipelineDeps(db),
);
