import { createAreaHandler } from '../core/http.js';
import { systemRoutes } from './routes.js';

// Public routes only: no caller is ever loaded, so no table is needed.
export const handler = createAreaHandler('system', systemRoutes(), {
  loadCaller: async () => undefined,
});
