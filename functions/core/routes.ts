/**
 * The route table: the one list that the CDK stack (API Gateway routes, authorizer, one
 * Lambda per area), the local API server and the OpenAPI document all read. Handlers live
 * in functions/<area>/ and are matched to these entries by operation id.
 */
import type { Area, RouteSpec } from './route-spec.js';
import { authEntries } from './route-table/auth.js';
import { centresEntries } from './route-table/centres.js';
import { meEntries } from './route-table/me.js';
import { picturesEntries } from './route-table/pictures.js';
import { sitesEntries } from './route-table/sites.js';
import { supportEntries } from './route-table/support.js';
import { systemEntries } from './route-table/system.js';

export { type Access, type Area, areas, type HttpMethod, type RouteSpec } from './route-spec.js';

/** Every route, keyed by operation id. */
export const routes = {
  ...systemEntries,
  ...authEntries,
  ...meEntries,
  ...picturesEntries,
  ...centresEntries,
  ...sitesEntries,
  ...supportEntries,
} as const;

export type Routes = typeof routes;
export type OperationId = keyof Routes;

export interface RouteEntry extends RouteSpec {
  operationId: OperationId;
  /** API Gateway's route key, e.g. `GET /centres/{centreId}`. */
  routeKey: string;
}

export const routeList: RouteEntry[] = Object.entries(routes).map(([operationId, spec]) => ({
  ...(spec as RouteSpec),
  operationId: operationId as OperationId,
  routeKey: `${spec.method} ${spec.path}`,
}));

export const routesOfArea = (area: Area) => routeList.filter((entry) => entry.area === area);
