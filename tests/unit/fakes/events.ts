import type { Context } from 'aws-lambda';
import type { HttpEvent } from '../../../functions/core/http.js';

/** An API Gateway HTTP API (payload 2.0) event as the authorizer would hand it on. */
export function httpEvent(options: {
  routeKey: string;
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  claims?: Record<string, string>;
}): HttpEvent {
  const [method = 'GET', routePath = '/'] = options.routeKey.split(' ');
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath: options.path ?? routePath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    queryStringParameters: options.query,
    pathParameters: options.pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test',
      domainPrefix: 'test',
      http: {
        method,
        path: options.path ?? routePath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: 'request-1',
      routeKey: options.routeKey,
      stage: '$default',
      time: '',
      timeEpoch: 0,
      ...(options.claims
        ? {
            authorizer: {
              principalId: '',
              integrationLatency: 0,
              jwt: { claims: options.claims, scopes: [] },
            },
          }
        : {}),
    },
    body: options.body,
    isBase64Encoded: false,
  } as unknown as HttpEvent;
}

export const accessClaims = (sub: string, authTime = 1_800_000_000) => ({
  sub,
  token_use: 'access',
  auth_time: String(authTime),
  client_id: 'client',
});

export const context = { awsRequestId: 'aws-request-1', functionName: 'test' } as Context;
