/**
 * The request pipeline every route goes through, in this order:
 * route lookup → caller (JWT claims from the authorizer, then the caller's record, read on
 * every request) → access rule of the route table → strict parsing of params, query and
 * body → idempotency → the route's implementation → one error mapper to problem+json.
 */
import { createHash } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { z } from 'zod';
import type { User } from './data/user.js';
import { maxJsonBodyBytes } from './domain.js';
import { edgeOf, originSecretVariable } from './edge.js';
import { type FieldError, notFound, ProblemError, validationFailed } from './errors.js';
import { logger } from './logger.js';
import { flushMetrics } from './metrics.js';
import type { RouteSpec } from './route-spec.js';
import type { Access, Area, OperationId, RouteEntry, Routes } from './routes.js';
import { tokenSessionOf, tokenStillValid } from './rules.js';
import { EmptySchema as emptyStrict } from './schemas/common.js';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface Reply<T = unknown> {
  status: number;
  body?: T;
  headers?: Record<string, string>;
  /** A binary answer (a picture) instead of JSON. */
  binary?: { bytes: Uint8Array; contentType: string };
}

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;
type CallerFor<A> = A extends 'public' ? undefined : User;

export interface RouteRequest<R> {
  params: R extends { params: infer P } ? Infer<P> : Record<string, never>;
  query: R extends { query: infer Q } ? Infer<Q> : Record<string, never>;
  body: R extends { body: infer B } ? Infer<B> : undefined;
  /** The body's bytes and type, on routes that take raw bytes (`rawBody`). */
  raw: R extends { rawBody: object } ? { bytes: Buffer; contentType: string } : undefined;
  caller: CallerFor<R extends { access: infer A } ? A : Access>;
  /** The raw token claims, for routes that need more than the caller's record. */
  claims: Record<string, unknown>;
  headers: Record<string, string | undefined>;
  /** The caller's IP address as API Gateway saw it, and the path asked for. */
  sourceIp: string;
  path: string;
  requestId: string;
  /**
   * Milliseconds left before the function's timeout stops this request (the Lambda
   * context's getRemainingTimeInMillis): long work stops starting new pieces well before.
   */
  remainingTimeMs(): number;
}

type SuccessReply<R> = R extends { success: { schema: infer S } }
  ? Reply<Infer<S>>
  : Reply<undefined>;
type ReplyFor<R> = R extends { accepted: { schema: infer S } }
  ? SuccessReply<R> | Reply<Infer<S>>
  : SuccessReply<R>;

export type Implementation<R> = (request: RouteRequest<R>) => Promise<ReplyFor<R>>;

export type AreaImplementations<A extends Area> = {
  [K in keyof Routes as Routes[K]['area'] extends A ? K : never]: Implementation<Routes[K]>;
};

const routeTable = Symbol('route table');

/**
 * An area's implementations, made by `factory`, carrying the route-table entries they answer
 * (functions/core/route-table/<area>.ts). The area's handler routes by those entries alone, so
 * its bundle holds its own routes and schemas, not every area's (issue 11, item 14).
 */
export function areaRoutes<A extends Area, P extends unknown[]>(
  entries: Record<string, RouteSpec & { area: A }>,
  factory: (...deps: P) => AreaImplementations<A>,
): (...deps: P) => AreaImplementations<A> {
  const list: RouteEntry[] = Object.entries(entries).map(([operationId, spec]) => ({
    ...(spec as RouteSpec),
    operationId: operationId as OperationId,
    routeKey: `${spec.method} ${spec.path}`,
  }));
  return (...deps) =>
    Object.defineProperty(factory(...deps), routeTable, { value: list, enumerable: false });
}

function routesOf(area: Area, implementations: object): RouteEntry[] {
  const entries = (implementations as { [routeTable]?: RouteEntry[] })[routeTable];
  if (!entries)
    throw new Error(
      `The ${area} implementations must be made with areaRoutes(<the area's entries>, …)`,
    );
  const stray = entries.find((entry) => entry.area !== area);
  if (stray) throw new Error(`${stray.operationId} is a route of ${stray.area}, not ${area}`);
  return entries;
}

export interface PipelineDeps {
  /** The caller's record by user id (the token's sub); undefined when there is none. */
  loadCaller(userId: string): Promise<User | undefined>;
  idempotency?: IdempotencyStore;
  /**
   * The secret CloudFront sends (functions/core/edge.ts); by default HUB_ORIGIN_SECRET,
   * read at the first request. Empty: no CloudFront in front, every request is served.
   */
  originSecret?: string;
}

export interface IdempotencyStore {
  /** Claims the key, or answers the stored reply of an earlier request with it. */
  begin(scope: string, key: string, fingerprint: string): Promise<Reply | 'claimed'>;
  complete(scope: string, key: string, reply: Reply): Promise<void>;
  release(scope: string, key: string): Promise<void>;
}

const jsonHeaders = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function problemResponse(error: ProblemError, requestId?: string): HttpResult {
  return {
    statusCode: error.status,
    headers: { ...jsonHeaders, 'content-type': 'application/problem+json', ...error.headers },
    body: JSON.stringify({ ...error.toProblem(), ...(requestId ? { requestId } : {}) }),
  };
}

function toResult(reply: Reply): HttpResult {
  if (reply.binary)
    return {
      statusCode: reply.status,
      headers: {
        ...jsonHeaders,
        ...reply.headers,
        'content-type': reply.binary.contentType,
        'cache-control': 'private, no-cache',
      },
      body: Buffer.from(reply.binary.bytes).toString('base64'),
      isBase64Encoded: true,
    };
  if (reply.body === undefined)
    return { statusCode: reply.status, headers: { ...jsonHeaders, ...reply.headers } };
  return {
    statusCode: reply.status,
    headers: { ...jsonHeaders, ...reply.headers },
    body: JSON.stringify(reply.body),
  };
}

const zodErrors = (error: z.ZodError, prefix: string): FieldError[] =>
  error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message:
      issue.code === 'unrecognized_keys'
        ? `is not a known field: ${issue.keys.join(', ')}`
        : issue.message,
  }));

async function authenticate(
  event: HttpEvent,
  deps: PipelineDeps,
): Promise<{ caller: User; claims: Record<string, unknown> }> {
  const claims = (event.requestContext.authorizer?.jwt?.claims ?? {}) as Record<string, unknown>;
  const userId = claims.sub;
  // The authorizer checks signature, issuer, client and expiry; an id token has a valid
  // audience too, so only access tokens are let through here.
  if (typeof userId !== 'string' || claims.token_use !== 'access')
    throw new ProblemError('UNAUTHENTICATED');
  const caller = await deps.loadCaller(userId);
  if (!caller || caller.status === 'suspended') throw new ProblemError('UNAUTHENTICATED');
  if (!tokenStillValid(caller, tokenSessionOf(claims))) throw new ProblemError('UNAUTHENTICATED');
  return { caller, claims };
}

function authorize(route: RouteEntry, caller: User, event: HttpEvent) {
  if (route.access === 'support' && !caller.isSupport) throw new ProblemError('FORBIDDEN');
  if ((route.access === 'coordinator' || route.access === 'siteMember') && !caller.isSupport) {
    // Another centre's routes answer 404, so a coordinator cannot learn which centres exist.
    if (caller.centreId !== event.pathParameters?.centreId) throw notFound();
    const site = event.pathParameters?.site;
    const mayUseSite =
      route.access === 'siteMember' && !!site && (caller.sites as string[]).includes(site);
    if (!caller.isAdmin && !mayUseSite) throw new ProblemError('FORBIDDEN');
  }
}

const takesNoBody = () => validationFailed([{ path: '', message: 'this route takes no body' }]);

function parseJsonBody(route: RouteEntry, event: HttpEvent): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length === 0) return route.body ? undefined : {};
  // A route without a body refuses any body the same way, whatever its size or type: only
  // the empty JSON object some clients send with every POST is let through.
  if (bytes.length > maxJsonBodyBytes) {
    if (!route.body) throw takesNoBody();
    throw new ProblemError(
      'PAYLOAD_TOO_LARGE',
      `The body must be at most ${maxJsonBodyBytes} bytes`,
    );
  }
  const contentType = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    if (!route.body) throw takesNoBody();
    throw new ProblemError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw validationFailed(
      [{ path: '', message: 'is not valid JSON' }],
      'The body is not valid JSON',
    );
  }
}

function parseRequest(route: RouteEntry, event: HttpEvent) {
  const params = route.params?.safeParse(event.pathParameters ?? {});
  if (params && !params.success) throw notFound();

  const query = (route.query ?? emptyStrict).safeParse(event.queryStringParameters ?? {});
  if (!query.success) throw validationFailed(zodErrors(query.error, 'query'));

  if (route.rawBody)
    return { params: params?.data ?? {}, query: query.data, raw: rawBytes(route.rawBody, event) };
  const rawBody = parseJsonBody(route, event);
  let body: unknown;
  if (route.body) {
    if (rawBody === undefined)
      throw validationFailed([{ path: '', message: 'a JSON body is required' }]);
    if (route.forbiddenFields && typeof rawBody === 'object' && rawBody !== null)
      for (const [field, code] of Object.entries(route.forbiddenFields))
        if (code && field in rawBody) throw new ProblemError(code);
    const parsed = route.body.safeParse(rawBody);
    if (!parsed.success) throw validationFailed(zodErrors(parsed.error, ''));
    body = parsed.data;
  } else if (
    rawBody !== undefined &&
    !(
      typeof rawBody === 'object' &&
      rawBody !== null &&
      !Array.isArray(rawBody) &&
      Object.keys(rawBody).length === 0
    )
  ) {
    throw takesNoBody();
  }
  return { params: params?.data ?? {}, query: query.data, body };
}

function rawBytes(spec: NonNullable<RouteEntry['rawBody']>, event: HttpEvent) {
  const bytes = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > spec.maxBytes)
    throw new ProblemError('PAYLOAD_TOO_LARGE', `The body must be at most ${spec.maxBytes} bytes`);
  const contentType =
    (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!spec.contentTypes.includes(contentType))
    throw new ProblemError(spec.refusedAs, `Send one of: ${spec.contentTypes.join(', ')}`);
  return { bytes, contentType };
}

const idempotencyKeyPattern = /^[A-Za-z0-9_.:-]{8,128}$/;

async function withIdempotency(
  route: RouteEntry,
  event: HttpEvent,
  callerId: string,
  deps: PipelineDeps,
  run: () => Promise<Reply>,
): Promise<Reply> {
  const key = event.headers['idempotency-key'];
  if (!route.idempotent || key === undefined || !deps.idempotency) return run();
  if (!idempotencyKeyPattern.test(key))
    throw validationFailed([
      { path: 'Idempotency-Key', message: 'must be 8 to 128 letters, digits or - _ . :' },
    ]);
  const fingerprint = createHash('sha256')
    .update(`${route.routeKey}\n${event.rawPath}\n${event.body ?? ''}`)
    .digest('base64url');
  const scope = `${callerId}#${route.operationId}`;
  const earlier = await deps.idempotency.begin(scope, key, fingerprint);
  if (earlier !== 'claimed')
    return { ...earlier, headers: { ...earlier.headers, 'idempotent-replayed': 'true' } };
  try {
    const reply = await run();
    await deps.idempotency.complete(scope, key, reply);
    return reply;
  } catch (error) {
    // A refused or failed request did no work: the same key may be tried again.
    await deps.idempotency.release(scope, key);
    throw error;
  }
}

/**
 * The Lambda context's clock; a caller without one (a unit test handing in a bare context)
 * gets the default timeout's 10 s counted from now.
 */
function remainingTimeOf(context: Context | undefined): () => number {
  if (typeof context?.getRemainingTimeInMillis === 'function')
    return () => context.getRemainingTimeInMillis();
  const deadline = performance.now() + 10_000;
  return () => Math.max(0, deadline - performance.now());
}

export function createAreaHandler<A extends Area>(
  area: A,
  implementations: AreaImplementations<A>,
  deps: PipelineDeps,
) {
  const routeByKey = new Map(routesOf(area, implementations).map((e) => [e.routeKey, e]));
  let originSecret: string | undefined;
  let originSecretRead = false;

  const inner = async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    if (!originSecretRead) {
      originSecret = (deps.originSecret ?? process.env[originSecretVariable])?.trim() || undefined;
      originSecretRead = true;
    }
    // Behind CloudFront, a request without its secret went around the WAF: refused first.
    const edge = edgeOf(event, originSecret);
    logger.appendKeys({ clientIp: edge.clientIp });
    if (!edge.viaEdge) throw new ProblemError('FORBIDDEN', 'Call the API at its published address');
    const route = routeByKey.get(event.routeKey);
    if (!route) throw notFound('No such route');
    logger.appendKeys({ route: route.operationId });

    let caller: User | undefined;
    let claims: Record<string, unknown> = {};
    if (route.access !== 'public') {
      ({ caller, claims } = await authenticate(event, deps));
      logger.appendKeys({ callerId: caller.userId });
      authorize(route, caller, event);
    }
    const parsed = parseRequest(route, event);
    const implementation = (implementations as Record<string, Implementation<unknown>>)[
      route.operationId
    ];
    if (!implementation) throw notFound('No such route');
    const request = {
      ...parsed,
      caller,
      claims,
      headers: event.headers,
      sourceIp: event.requestContext.http?.sourceIp ?? '',
      path: event.rawPath,
      requestId: event.requestContext.requestId,
      remainingTimeMs: remainingTimeOf(context),
    } as RouteRequest<unknown>;
    const reply = await withIdempotency(route, event, caller?.userId ?? 'public', deps, () =>
      implementation(request),
    );
    return toResult(reply);
  };

  return middy<HttpEvent, HttpResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(requestLogging())
    .handler(inner);
}

/**
 * The one error mapper, one log line per request with its outcome and duration, and the
 * request's metrics.
 */
function requestLogging(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  const started = new WeakMap<object, number>();
  return {
    before: (request) => {
      started.set(request, performance.now());
      logger.appendKeys({ requestId: request.event.requestContext?.requestId });
    },
    after: (request) => {
      logger.info('request', {
        routeKey: request.event.routeKey,
        status: request.response?.statusCode,
        durationMs: Math.round(performance.now() - (started.get(request) ?? performance.now())),
      });
      flushMetrics();
    },
    onError: (request) => {
      flushMetrics();
      const error = request.error;
      const requestId = request.event.requestContext?.requestId;
      if (error instanceof ProblemError) {
        request.response = problemResponse(error, requestId);
        logger.info('request refused', {
          routeKey: request.event.routeKey,
          status: error.status,
          code: error.code,
        });
        return;
      }
      logger.error('request failed', { routeKey: request.event.routeKey, error });
      request.response = problemResponse(
        new ProblemError('INTERNAL', 'Something went wrong on our side. Try again later.'),
        requestId,
      );
    },
  };
}
