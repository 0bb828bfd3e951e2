/**
 * The v1 contract web clients were promised, kept in the project as
 * tests/contract/v1-routes.json: every route it lists is still in the route table (and so
 * deployed, served locally and documented) with the same success status, in the OpenAPI
 * document and in docs/API.md; every problem code it lists still exists with its status,
 * everywhere the project names it. Routes and codes may be added, never taken away.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemCodes } from '../../functions/core/errors.js';
import { openApiDocument } from '../../functions/core/openapi.js';
import { routeList } from '../../functions/core/routes.js';
import contract from '../contract/v1-routes.json' with { type: 'json' };

const projectRoot = path.join(import.meta.dirname, '..', '..');
const reference = readFileSync(path.join(projectRoot, 'docs', 'API.md'), 'utf8');

/** The cells of each table row of docs/API.md, keyed by its first cell without backticks. */
const referenceRows = new Map(
  reference
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim());
      return [cells[0]?.replaceAll('`', '') ?? '', cells] as const;
    }),
);

type Operation = { responses: Record<string, { description?: string }> };
const paths = openApiDocument().paths as Record<string, Record<string, Operation>>;

/** Each problem code the OpenAPI document names, with every status it is named under. */
const documentedStatuses = new Map<string, Set<number>>();
for (const operations of Object.values(paths))
  for (const { responses } of Object.values(operations))
    for (const [status, { description = '' }] of Object.entries(responses))
      for (const code of description.match(/^Problem: (.*)$/)?.[1]?.split(', ') ?? [])
        documentedStatuses.set(
          code,
          new Set([...(documentedStatuses.get(code) ?? []), Number(status)]),
        );

const routes = Object.entries(contract.routes);
const codes = Object.entries(contract.problemCodes);

describe('the v1 contract (tests/contract/v1-routes.json)', () => {
  it('lists the routes and problem codes first agreed', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(codes.length).toBeGreaterThan(20);
  });

  it.each(routes)('has %s in the route table with success %i', (routeKey, status) => {
    const entry = routeList.find((route) => route.routeKey === routeKey);
    expect(entry, `${routeKey} is not in the route table`).toBeDefined();
    expect(entry?.success.status, routeKey).toBe(status);
  });

  it.each(routes)('has %s in the OpenAPI document, answering %i', (routeKey, status) => {
    const [method = '', routePath = ''] = routeKey.split(' ');
    const operation = paths[routePath]?.[method.toLowerCase()];
    expect(operation, `${routeKey} is not in the OpenAPI document`).toBeDefined();
    expect(Object.keys(operation?.responses ?? {}), routeKey).toContain(String(status));
  });

  it.each(routes)('has %s in docs/API.md, answering %i', (routeKey, status) => {
    const row = referenceRows.get(routeKey);
    expect(row, `${routeKey} is not in docs/API.md`).toBeDefined();
    expect(row?.[4], routeKey).toMatch(new RegExp(`^\\*\\*${status}\\*\\*`));
  });

  it.each(codes)('has the problem code %s with status %i', (code, status) => {
    expect(problemCodes[code as keyof typeof problemCodes]?.status, code).toBe(status);
    expect(referenceRows.get(code)?.[1], `${code} in docs/API.md`).toBe(String(status));
    // Any route may answer 500 INTERNAL, so the OpenAPI document names it on none.
    if (code !== 'INTERNAL')
      expect([...(documentedStatuses.get(code) ?? [])], `${code} in the OpenAPI document`).toEqual([
        status,
      ]);
  });
});
