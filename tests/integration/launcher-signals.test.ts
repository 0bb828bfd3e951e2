/**
 * `npm start` and `npm run dev` hand SIGTERM to the stack's own handler, which stops every
 * emulator and removes its folders, even when the stack's event loop is busy.
 *
 * tsx's command line runs a script in a child process and relays signals to it: when the child
 * does not report the signal back within 30 ms, tsx kills it with SIGKILL and exits 143. On a
 * loaded machine that happened to `npm start` (CI, 2 Dec 2026: "expected 143 to be 0"), and
 * the emulators were left to notice their parent had gone. Each script is launched here exactly
 * as its package.json line says, with a stand-in TypeScript file that keeps its event loop
 * busy, as a stack answering requests does.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/hub-function.js';

const standIn = `
const busyFor = (ms: number): void => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};
setInterval(() => busyFor(200), 10);
process.on('SIGTERM', () => {
  console.log('stopped by its own handler');
  process.exit(0);
});
console.log('ready');
`;

let folder: string;
let scripts: Record<string, string>;
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'hub-launcher-'));
  await writeFile(path.join(folder, 'stand-in.ts'), standIn);
  scripts = JSON.parse(await readFile(path.join(projectRoot, 'package.json'), 'utf8')).scripts;
});
afterAll(() => rm(folder, { recursive: true, force: true }));

/** Runs a script's command with its entry file replaced, as npm runs it; SIGTERM once ready. */
async function terminateWhenReady(command: string) {
  const child = spawn('sh', ['-c', command], {
    cwd: projectRoot,
    env: {
      ...process.env,
      PATH: `${path.join(projectRoot, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 20_000;
  while (!output.includes('ready')) {
    if (Date.now() > deadline) throw new Error(`never ready: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGTERM');
  return { code: await exited, output: () => output };
}

describe.each(['start', 'dev'])('npm run %s', (name) => {
  it('stops through its own SIGTERM handler while its event loop is busy', async () => {
    const line = scripts[name] as string;
    const entry = /infra\/local\/\w+\.ts/.exec(line)?.[0];
    expect(entry, `${name}: ${line}`).toBeDefined();
    // `exec` makes the launcher the process npm signals, as it is under `npm start`.
    expect(line).toMatch(/^exec /);
    const run = await terminateWhenReady(
      line.replace(entry as string, path.join(folder, 'stand-in.ts')),
    );
    expect(run.output()).toContain('stopped by its own handler');
    expect(run.code).toBe(0);
  });
});
