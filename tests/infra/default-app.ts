/**
 * The default app (cdk.json's context, asset bundling skipped, a stand-in console build),
 * synthesized once for the suites of tests/infra/synthesized-app.test.ts: one synthesis
 * costs about 15 CPU-seconds, and four files used to make their own. The suites only read
 * the app and its assembly: nothing may add to the app after it is synthesized.
 */
import '../../infra/cdk-home.js'; // first: keep aws-cdk-lib's fingerprint cache out of ~
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { HubApp } from '../../infra/hub-app.js';
import { type ConsoleBuild, fakeConsoleBuild } from './console-build.js';
import { fixtureApp } from './fixture.js';

export interface DefaultApp {
  hub: HubApp;
  assembly: CloudAssembly;
  /** The cloud assembly's folder (validation-report.json, staged assets). */
  outdir: string;
  consoleBuild: ConsoleBuild;
}

let folder: string | undefined;
let synthesized: DefaultApp | undefined;

/** The app, synthesized on the first call. */
export function defaultApp(): DefaultApp {
  if (!synthesized) {
    folder = mkdtempSync(path.join(tmpdir(), 'hub-infra-'));
    const consoleBuild = fakeConsoleBuild(folder);
    const outdir = mkdtempSync(path.join(folder, 'cdk-'));
    const hub = fixtureApp({
      outdir,
      context: { 'aws:cdk:bundling-stacks': [], ...consoleBuild.context },
    });
    synthesized = { hub, assembly: hub.app.synth(), outdir, consoleBuild };
  }
  return synthesized;
}

/** Removes the synthesized app's folders (the cloud assembly and the stand-in build). */
export function removeDefaultApp() {
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
  synthesized = undefined;
}
