/**
 * Behind CloudFront (hub:apiDomain) the API serves only requests that carry CloudFront's
 * origin secret, and takes the client's IP from the header CloudFront's viewer-request
 * function sets; without a secret configured (execute-api, the local stack) the client is
 * API Gateway's sourceIp and the edge headers are ignored.
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { edgeHeaders, edgeOf, originSecretVariable } from '../../functions/core/edge.js';
import { createAreaHandler } from '../../functions/core/http.js';
import { logger } from '../../functions/core/logger.js';
import { systemRoutes } from '../../functions/system/routes.js';
import { context, httpEvent } from './fakes/events.js';

afterEach(() => vi.unstubAllEnvs());

const secret = 'origin-secret-0123456789';
const event = (headers: Record<string, string> = {}) =>
  httpEvent({ routeKey: 'GET /health', headers });

describe('edgeOf', () => {
  it('without an origin secret, the client is the source IP and the edge headers mean nothing', () => {
    const forged = event({
      [edgeHeaders.viewerIp]: '198.51.100.9',
      [edgeHeaders.originSecret]: 'x',
    });
    expect(edgeOf(forged, undefined)).toEqual({ viaEdge: true, clientIp: '127.0.0.1' });
  });

  it('with the secret, the client is the viewer IP CloudFront saw', () => {
    const viaCloudFront = event({
      [edgeHeaders.viewerIp]: '203.0.113.7',
      [edgeHeaders.originSecret]: secret,
    });
    expect(edgeOf(viaCloudFront, secret)).toEqual({ viaEdge: true, clientIp: '203.0.113.7' });
    // IPv6 viewers too, as CloudFront Functions give them.
    const v6 = event({ [edgeHeaders.viewerIp]: '2001:db8::1', [edgeHeaders.originSecret]: secret });
    expect(edgeOf(v6, secret).clientIp).toBe('2001:db8::1');
  });

  it.each([
    ['no secret header', {}],
    ['a wrong secret', { [edgeHeaders.originSecret]: `${secret}x` }],
    ['a prefix of the secret', { [edgeHeaders.originSecret]: secret.slice(0, 10) }],
    ['an empty secret', { [edgeHeaders.originSecret]: '' }],
  ])(
    'with %s, the request went around CloudFront and its viewer IP is not believed',
    (_, headers) => {
      const around = event({ ...headers, [edgeHeaders.viewerIp]: '203.0.113.7' });
      expect(edgeOf(around, secret)).toEqual({ viaEdge: false, clientIp: '127.0.0.1' });
    },
  );
});

describe('the request pipeline behind CloudFront', () => {
  const handlerWith = (originSecret?: string) =>
    createAreaHandler('system', systemRoutes(), {
      loadCaller: async () => undefined,
      ...(originSecret === undefined ? {} : { originSecret }),
    });
  const call = async (handler: ReturnType<typeof handlerWith>, e: unknown) =>
    (await handler(e as never, context as never)) as {
      statusCode: number;
      headers: Record<string, string>;
      body?: string;
    };

  // First: the logger is pointed at a sink before any handler of this file has run.
  it("logs the real client's IP, not CloudFront's", async () => {
    const lines: string[] = [];
    const target = logger as unknown as { console: Console };
    const original = target.console;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    target.console = new Console({ stdout: sink, stderr: sink });
    logger.setLogLevel('DEBUG');
    try {
      await call(
        handlerWith(secret),
        event({ [edgeHeaders.originSecret]: secret, [edgeHeaders.viewerIp]: '203.0.113.7' }),
      );
    } finally {
      target.console = original;
      logger.setLogLevel('SILENT');
    }
    const request = lines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .find((l) => l.message === 'request');
    expect(request).toMatchObject({ clientIp: '203.0.113.7', status: 200 });
    expect(lines.join('')).not.toContain(secret);
  });

  it('refuses a request without the origin secret with 403 problem+json, before any route', async () => {
    const handler = handlerWith(secret);
    for (const e of [event(), event({ [edgeHeaders.originSecret]: 'guess' })]) {
      const response = await call(handler, e);
      expect(response.statusCode).toBe(403);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(response.body ?? '{}')).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    }
    const unknownRoute = await call(handler, httpEvent({ routeKey: 'GET /nowhere' }));
    expect(unknownRoute.statusCode).toBe(403);
  });

  it('serves a request that carries it', async () => {
    const response = await call(handlerWith(secret), event({ [edgeHeaders.originSecret]: secret }));
    expect(response.statusCode).toBe(200);
  });

  it(`reads ${originSecretVariable} when no secret is passed, and serves everything without one`, async () => {
    vi.stubEnv(originSecretVariable, secret);
    expect((await call(handlerWith(), event())).statusCode).toBe(403);
    vi.stubEnv(originSecretVariable, '');
    expect((await call(handlerWith(), event())).statusCode).toBe(200);
  });
});
