/**
 * The local stand-in for API Gateway's HTTP API: it matches a request to the route table,
 * runs the authorizer on non-public routes, builds the payload-2.0 event API Gateway would
 * send, and calls the very handler CDK deploys for that route's area.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { edgeHeaders } from '../../functions/core/edge.js';
import { type ProblemCode, ProblemError } from '../../functions/core/errors.js';
import { type HttpEvent, problemResponse } from '../../functions/core/http.js';
import type { Area, RouteEntry } from '../../functions/core/routes.js';
import { routeList } from '../../functions/core/routes.js';
import { cors } from '../cors.js';
import { areaFunctionTimeoutSeconds } from '../function-timeout.js';
import type { LocalAuthorizer } from './authorizer.js';
import { listenOnLoopback } from './emulators/process.js';
import { type RequestRecord, testIdHeader, withRequestLogs } from './handler-logs.js';

export type AreaHandler = (event: HttpEvent, context: Context) => Promise<unknown>;

// API Gateway's own limit is 10 MB; nothing here needs more than a picture and some slack.
const maxRequestBytes = 2 * 1024 * 1024;

interface CompiledRoute {
  entry: RouteEntry;
  pattern: RegExp;
  names: string[];
}

function compile(entry: RouteEntry): CompiledRoute {
  const names: string[] = [];
  const source = entry.path
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
  return { entry, pattern: new RegExp(`^${source}$`), names };
}

const textTypes = /^(application\/(.+\+)?json|text\/|application\/x-www-form-urlencoded)/i;

/**
 * A test may shorten (never lengthen) one request's timeout with this header, to see what the
 * API does when time runs out. Only this local server reads it; API Gateway and the handlers
 * do not.
 */
export const localTimeoutHeader = 'x-hub-local-timeout-ms';

function timeoutMsOf(headers: Record<string, string>): number {
  const full = areaFunctionTimeoutSeconds * 1000;
  const asked = Number(headers[localTimeoutHeader]);
  return Number.isFinite(asked) && asked >= 0 ? Math.min(asked, full) : full;
}

function lambdaContext(functionName: string, requestId: string, timeoutMs: number): Context {
  // As in Lambda: the clock starts when the function is invoked and counts down to 0.
  const deadline = performance.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-2:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, Math.floor(deadline - performance.now())),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2) {
  const body =
    result.body === undefined
      ? undefined
      : result.isBase64Encoded
        ? Buffer.from(result.body, 'base64')
        : Buffer.from(result.body, 'utf8');
  response.writeHead(result.statusCode ?? 200, {
    ...Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    ...(body ? { 'content-length': String(body.length) } : {}),
  });
  response.end(body);
}

/** A comma-separated header such as Vary with one more value, unless it already has it. */
function withListed(list: string | undefined, value: string) {
  if (!list) return value;
  const listed = list.split(',').some((item) => item.trim().toLowerCase() === value.toLowerCase());
  return listed ? list : `${list}, ${value}`;
}

/**
 * What API Gateway does to every answer once the HTTP API has corsPreflight: it ignores CORS
 * headers the integration set, and for an allowed origin echoes it and names the headers a
 * page may read. The runtime's own refusals (no route, no token) get them too: the console
 * must be able to read a 401 to know its session ended.
 */
function withCors(
  result: APIGatewayProxyStructuredResultV2,
  origin: string | undefined,
  allowedOrigins: ReadonlySet<string>,
): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string | number | boolean> = {};
  let vary: string | undefined;
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower.startsWith('access-control-')) continue;
    if (lower === 'vary') vary = String(value);
    else headers[name] = value;
  }
  if (origin !== undefined && allowedOrigins.has(origin)) {
    headers['access-control-allow-origin'] = origin;
    headers['access-control-expose-headers'] = cors.exposeHeaders.join(',');
    vary = withListed(vary, 'Origin');
  }
  if (vary !== undefined) headers.vary = vary;
  return { ...result, headers };
}

/**
 * API Gateway answers a preflight itself, on any path, without calling a function: the
 * configured lists for an allowed origin, and no Access-Control-Allow-* at all for another
 * (the browser then refuses the real request).
 */
function preflight(
  origin: string,
  allowedOrigins: ReadonlySet<string>,
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 204,
    headers: allowedOrigins.has(origin)
      ? {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': cors.allowMethods.join(','),
          'access-control-allow-headers': cors.allowHeaders.join(','),
          'access-control-max-age': String(cors.maxAgeSeconds),
          vary: 'Origin',
        }
      : { vary: 'Origin' },
  };
}

/**
 * The request's path and query, read as API Gateway reads them: `//a/b` is a path of its own
 * (not a host `a` and a path `/b`, as URL would read it against a base).
 */
function urlOf(request: IncomingMessage): URL | undefined {
  const target = request.url ?? '/';
  if (!target.startsWith('/')) return undefined;
  try {
    return new URL(`http://127.0.0.1${target}`);
  } catch {
    return undefined;
  }
}

/**
 * The request's body, or undefined when it is over `maxBytes`. The rest of a body that is too
 * large is still read, and dropped, up to `drainBytes` in all: a client still sending when
 * the answer came and the connection closed would see its write reset, not the 413 (a
 * 3 MiB upload did, now and then, on a loaded machine). Past `drainBytes` reading stops, and
 * the caller cuts the connection once it has answered.
 */
function readBody(
  request: IncomingMessage,
  maxBytes: number,
  drainBytes = 4 * maxBytes,
): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else if (size > drainBytes) {
        request.pause();
        resolve(undefined);
      }
    });
    request.on('end', () => resolve(size <= maxBytes ? Buffer.concat(chunks) : undefined));
    request.on('error', reject);
  });
}

// The runtime's own refusals (before any handler runs) use the product's one problem mapper.
const problem = (code: ProblemCode, detail: string) =>
  problemResponse(new ProblemError(code, detail));

export async function startApiServer(options: {
  port: number;
  handlers: Record<Area, AreaHandler>;
  authorizer: LocalAuthorizer;
  /** The exact origins a browser page may call from (the deployed ones come from settings). */
  allowedOrigins: string[];
  /** Told of every answered request, with the handler's log lines for it (handler-logs.ts). */
  onRequest?: (record: RequestRecord) => void;
  /**
   * Play CloudFront in front of the API, as with hub:apiDomain in AWS: the handlers'
   * HUB_ORIGIN_SECRET, sent with every request, and the client's address in the viewer-IP
   * header, both replacing whatever the client sent under those names.
   */
  originSecret?: string;
}): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const compiled = routeList.map(compile);
  const allowedOrigins: ReadonlySet<string> = new Set(options.allowedOrigins);
  const originOf = (request: IncomingMessage) =>
    typeof request.headers.origin === 'string' ? request.headers.origin : undefined;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const requestId = randomUUID();
    const url = urlOf(request);
    const method = (request.method ?? 'GET').toUpperCase();
    const origin = originOf(request);
    const reply = (result: APIGatewayProxyStructuredResultV2) =>
      send(response, withCors(result, origin, allowedOrigins));
    if (!url) {
      request.resume();
      reply(problem('NOT_FOUND', 'The path is not valid'));
      return;
    }
    const path = url.pathname;

    if (
      method === 'OPTIONS' &&
      origin !== undefined &&
      request.headers['access-control-request-method']
    ) {
      request.resume();
      send(response, preflight(origin, allowedOrigins));
      return;
    }

    const raw = await readBody(request, maxRequestBytes);
    if (!raw) {
      // The connection closes once the answer is sent, and says so: a body past the drain
      // limit was not read to its end, so the next request could not be told from its rest.
      response.setHeader('connection', 'close');
      reply(problem('PAYLOAD_TOO_LARGE', 'The request body is too large'));
      response.once('finish', () => request.socket.destroy());
      return;
    }

    const onPath = compiled.filter((route) => route.pattern.test(path));
    const route = onPath.find((candidate) => candidate.entry.method === method);
    if (!route) {
      reply(problem('NOT_FOUND', `No route for ${method} ${path}`));
      return;
    }
    const values = route.pattern.exec(path)?.slice(1) ?? [];
    let pathParameters: Record<string, string>;
    try {
      pathParameters = Object.fromEntries(
        route.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]),
      );
    } catch {
      reply(problem('NOT_FOUND', 'The path is not valid'));
      return;
    }

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (value !== undefined)
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;

    if (options.originSecret) {
      // CloudFront's viewer-request function and origin custom header (infra/console-stack.ts).
      headers[edgeHeaders.viewerIp] = request.socket.remoteAddress ?? '127.0.0.1';
      headers[edgeHeaders.originSecret] = options.originSecret;
    }

    let claims: Record<string, string> | undefined;
    if (route.entry.access !== 'public') {
      claims = await options.authorizer.verify(headers.authorization);
      if (!claims) {
        // API Gateway answers this itself in AWS (see README: its body is its own).
        reply(problem('UNAUTHENTICATED', 'A valid access token is required'));
        return;
      }
    }

    // As API Gateway does: every name is passed on, repeats joined with commas. A map with no
    // prototype, so `__proto__` or `constructor` is a parameter like any other.
    const queryStringParameters: Record<string, string> = Object.create(null);
    for (const [name, value] of url.searchParams)
      queryStringParameters[name] = Object.hasOwn(queryStringParameters, name)
        ? `${queryStringParameters[name]},${value}`
        : value;

    const isText = raw.length === 0 || textTypes.test(headers['content-type'] ?? '');
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey: route.entry.routeKey,
      rawPath: path,
      rawQueryString: url.search.slice(1),
      headers,
      ...(Object.keys(queryStringParameters).length ? { queryStringParameters } : {}),
      ...(route.names.length ? { pathParameters } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? '127.0.0.1',
        domainPrefix: 'local',
        http: {
          method,
          path,
          protocol: 'HTTP/1.1',
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: route.entry.routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        ...(claims
          ? {
              authorizer: {
                principalId: '',
                integrationLatency: 0,
                jwt: { claims, scopes: claims.scope ? claims.scope.split(' ') : [] },
              },
            }
          : {}),
      },
      ...(raw.length ? { body: isText ? raw.toString('utf8') : raw.toString('base64') } : {}),
      isBase64Encoded: !isText,
    } as unknown as HttpEvent;

    const area = route.entry.area;
    const timeoutMs = timeoutMsOf(headers);
    // Lambda stops a function at its timeout and API Gateway answers 500; here the handler
    // cannot be stopped (its work goes on in the background), but the answer is the same.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), timeoutMs);
    });
    const result = await Promise.race([
      options.handlers[area](event, lambdaContext(`hub-${area}`, requestId, timeoutMs)),
      timedOut,
    ]).finally(() => clearTimeout(timer));
    if (result === 'timed out') {
      reply(problem('INTERNAL', 'Something went wrong on our side. Try again later.'));
      return;
    }
    reply(result as APIGatewayProxyStructuredResultV2);
  };

  const server = createServer((request, response) => {
    const started = performance.now();
    const { result: served, lines } = withRequestLogs(() => handle(request, response));
    if (options.onRequest) {
      const onRequest = options.onRequest;
      const testId = request.headers[testIdHeader];
      response.once('close', () =>
        onRequest({
          method: (request.method ?? 'GET').toUpperCase(),
          path: urlOf(request)?.pathname ?? String(request.url),
          status: response.statusCode,
          ms: Math.round(performance.now() - started),
          ...(typeof testId === 'string' ? { testId } : {}),
          lines,
        }),
      );
    }
    served.catch((error: unknown) => {
      lines.push(
        JSON.stringify({
          level: 'ERROR',
          message: 'the local API server failed',
          error: error instanceof Error ? error.stack : String(error),
        }),
      );
      if (!response.headersSent)
        send(
          response,
          withCors(
            problem('INTERNAL', 'Something went wrong on our side. Try again later.'),
            originOf(request),
            allowedOrigins,
          ),
        );
      else response.destroy();
    });
  });
  // Idle kept-alive connections are closed by the client (undici drops one after about 4 s),
  // never by this server first: with a 5 s timeout here, a client whose event loop lagged
  // under load reused a socket the server had just closed ("other side closed", seen in a
  // full test run). API Gateway, too, keeps an idle connection far longer than its clients.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return { ...(await listenOnLoopback(server, options.port)), server };
}
