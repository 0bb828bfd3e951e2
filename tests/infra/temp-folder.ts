/**
 * aws-cdk-lib gives every `new App()` made without an `outdir` a cloud-assembly folder of its
 * own in the system's temporary folder and never removes it: the suites make about 27 such
 * apps per run. Each test file's temporary folders go into one folder of its own, removed
 * when the file ends. (aws-cdk-lib reads the temporary folder once, at its first use, which
 * is after this file runs: the infra files run in a process each.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const previous = process.env.TMPDIR;
const folder = mkdtempSync(path.join(tmpdir(), 'hub-infra-tests-'));
process.env.TMPDIR = folder;

afterAll(() => {
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  rmSync(folder, { recursive: true, force: true });
});
