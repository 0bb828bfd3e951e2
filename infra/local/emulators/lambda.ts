// A local Lambda service: answers the Lambda Invoke API with in-process handlers, so that
// anything that invokes Lambda through an endpoint (cognito-local's triggers, the real
// @aws-sdk/client-lambda) reaches the same handler code that runs in AWS.
//
// Status codes and headers follow real Lambda because callers branch on them: a handler
// error is a *successful* invoke (200) flagged with X-Amz-Function-Error, while an
// unknown function is an API error (404, x-amzn-ErrorType).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, type Handle, type LogFn } from './process.js';

/** The subset of the Lambda context object that handlers (and Powertools) read. */
export interface LocalLambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

export type LocalLambdaHandler = (event: unknown, context?: LocalLambdaContext) => Promise<unknown>;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const REGION = 'eu-west-2';
const ACCOUNT = '000000000000';
const TIMEOUT_MS = 30_000;

/** `name`, `name:qualifier`, `arn:aws:lambda:r:a:function:name[:qualifier]` → `name`. */
export function functionNameOf(nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn.split(':')[6] ?? nameOrArn;
  return nameOrArn.split(':')[0] ?? nameOrArn;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body ?? null);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

function apiError(res: ServerResponse, status: number, type: string, message: string): void {
  // The SDK reads the code from x-amzn-ErrorType; the body mirrors Lambda's own.
  send(res, status, { Type: 'User', Message: message, message }, { 'x-amzn-ErrorType': type });
}

export async function startLambdaLocal(opts: {
  port: number;
  functions: Record<string, LocalLambdaHandler>;
  log?: LogFn;
}): Promise<Handle> {
  const lookup = (nameOrArn: string): [string, LocalLambdaHandler] | undefined => {
    const direct = opts.functions[nameOrArn];
    if (direct) return [nameOrArn, direct];
    const name = functionNameOf(nameOrArn);
    const byName = opts.functions[name];
    return byName ? [name, byName] : undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = INVOKE_PATH.exec(url.pathname);
    if (req.method !== 'POST' || !match?.[1]) {
      apiError(res, 404, 'UnknownOperationException', `Unsupported: ${req.method} ${url.pathname}`);
      return;
    }
    const requested = decodeURIComponent(match[1]);
    const found = lookup(requested);
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionNameOf(requested)}`;
    if (!found) {
      apiError(res, 404, 'ResourceNotFoundException', `Function not found: ${arn}`);
      return;
    }
    const [name, handler] = found;
    const raw = await readBody(req);
    let event: unknown;
    try {
      event = raw ? JSON.parse(raw) : {};
    } catch {
      apiError(
        res,
        400,
        'InvalidRequestContentException',
        'Could not parse request body into json',
      );
      return;
    }
    const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (invocationType === 'DryRun') {
      send(res, 204, undefined);
      return;
    }
    const requestId = randomUUID();
    const deadline = Date.now() + TIMEOUT_MS;
    const context: LocalLambdaContext = {
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: arn,
      memoryLimitInMB: '128',
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const run = (): Promise<unknown> => Promise.resolve().then(() => handler(event, context));
    const headers = { 'x-amzn-RequestId': requestId, 'X-Amz-Executed-Version': '$LATEST' };
    if (invocationType === 'Event') {
      run().catch((error: unknown) =>
        opts.log?.(`[lambda] ${name} (async) failed: ${String(error)}`),
      );
      send(res, 202, undefined, headers);
      return;
    }
    try {
      const result = await run();
      send(res, 200, result === undefined ? null : result, headers);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      opts.log?.(`[lambda] ${name} failed: ${err.stack ?? err.message}`);
      send(
        res,
        200,
        { errorType: err.name, errorMessage: err.message, trace: (err.stack ?? '').split('\n') },
        { ...headers, 'X-Amz-Function-Error': 'Unhandled' },
      );
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      opts.log?.(`[lambda] internal error: ${String(error)}`);
      if (!res.headersSent) apiError(res, 500, 'ServiceException', String(error));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${opts.port}`,
    stop: () => closeServer(server),
  };
}

/**
 * An `invokeLambda` that goes through a Lambda Invoke API endpoint (e.g. startLambdaLocal),
 * turning a function error into a thrown Error named after its errorType, as Step
 * Functions does.
 */
export function invokeViaLambdaEndpoint(
  endpoint: string,
): (functionNameOrArn: string, payload: unknown) => Promise<unknown> {
  return async (fn, payload) => {
    const url = `${endpoint.replace(/\/$/, '')}/2015-03-31/functions/${encodeURIComponent(fn)}/invocations`;
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(payload ?? null) });
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : null;
    if (res.status !== 200) {
      const type = res.headers.get('x-amzn-errortype') ?? 'Lambda.ServiceException';
      throw Object.assign(new Error(`${type}: ${text}`), {
        name: type.startsWith('Lambda.') ? type : `Lambda.${type}`,
      });
    }
    if (res.headers.get('x-amz-function-error')) {
      const { errorType, errorMessage } = (body ?? {}) as {
        errorType?: string;
        errorMessage?: string;
      };
      throw Object.assign(new Error(errorMessage ?? 'Lambda function error'), {
        name: errorType ?? 'Error',
      });
    }
    return body;
  };
}
