/**
 * The default app (cdk.json's context, asset bundling skipped, a stand-in console build),
 * synthesized once and read by every infra test file that needs it: one synthesis costs
 * about 15 CPU-seconds, and four files used to make their own. vitest.config.ts runs the
 * infra files one after another in one worker without isolation, so this module (and the
 * app in it) is loaded once. The files only read the app and its assembly: nothing may add
 * to the app after it is synthesized.
 */
import '../../infra/cdk-home.js'; // first: keep aws-cdk-lib's fingerprint cache out of ~
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { inject } from 'vitest';
import { createHubApp, type HubApp } from '../../infra/hub-app.js';
import { type ConsoleBuild, fakeConsoleBuild } from './console-build.js';

export interface DefaultApp {
  hub: HubApp;
  assembly: CloudAssembly;
  /** The cloud assembly's folder (validation-report.json, staged assets). */
  outdir: string;
  consoleBuild: ConsoleBuild;
}

let synthesized: DefaultApp | undefined;

/** The app, synthesized on the first call; tests/infra/global-setup.ts removes its folders. */
export function defaultApp(): DefaultApp {
  if (!synthesized) {
    const folder = inject('infraTmp');
    const consoleBuild = fakeConsoleBuild(folder);
    const outdir = mkdtempSync(path.join(folder, 'cdk-'));
    const hub = createHubApp({
      outdir,
      context: { 'aws:cdk:bundling-stacks': [], ...consoleBuild.context },
    });
    synthesized = { hub, assembly: hub.app.synth(), outdir, consoleBuild };
  }
  return synthesized;
}
