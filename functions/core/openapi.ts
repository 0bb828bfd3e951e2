/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas, so the
 * document cannot drift from what the handlers accept.
 */
import * as z from 'zod';
import { problemCodes } from './errors.js';
import { type RouteEntry, routeList } from './routes.js';
import { ProblemSchema } from './schemas/common.js';

type JsonSchema = Record<string, unknown>;

/**
 * Schemas named with `.meta({ id })` (User, Centre, Problem, …) become components that every
 * operation refers to. zod writes them under `$defs` of each schema it converts; they are
 * gathered here into `components.schemas`, where every `$ref` of the document points.
 */
const components = new Map<string, string>();

const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const converted = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    reused: 'inline',
  });
  // A named schema at the root comes back as `{ $ref: '#/$defs/<id>' }`: point it home too.
  const {
    $schema: _dialect,
    $defs,
    ...rest
  } = JSON.parse(
    JSON.stringify(converted).replaceAll('"#/$defs/', '"#/components/schemas/'),
  ) as JsonSchema & { $defs?: Record<string, JsonSchema> };
  for (const [id, definition] of Object.entries($defs ?? {})) {
    const { id: _id, ...body } = definition;
    const json = JSON.stringify(body);
    const known = components.get(id);
    if (known !== undefined && known !== json)
      throw new Error(
        `Schema ${id} converts differently for requests and answers; give each its own id`,
      );
    components.set(id, json);
  }
  return rest;
};

/** Every problem code a route may answer: its own and those of the pipeline steps it runs. */
export const pipelineErrors = (route: RouteEntry): string[] => {
  const codes = new Set<string>(route.errors ?? []);
  // Every route refuses a query parameter it does not know, and a body it does not take.
  codes.add('VALIDATION_FAILED');
  if (route.body || route.rawBody) codes.add('PAYLOAD_TOO_LARGE');
  if (route.body) codes.add('UNSUPPORTED_MEDIA_TYPE');
  if (route.rawBody) codes.add(route.rawBody.refusedAs);
  if (route.idempotent) codes.add('IDEMPOTENCY_CONFLICT');
  if (route.access !== 'public') codes.add('UNAUTHENTICATED');
  if (route.access === 'coordinator' || route.access === 'siteMember' || route.access === 'support')
    codes.add('FORBIDDEN');
  if (route.params) codes.add('NOT_FOUND');
  return [...codes];
};

function operation(route: RouteEntry) {
  const parameters: JsonSchema[] = [];
  for (const [location, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {}))
      parameters.push({
        name,
        in: location,
        required: location === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
  }
  if (route.idempotent)
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'A retry with the same key and body returns the first answer and does the work once.',
      schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,128}$' },
    });

  const responses: Record<string, unknown> = {
    [route.success.status]: {
      description: route.success.description,
      ...(route.success.schema
        ? { content: { 'application/json': { schema: schemaOf(route.success.schema, 'output') } } }
        : {}),
      ...(route.success.binaryTypes
        ? {
            content: Object.fromEntries(
              route.success.binaryTypes.map((type) => [
                type,
                { schema: { type: 'string', contentMediaType: type } },
              ]),
            ),
          }
        : {}),
    },
  };
  if (route.accepted)
    responses[route.accepted.status] = {
      description: route.accepted.description,
      headers: {
        Location: {
          description: 'The operation to follow (GET /centres/{centreId}/operations/{operationId})',
          schema: { type: 'string' },
        },
      },
      content: {
        'application/json': { schema: schemaOf(route.accepted.schema, 'output') },
      },
    };
  const byStatus = new Map<number, string[]>();
  for (const code of pipelineErrors(route)) {
    const status = problemCodes[code as keyof typeof problemCodes].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of byStatus)
    responses[status] = {
      description: `Problem: ${codes.join(', ')}`,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };

  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.area],
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.rawBody
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              route.rawBody.contentTypes.map((type) => [
                type,
                { schema: { type: 'string', contentMediaType: type } },
              ]),
            ),
          },
        }
      : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: schemaOf(route.documentedBody ?? route.body, 'input') },
            },
          },
        }
      : {}),
    responses,
    'x-access': route.access,
  };
}

let cached: JsonSchema | undefined;

export function openApiDocument(): JsonSchema {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  schemaOf(ProblemSchema, 'output');
  for (const route of routeList) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route);
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'School Support Hub API',
      version: '1.0.0',
      description:
        'Coordinators manage who may use the School Support Hub and its Cambridge Primary and Lower Secondary support sites.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: Object.fromEntries(
        [...components]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([id, json]) => [id, JSON.parse(json)]),
      ),
    },
  };
  return cached;
}
