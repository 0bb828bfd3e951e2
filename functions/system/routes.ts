import type { AreaImplementations } from '../core/http.js';
import { openApiDocument } from '../core/openapi.js';

export const systemRoutes = (): AreaImplementations<'system'> => ({
  getHealth: async () => ({ status: 200, body: { status: 'ok' } }),
  getOpenApi: async () => ({
    status: 200,
    body: openApiDocument(),
    headers: { 'cache-control': 'public, max-age=300' },
  }),
});
