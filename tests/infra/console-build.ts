/**
 * A stand-in for web/dist. The app refuses to synthesize without a built console, and the
 * infra tests never run Vite, so each test file points hub:consoleAssets at a tiny build of
 * its own: an index.html and one hashed asset, as `vite build` lays them out.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ConsoleBuild {
  dir: string;
  /** The context that points the app at this build. */
  context: { 'hub:consoleAssets': string };
  remove(): void;
}

export function fakeConsoleBuild(parent = tmpdir()): ConsoleBuild {
  const dir = mkdtempSync(path.join(parent, 'hub-console-build-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/index-Cx1b2c3d.js"></script></head><body><div id="root"></div></body></html>\n',
  );
  writeFileSync(path.join(dir, 'assets', 'index-Cx1b2c3d.js'), 'export {};\n');
  return {
    dir,
    context: { 'hub:consoleAssets': dir },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
