/**
 * Business events become metrics, and nothing secret reaches the logs: the pipeline's
 * log lines carry the route, status and caller id, never a body, password, code or token.
 */

import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../functions/core/data/db.js';
import { ProblemError } from '../../functions/core/errors.js';
import { areaRoutes, createAreaHandler } from '../../functions/core/http.js';
import { logger } from '../../functions/core/logger.js';
import { metrics } from '../../functions/core/metrics.js';
import { meEntries } from '../../functions/core/route-table/me.js';
import { authHandler } from './fakes/auth.js';
import { accessClaims, context, httpEvent } from './fakes/events.js';
import { aUser, fakeIdentity } from './fakes/index.js';

afterEach(() => vi.restoreAllMocks());

function captureLogs() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  // Powertools writes through its own console; point it at the sink for this test.
  const target = logger as unknown as { console: Console; logLevel: number };
  const original = target.console;
  target.console = new Console({ stdout: sink, stderr: sink });
  logger.setLogLevel('DEBUG');
  return {
    text: () => lines.join(''),
    restore: () => {
      target.console = original;
      logger.setLogLevel('SILENT');
    },
  };
}

describe('logs', () => {
  it('never log the password, the refresh token or the session of a request, failing or not', async () => {
    const secrets = {
      password: 'Secret-Password-123',
      refreshToken: 'refresh-token-that-must-not-leak',
      session: 'session-that-must-not-leak',
      newPassword: 'Another-Secret-456',
    };
    const identity = fakeIdentity();
    identity.signIn = async () => {
      throw new ProblemError('INVALID_CREDENTIALS');
    };
    identity.refresh = async () => {
      throw Object.assign(new Error(`boom ${secrets.refreshToken}`), {
        name: 'InternalErrorException',
      });
    };
    const db = { client: { send: vi.fn(async () => ({})) }, tableName: 't' } as unknown as Db;
    const handler = authHandler(db, identity);
    const logs = captureLogs();
    try {
      const call = (routeKey: string, body: unknown) =>
        handler(httpEvent({ routeKey, body: JSON.stringify(body) }) as never, context as never);
      await call('POST /auth/login', { email: 'ada@school.example', password: secrets.password });
      await call('POST /auth/new-password', {
        email: 'ada@school.example',
        session: secrets.session,
        newPassword: secrets.newPassword,
      });
      await call('POST /auth/refresh', { refreshToken: secrets.refreshToken });
      await call('POST /auth/login', `{"password":"${secrets.password}"`);
    } finally {
      logs.restore();
    }
    const text = logs.text();
    expect(text).toContain('"routeKey":"POST /auth/login"');
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
  });
});

describe('metrics', () => {
  it('counts business events and flushes them once per request', async () => {
    const added = vi.spyOn(metrics, 'addMetric');
    const published = vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const { countEvent } = await import('../../functions/core/metrics.js');
    countEvent('ResultsTransferred', 25);
    countEvent('UsersAdded', 0);
    expect(added).toHaveBeenCalledWith('ResultsTransferred', 'Count', 25);
    expect(added).toHaveBeenCalledTimes(1);
    const handler = createAreaHandler(
      'me',
      areaRoutes(meEntries, () => ({ getMe: async () => ({ status: 200, body: {} }) }) as never)(),
      {
        loadCaller: async () => aUser(),
      },
    );
    await handler(
      httpEvent({ routeKey: 'GET /me', claims: accessClaims('user-1') }) as never,
      context as never,
    );
    expect(published).toHaveBeenCalledTimes(1);
  });
});
