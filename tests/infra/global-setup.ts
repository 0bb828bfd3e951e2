/**
 * One temporary folder for the infra tests' synthesized apps (tests/infra/default-app.ts),
 * removed when the run ends, whichever file synthesized last.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    infraTmp: string;
  }
}

export default function setup(project: TestProject) {
  const folder = mkdtempSync(path.join(tmpdir(), 'hub-infra-'));
  project.provide('infraTmp', folder);
  return () => rmSync(folder, { recursive: true, force: true });
}
