/**
 * What the Lambda bundles hold (issue 11, item 14), from one esbuild metafile per entry:
 * - Each area's bundle carries its own route-table entries and their schemas, not every
 *   area's (areaRoutes in functions/core/http.ts).
 * - What the bundles leave out (infra/bundling.ts, neverLoadedModules) is only ever reached
 *   through a lazy `import()` the hub never makes: a static import of it would fail every
 *   cold start in Lambda, where no node_modules sits beside the bundle.
 */
import { isBuiltin } from 'node:module';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { areas } from '../../functions/core/routes.js';
import {
  entriesLoadingEventStreams,
  esbuildOptions,
  neverLoadedModules,
} from '../../infra/bundling.js';
import { projectRoot } from '../../infra/hub-function.js';

const entries = [
  ...areas.map((area) => `functions/${area}/index.ts`),
  'workflows/tasks/index.ts',
  'functions/triggers/custom-message.ts',
];

const metafiles = new Map<string, Metafile>();
beforeAll(async () => {
  for (const entry of entries) {
    const result = await build({
      ...esbuildOptions(entry, `/bundle-check/${entry.replace(/\//g, '_')}.mjs`),
      absWorkingDir: projectRoot,
      write: false,
      sourcemap: false,
      metafile: true,
    });
    metafiles.set(entry, result.metafile);
  }
}, 600_000);

describe('modules left out of the bundles', () => {
  it('are imported only lazily, by every Lambda entry', () => {
    expect(neverLoadedModules).toContain('@smithy/core/event-streams');
    let lazily = 0;
    for (const entry of entries) {
      const outputs = Object.entries(metafiles.get(entry)?.outputs ?? {});
      expect(outputs.length).toBeGreaterThan(0);
      for (const [file, output] of outputs) {
        if (!file.endsWith('.mjs')) continue;
        const outside = output.imports.filter((i) => i.external && !isBuiltin(i.path));
        // Only the modules named as never loaded are outside, and only behind import().
        for (const i of outside) {
          expect({ entry, path: i.path }).toEqual({
            entry,
            path: expect.toSatisfy((path: string) => neverLoadedModules.includes(path)),
          });
          expect({ entry, path: i.path, kind: i.kind }).toEqual({
            entry,
            path: i.path,
            kind: 'dynamic-import',
          });
          lazily++;
        }
      }
    }
    // Every function using the SDK has the one lazy import left out: all but the two with no
    // SDK (system, custom-message) and those that must keep it bundled.
    expect(lazily).toBe(entries.length - 2 - entriesLoadingEventStreams.length);
  });
});

describe("each area's bundle", () => {
  it('holds its own route table only (system, which serves the OpenAPI document, holds all)', () => {
    for (const area of areas) {
      const inputs = Object.keys(metafiles.get(`functions/${area}/index.ts`)?.inputs ?? {});
      const tables = inputs
        .map((input) => input.match(/functions\/core\/route-table\/(\w+)\.ts$/)?.[1])
        .filter((name) => name !== undefined)
        .sort();
      expect({ area, tables }).toEqual({
        area,
        tables: area === 'system' ? [...areas].sort() : [area],
      });
    }
  });
});
