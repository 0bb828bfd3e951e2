import { createAreaHandler } from '../core/http.js';
import { pipelineDeps, tableFromEnvironment } from '../core/wiring.js';
import { meRoutes } from './routes.js';

const db = tableFromEnvironment();
export const handler = createAreaHandler('me', meRoutes(), pipelineDeps(db));
