/**
 * The contract in ../shared/API.md is what clients and acceptance tests rely on: every
 * route it lists is in the route table (and so deployed, served locally and documented in
 * the OpenAPI document), and every error code it lists exists with its status.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemCodes } from '../../functions/core/errors.js';
import { openApiDocument } from '../../functions/core/openapi.js';
import { routeList } from '../../functions/core/routes.js';

// The contract lives in ../shared beside the clone, as CI lays it out.
const contractFile = path.join(import.meta.dirname, '..', '..', '..', 'shared', 'API.md');
if (!existsSync(contractFile))
  throw new Error(
    `The HTTP contract ${contractFile} is not beside this clone (CI puts ../shared there)`,
  );
const contract = readFileSync(contractFile, 'utf8');
const contractRoutes = [...contract.matchAll(/^\| (GET|POST|PUT|PATCH|DELETE) (\/[^ |]*)/gm)].map(
  ([, method, route]) => `${method} ${route}`,
);

describe('the HTTP contract (../shared/API.md)', () => {
  it('lists routes (the parse found them)', () => {
    expect(contractRoutes.length).toBeGreaterThan(30);
  });

  it.each(contractRoutes)('has %s in the route table and the OpenAPI document', (routeKey) => {
    const entry = routeList.find((route) => route.routeKey === routeKey);
    expect(entry, routeKey).toBeDefined();
    const [method = '', routePath = ''] = routeKey.split(' ');
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
    expect(paths[routePath]?.[method.toLowerCase()], routeKey).toBeDefined();
  });

  it('has every error code with the status the contract gives it', () => {
    const codes = contract.slice(contract.indexOf('## Error codes'));
    const listed = [...codes.matchAll(/`([A-Z_]+)` (\d{3})/g)].map(([, code, status]) => [
      code,
      Number(status),
    ]);
    expect(listed.length).toBeGreaterThan(20);
    for (const [code, status] of listed)
      expect(problemCodes[code as keyof typeof problemCodes]?.status, String(code)).toBe(status);
  });
});
