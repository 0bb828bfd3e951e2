/** The route table's entries for health and the API document. */
import * as z from 'zod';
import { route } from '../route-spec.js';

export const systemEntries = {
  getHealth: route({
    method: 'GET',
    path: '/health',
    area: 'system',
    access: 'public',
    summary: 'Health check',
    success: {
      status: 200,
      description: 'The API is up',
      schema: z.object({ status: z.literal('ok') }),
    },
  }),
  getOpenApi: route({
    method: 'GET',
    path: '/openapi.json',
    area: 'system',
    access: 'public',
    summary: 'This API as an OpenAPI 3.1 document',
    success: {
      status: 200,
      description: 'The OpenAPI document',
      schema: z.record(z.string(), z.unknown()),
    },
  }),
} as const;
