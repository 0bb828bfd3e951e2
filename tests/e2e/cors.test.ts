/**
 * CORS on the local API as API Gateway does it with the HTTP API's corsPreflight
 * (infra/cors.ts): the console's origin gets its preflight answered and may read the headers
 * the console needs (Retry-After, Idempotent-Replayed); any other origin gets nothing that
 * would let a browser page read an answer.
 */
import { describe, expect, it } from 'vitest';
import { cors } from '../../infra/cors.js';
import {
  type Answer,
  api,
  hub,
  supportToken,
  uniqueCentreId,
  uniqueEmail,
} from '../support/hub.js';

const foreignOrigin = 'https://elsewhere.example';

/** Every Access-Control-* header of an answer, names in lower case. */
const corsHeadersOf = (answer: Answer) =>
  Object.fromEntries(
    [...answer.headers].filter(([name]) => name.toLowerCase().startsWith('access-control-')),
  );

const listOf = (value: string | null) =>
  (value ?? '').split(',').map((item) => item.trim().toLowerCase());

const preflight = (origin: string, path: string, method: string, headers: string) =>
  api('OPTIONS', path, {
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': headers,
    },
  });

const expectReadableBy = (answer: Answer, origin: string) => {
  expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
  expect(listOf(answer.headers.get('access-control-expose-headers'))).toEqual(
    expect.arrayContaining(['retry-after', 'idempotent-replayed']),
  );
  expect(listOf(answer.headers.get('vary'))).toContain('origin');
  expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
};

describe('CORS for the console origin', () => {
  it('answers the preflight of an authorized GET /me with an idempotency key: 204 and the configured lists', async () => {
    const origin = hub().consoleUrl;

    const answer = await preflight(origin, '/me', 'GET', 'authorization, idempotency-key');

    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
    expect(listOf(answer.headers.get('access-control-allow-methods'))).toEqual(
      cors.allowMethods.map((method) => method.toLowerCase()),
    );
    expect(listOf(answer.headers.get('access-control-allow-headers'))).toEqual(
      expect.arrayContaining(['authorization', 'idempotency-key', 'content-type']),
    );
    expect(answer.headers.get('access-control-max-age')).toBe(String(cors.maxAgeSeconds));
    expect(listOf(answer.headers.get('vary'))).toContain('origin');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('answers a preflight on any path, as API Gateway does before routing', async () => {
    const answer = await preflight(hub().consoleUrl, '/no/such/route', 'POST', 'content-type');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(hub().consoleUrl);
  });

  it('lets the console read Idempotent-Replayed on a replayed create', async () => {
    const origin = hub().consoleUrl;
    const token = await supportToken();
    const centreId = uniqueCentreId();
    const email = uniqueEmail('cors');
    const create = () =>
      api('POST', '/support/centres', {
        token,
        headers: { origin, 'idempotency-key': `cors-${centreId}` },
        body: {
          centreId,
          name: 'Cross-Origin School',
          eligibleSites: ['primary'],
          coordinator: { name: 'Ada Lovelace', email },
        },
      });

    const first = await create();
    const replay = await create();

    expect(first.status).toBe(201);
    expectReadableBy(first, origin);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expectReadableBy(replay, origin);
  });

  it('lets the console read Retry-After on a 429', async () => {
    const origin = hub().consoleUrl;
    const email = uniqueEmail('cors-guess');
    let answer: Answer | undefined;
    for (let attempt = 0; attempt < 12 && answer?.status !== 429; attempt++)
      answer = await api('POST', '/auth/login', {
        headers: { origin },
        body: { email, password: `Wrong-Password-${attempt}` },
      });

    expect(answer?.status).toBe(429);
    expect(Number(answer?.headers.get('retry-after'))).toBeGreaterThan(0);
    expectReadableBy(answer as Answer, origin);
  });

  it('lets the console read the 401 that ends a session', async () => {
    const answer = await api('GET', '/me', { headers: { origin: hub().consoleUrl } });
    expect(answer.status).toBe(401);
    expectReadableBy(answer, hub().consoleUrl);
  });
});

describe('CORS for any other origin', () => {
  it('answers the preflight without any Access-Control-Allow-* header', async () => {
    const answer = await preflight(foreignOrigin, '/me', 'GET', 'authorization, idempotency-key');
    expect(answer.status).toBe(204);
    expect(corsHeadersOf(answer)).toEqual({});
  });

  it('adds no CORS header to an actual answer, for a foreign origin or none', async () => {
    const refused = await api('POST', '/auth/login', {
      headers: { origin: foreignOrigin },
      body: { email: uniqueEmail('cors-foreign'), password: 'Wrong-Password-1' },
    });
    const foreign = await api('GET', '/health', { headers: { origin: foreignOrigin } });
    const noOrigin = await api('GET', '/health');

    expect(refused.status).toBe(401);
    expect(corsHeadersOf(refused)).toEqual({});
    expect(foreign.status).toBe(200);
    expect(corsHeadersOf(foreign)).toEqual({});
    expect(corsHeadersOf(noOrigin)).toEqual({});
  });

  it('treats an origin that only resembles the console as foreign (exact match)', async () => {
    const lookalike = `${hub().consoleUrl}.elsewhere.example`;
    const answer = await api('GET', '/health', { headers: { origin: lookalike } });
    expect(corsHeadersOf(answer)).toEqual({});
  });
});
