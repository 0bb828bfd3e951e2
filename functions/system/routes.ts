import { type AreaImplementations, areaRoutes } from '../core/http.js';
import { openApiDocument } from '../core/openapi.js';
import { systemEntries } from '../core/route-table/system.js';

const systemImplementations = (): AreaImplementations<'system'> => ({
  getHealth: async () => ({ status: 200, body: { status: 'ok' } }),
  getOpenApi: async () => ({
    status: 200,
    body: openApiDocument(),
    headers: { 'cache-control': 'public, max-age=300' },
  }),
});

/** The system area's routes: its implementations and the entries they answer. */
export const systemRoutes = areaRoutes(systemEntries, systemImplementations);
