import { createAreaHandler } from '../core/http.js';
import { pipelineDeps, tableFromEnvironment } from '../core/wiring.js';
import { centresRoutes } from './routes.js';

const db = tableFromEnvironment();
export const handler = createAreaHandler('centres', centresRoutes({ db }), pipelineDeps(db));
