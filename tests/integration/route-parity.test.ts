/**
 * The local API serves exactly the route table (the set CDK deploys, asserted in
 * tests/infra): every entry answers, and nothing outside it does.
 */
import { describe, expect, it } from 'vitest';
import { routeList } from '../../functions/core/routes.js';
import { api } from '../support/hub.js';

const concrete = (path: string) =>
  path
    .replace('{centreId}', 'GB0000001')
    .replace('{userId}', 'user-1')
    .replace('{site}', 'primary')
    .replace('{operationId}', '0000000000abcdefghjkmn');

describe('route parity', () => {
  it.each(routeList.map((route) => [route.routeKey, route] as const))(
    'serves %s',
    async (_key, route) => {
      const answer = await api(route.method, concrete(route.path));
      // Reached a handler (or the authorizer): anything but the server's own "no route".
      expect(answer.json?.detail ?? '').not.toMatch(/^No route for/);
      if (route.access !== 'public') expect(answer.status).toBe(401);
    },
  );

  it.each([
    ['GET', '/admin'],
    ['DELETE', '/me'],
    ['PUT', '/centres/GB0000001'],
    ['GET', '/centres/GB0000001/users/user-1/secrets'],
  ])('answers %s %s, which is not in the table, with a 404 problem', async (method, path) => {
    const answer = await api(method, path);
    expect(answer.status).toBe(404);
    expect(answer.json.detail).toMatch(/^No route for/);
  });
});
