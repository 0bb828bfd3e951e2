/**
 * Each area's handler routes by the entries its implementations carry (areaRoutes), so a
 * bundle holds that area's routes and schemas only (issue 11, item 14). Those entries must
 * be exactly the area's rows of the one route table.
 */
import { describe, expect, it } from 'vitest';
import { authRoutes } from '../../functions/auth/routes.js';
import { centresRoutes } from '../../functions/centres/routes.js';
import { areaRoutes, createAreaHandler } from '../../functions/core/http.js';
import { centresEntries } from '../../functions/core/route-table/centres.js';
import { meEntries } from '../../functions/core/route-table/me.js';
import { type Area, areas, routeList, routesOfArea } from '../../functions/core/routes.js';
import { meRoutes } from '../../functions/me/routes.js';
import { picturesRoutes } from '../../functions/pictures/routes.js';
import { sitesRoutes } from '../../functions/sites/routes.js';
import { supportRoutes } from '../../functions/support/routes.js';
import { systemRoutes } from '../../functions/system/routes.js';
import { accessClaims, context, httpEvent } from './fakes/events.js';
import { aUser } from './fakes/index.js';

const factories: Record<Area, (deps: never) => object> = {
  system: systemRoutes,
  auth: authRoutes,
  me: meRoutes,
  pictures: picturesRoutes,
  centres: centresRoutes,
  sites: sitesRoutes,
  support: supportRoutes,
};

/**
 * Whether a handler made from these implementations knows each route of the table (of every
 * area): anything but the pipeline's 404 "No such route" (a bad body or parameter is fine).
 */
async function knownRoutesOf(area: Area, implementations: object) {
  const handler = createAreaHandler(area, implementations as never, {
    loadCaller: async () => aUser({ isSupport: true, centreId: null }),
  });
  const known: string[] = [];
  for (const entry of routeList) {
    const result = (await handler(
      httpEvent({ routeKey: entry.routeKey, claims: accessClaims('user-1') }) as never,
      context as never,
    )) as { statusCode: number; body?: string };
    const unknown = result.statusCode === 404 && result.body?.includes('No such route');
    if (!unknown) known.push(entry.operationId);
  }
  return known.sort();
}

describe('areaRoutes', () => {
  it.each(areas)('gives the %s handler every route of its area and no other', async (area) => {
    const operations = routesOfArea(area).map((entry) => entry.operationId);
    const made = factories[area](new Proxy({}, { get: () => undefined }) as never);
    const answering = Object.fromEntries(
      Object.keys(made).map((operationId) => [operationId, async () => ({ status: 299 })]),
    );
    Object.defineProperties(
      answering,
      Object.fromEntries(
        Object.getOwnPropertySymbols(made).map((symbol) => [
          symbol,
          { value: (made as Record<symbol, unknown>)[symbol] },
        ]),
      ),
    );
    expect(await knownRoutesOf(area, answering)).toEqual([...operations].sort());
  });

  it('refuses implementations made without their entries, or with another area’s', () => {
    expect(() =>
      createAreaHandler('me', { getMe: async () => ({ status: 200 }) } as never, {
        loadCaller: async () => undefined,
      }),
    ).toThrow(/areaRoutes/);
    const wrongArea = areaRoutes(centresEntries as never, () => ({}) as never)();
    expect(() => createAreaHandler('me', wrongArea, { loadCaller: async () => undefined })).toThrow(
      /is a route of centres, not me/,
    );
    const right = areaRoutes(meEntries, () => ({}) as never)();
    expect(() =>
      createAreaHandler('me', right, { loadCaller: async () => undefined }),
    ).not.toThrow();
  });
});
