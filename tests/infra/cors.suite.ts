/**
 * The HTTP API's CORS configuration is infra/cors.ts, the same object the local API server
 * plays, so what a browser is allowed on a laptop (tests/e2e/cors.test.ts) is what it is
 * allowed in AWS.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '../../functions/core/routes.js';
import { cors } from '../../infra/cors.js';
import { defaultApp } from './default-app.js';
import { stackNames } from './fixture.js';

/** Synthesized CloudFormation is untyped JSON. */
type Json = any;

let corsConfiguration: Json;

beforeAll(() => {
  const template = defaultApp().assembly.getStackByName(stackNames.stateless).template as {
    Resources: Record<string, { Type: string; Properties: Json }>;
  };
  const apis = Object.values(template.Resources).filter(
    (resource) => resource.Type === 'AWS::ApiGatewayV2::Api',
  );
  expect(apis).toHaveLength(1);
  corsConfiguration = apis[0]?.Properties.CorsConfiguration;
}, 120_000);

describe('the HTTP API CORS configuration', () => {
  it('is infra/cors.ts: allowed and exposed headers, methods, max age', () => {
    expect(corsConfiguration).toMatchObject({
      AllowHeaders: [...cors.allowHeaders],
      AllowMethods: [...cors.allowMethods],
      ExposeHeaders: [...cors.exposeHeaders],
      MaxAge: cors.maxAgeSeconds,
    });
  });

  it('lets a page read Retry-After and Idempotent-Replayed, and send what the API reads', () => {
    expect(corsConfiguration.ExposeHeaders).toEqual(['retry-after', 'idempotent-replayed']);
    expect(corsConfiguration.AllowHeaders).toEqual([
      'authorization',
      'content-type',
      'idempotency-key',
    ]);
  });

  it('allows every method of the route table and no wildcard', () => {
    for (const method of new Set(routeList.map((entry) => entry.method)))
      expect(corsConfiguration.AllowMethods, method).toContain(method);
    for (const list of ['AllowHeaders', 'AllowMethods', 'ExposeHeaders', 'AllowOrigins'])
      expect(corsConfiguration[list], list).not.toContain('*');
  });

  it('never allows credentials (the token travels in Authorization, not a cookie)', () => {
    expect(corsConfiguration.AllowCredentials).toBeUndefined();
  });
});
