/**
 * Bundle size and cold import time of every Lambda CDK deploys, built two ways, both by CDK
 * itself (a synthesized stack, local esbuild bundling with this repository's esbuild):
 * - `ours`: the HubFunction the stacks use (infra/hub-function.ts, whose bundling options are
 *   infra/bundling.ts): ESM, minified, AWS SDK bundled in. Copied to an OS temp folder with
 *   no node_modules above it, so an import that escaped the bundle fails here as in Lambda.
 * - `default`: a plain `new NodejsFunction(stack, id, { entry, handler, runtime })`, nothing
 *   else, under this app's cdk.json feature flags. On a nodejs24.x runtime that is CommonJS,
 *   not minified, no source map, with `@aws-sdk/*` and `@smithy/*` left external
 *   (`@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages` is on in cdk.json): the function
 *   loads the SDK the runtime ships from its node_modules at import time. Copied under
 *   bench-results/tmp/, so Node resolves those packages from this repository's node_modules,
 *   standing in for the runtime's copy.
 * Cold import: a fresh Node process per sample, timing only the load the runtime does
 * (`await import()` of the .mjs; `require()` of the CommonJS .js, as Lambda's Node runtime
 * loads a .js handler): its CPU time (user + system, what the goal compares) and its wall
 * time. On a machine shared with other work the wall time of a 100 ms load mostly measures
 * the wait for a core; the CPU time is the work the load does, which a Lambda sandbox, with
 * its CPU to itself, turns into wall time.
 * The esbuild metafile (what each package weighs in our bundle) comes from a second build
 * with the same options (esbuildOptions); its bytes must equal CDK's, or the bench stops.
 */
import '../../infra/cdk-home.js';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { build, type Metafile } from 'esbuild';
import { settingNames } from '../../functions/core/config.js';
import { areas } from '../../functions/core/routes.js';
import { bundledFileName, esbuildOptions } from '../../infra/bundling.js';
import { cdkJsonContext } from '../../infra/hub-app.js';
import { HubFunction, hubFunctionDefaults, projectRoot } from '../../infra/hub-function.js';
import { kb, ms, round, roundSummary, type Summary, summarize, table } from './stats.js';

/** Every Lambda CDK deploys: one per area, each workflow's steps, Cognito's trigger. */
type Area = string;
export const lambdaEntries: Record<Area, string> = {
  ...Object.fromEntries(areas.map((area) => [area, `functions/${area}/index.ts`])),
  'removal-tasks': 'workflows/tasks/index.ts',
  'site-removal-tasks': 'workflows/site-removal/index.ts',
  'custom-message': 'functions/triggers/custom-message.ts',
};

const run = promisify(execFile);

/** The goals of issue 11, item 14. */
export const bundleGoals = {
  /** Each production bundle (the .mjs, without its source map) at most this many bytes. */
  maxBytes: 400_000,
  /** Our cold import median at most this fraction of CDK's default function's median. */
  maxImportRatio: 0.5,
} as const;

export type Variant = 'ours' | 'default';

export interface InputBytes {
  path: string;
  bytes: number;
}

export interface BuiltBundle {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface OurBundle extends BuiltBundle {
  /** Bytes in the output from `@aws-sdk/*` and `@smithy/*` (the SDK and its runtime). */
  awsSdkBytes: number;
  topPackages: InputBytes[];
  /** Folders inside packages (up to 3 levels below the package), e.g. `zod/v4/core`. */
  topFolders: InputBytes[];
}

export interface AreaBundleResult {
  area: Area;
  entry: string;
  /** `import`: wall time of the load; `importCpu`: the CPU time it used (user + system). */
  ours: OurBundle & { import: Summary; importCpu: Summary };
  default: BuiltBundle & { import: Summary; importCpu: Summary };
  /** ours / default, medians of the CPU time of the load (the goal). */
  importRatio: number;
  /** ours / default, medians of the wall time of the load. */
  wallRatio: number;
  size: 'PASS' | 'FAIL';
  /** n/a when nothing is external in the default (no SDK): both load the same code alone. */
  importGoal: 'PASS' | 'FAIL' | 'n/a';
}

export interface BundleReport {
  goals: typeof bundleGoals;
  runsPerBundle: number;
  node: string;
  defaultFunction: string;
  note: string;
  areas: AreaBundleResult[];
  durationMs: number;
}

export interface BundleBenchOptions {
  root: string;
  runs: number;
  keepTemp?: boolean;
  log?: (message: string) => void;
}

/** Settings and credentials for module-level config; endpoints point nowhere reachable. */
function importEnvironment(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    [settingNames.tableName]: 'hub',
    [settingNames.userPoolId]: 'eu-west-2_Bench0000',
    [settingNames.userPoolClientId]: 'benchclient',
    [settingNames.mailFrom]: 'noreply@hub.example',
    [settingNames.pictureBucket]: 'hub-pictures',
    [settingNames.removalStateMachineArn]:
      'arn:aws:states:eu-west-2:000000000000:stateMachine:hub-removal',
    [settingNames.siteRemovalStateMachineArn]:
      'arn:aws:states:eu-west-2:000000000000:stateMachine:hub-site-removal',
    [settingNames.consoleUrl]: 'https://console.hub.example',
    AWS_REGION: 'eu-west-2',
    AWS_DEFAULT_REGION: 'eu-west-2',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    // Anything that did try to reach AWS would hit the discard port on loopback.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  };
}

/**
 * The child's script. Only the load is timed; afterwards it checks that the module exports a
 * handler and left no socket or DNS lookup behind (no network at import).
 */
const importScript = `
const file = process.env.BENCH_IMPORT_FILE;
const cjs = file.endsWith('.js') || file.endsWith('.cjs');
const { createRequire } = await import('node:module');
const { pathToFileURL } = await import('node:url');
const load = cjs ? () => createRequire(file)(file) : () => import(pathToFileURL(file).href);
const cpu = process.cpuUsage();
const t = performance.now();
const mod = await load();
const elapsed = performance.now() - t;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000;
const network = process.getActiveResourcesInfo().filter((r) => /TCP|UDP|GetAddrInfo/.test(r));
const handler = typeof mod.handler;
process.stdout.write('\\n' + JSON.stringify({ bench: true, elapsed, cpuMs, handler, network }) + '\\n', () => process.exit(0));
`;

async function importOnce(file: string): Promise<{ wall: number; cpu: number }> {
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, ['--input-type=module', '-e', importScript], {
      cwd: dirname(file),
      env: { ...importEnvironment(), BENCH_IMPORT_FILE: file },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (error) {
    const detail = error as { stderr?: string; message: string };
    throw new Error(`Importing ${file} failed: ${detail.stderr?.trim() || detail.message}`);
  }
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"bench":true'));
  if (!line) throw new Error(`No timing from importing ${file}; output: ${stdout}`);
  const result = JSON.parse(line) as {
    elapsed: number;
    cpuMs: number;
    handler: string;
    network: string[];
  };
  if (result.handler !== 'function') throw new Error(`${file} does not export a handler`);
  if (result.network.length > 0)
    throw new Error(`Importing ${file} touched the network: ${result.network.join(', ')}`);
  return { wall: result.elapsed, cpu: result.cpuMs };
}

function packageOf(path: string): string {
  const parts = path.split('node_modules/');
  if (parts.length === 1) return `(project) ${path.split('/').slice(0, 2).join('/')}`;
  const rest = parts[parts.length - 1] ?? '';
  const segments = rest.split('/');
  return rest.startsWith('@') ? `${segments[0]}/${segments[1]}` : (segments[0] ?? rest);
}

function folderOf(path: string): string {
  const name = packageOf(path);
  if (name.startsWith('(project)')) return path.split('/').slice(0, -1).join('/') || path;
  const inside = (path.split('node_modules/').pop() ?? '').slice(name.length + 1);
  const dirs = inside.split('/').slice(0, -1).slice(0, 3);
  return [name, ...dirs].join('/');
}

function topOf(entries: Map<string, number>, count = 8): InputBytes[] {
  return [...entries]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([path, bytes]) => ({ path, bytes }));
}

/** What each package and folder weighs in our bundle, from esbuild's metafile. */
async function analyse(root: string, entry: string, outfile: string) {
  const result = await build({
    ...esbuildOptions(entry, outfile),
    absWorkingDir: root,
    metafile: true,
  });
  const metafile: Metafile = result.metafile;
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith('.mjs'))?.[1];
  if (!output) throw new Error(`esbuild wrote no .mjs for ${entry}`);
  const packages = new Map<string, number>();
  const folders = new Map<string, number>();
  let awsSdkBytes = 0;
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(path);
    packages.set(name, (packages.get(name) ?? 0) + bytesInOutput);
    const folder = folderOf(path);
    folders.set(folder, (folders.get(folder) ?? 0) + bytesInOutput);
    if (/^@(aws-sdk|smithy)\//.test(name)) awsSdkBytes += bytesInOutput;
  }
  return {
    bytes: (await readFile(outfile)).byteLength,
    awsSdkBytes,
    topPackages: topOf(packages),
    topFolders: topOf(folders),
  };
}

/**
 * Both ways, bundled by CDK: one stack holding every Lambda as a HubFunction and as a
 * default NodejsFunction. Answers each function's asset folder.
 */
function synthesize(outdir: string): Record<Area, Record<Variant, string>> {
  const app = new App({ outdir, context: cdkJsonContext() });
  const stack = new Stack(app, 'BenchBundles');
  const functions: [Area, Variant, NodejsFunction][] = [];
  for (const [area, entry] of Object.entries(lambdaEntries)) {
    const ours = new HubFunction(stack, `Ours-${area}`, {
      entry,
      logRetention: RetentionDays.ONE_DAY,
    });
    functions.push([area, 'ours', ours.function]);
    // CDK's default, given only what it cannot guess: the entry, the handler's export and
    // the runtime the hub deploys on (the default runtime would be the "latest" one, which
    // makes CDK bundle the SDK; nodejs24.x is what the comparison is about).
    const byDefault = new NodejsFunction(stack, `Default-${area}`, {
      entry: join(projectRoot, entry),
      handler: 'handler',
      runtime: hubFunctionDefaults.runtime,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
    });
    functions.push([area, 'default', byDefault]);
  }
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, { Properties: { Code: { S3Key: string } } }>;
  };
  const folders: Record<Area, Record<Variant, string>> = {};
  for (const [area, variant, fn] of functions) {
    const id = stack.getLogicalId(fn.node.defaultChild as CfnFunction as CfnElement);
    const key = template.Resources[id]?.Properties.Code.S3Key;
    if (!key) throw new Error(`No code asset for ${area} (${variant})`);
    folders[area] ??= {} as Record<Variant, string>;
    (folders[area] as Record<Variant, string>)[variant] = join(
      outdir,
      `asset.${key.replace(/\.zip$/, '')}`,
    );
  }
  return folders;
}

export async function runBundleBench(options: BundleBenchOptions): Promise<BundleReport> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const runs = Math.max(5, Math.floor(options.runs));
  const repoTemp = join(options.root, 'bench-results', 'tmp');
  await mkdir(repoTemp, { recursive: true });
  const cdkOut = await mkdtemp(join(tmpdir(), 'hub-bench-cdk-'));
  const oursDir = await mkdtemp(join(tmpdir(), 'hub-bench-ours-'));
  const defaultDir = await mkdtemp(join(repoTemp, 'default-'));
  const analysisDir = await mkdtemp(join(tmpdir(), 'hub-bench-metafile-'));
  try {
    const assets = synthesize(cdkOut);
    log(
      `CDK bundled ${Object.keys(assets).length} Lambdas × 2 in ${Math.round(performance.now() - started)} ms`,
    );
    // In Lambda a .js with no package.json beside it is CommonJS; here the repository's
    // package.json ("type": "module") is above, so say so explicitly.
    await writeFile(join(defaultDir, 'package.json'), '{"type":"commonjs"}\n');

    const built = new Map<Area, { ours: OurBundle; default: BuiltBundle }>();
    for (const [area, entry] of Object.entries(lambdaEntries)) {
      const folders = assets[area] as Record<Variant, string>;
      const oursFile = join(oursDir, area, bundledFileName);
      const defaultFile = join(defaultDir, area, 'index.js');
      await mkdir(dirname(oursFile), { recursive: true });
      await mkdir(dirname(defaultFile), { recursive: true });
      await copyFile(join(folders.ours, bundledFileName), oursFile);
      await copyFile(join(folders.default, 'index.js'), defaultFile);
      const [oursCode, defaultCode] = await Promise.all([
        readFile(oursFile),
        readFile(defaultFile),
      ]);
      const analysis = await analyse(options.root, entry, join(analysisDir, area, 'index.mjs'));
      if (analysis.bytes !== oursCode.byteLength)
        throw new Error(
          `${area}: esbuildOptions built ${analysis.bytes} bytes, CDK ${oursCode.byteLength}: infra/bundling.ts no longer describes what CDK runs`,
        );
      built.set(area, {
        ours: {
          file: oursFile,
          bytes: oursCode.byteLength,
          gzipBytes: gzipSync(oursCode, { level: 9 }).byteLength,
          awsSdkBytes: analysis.awsSdkBytes,
          topPackages: analysis.topPackages,
          topFolders: analysis.topFolders,
        },
        default: {
          file: defaultFile,
          bytes: defaultCode.byteLength,
          gzipBytes: gzipSync(defaultCode, { level: 9 }).byteLength,
        },
      });
    }

    const samples = new Map<string, number[]>();
    // One discarded import per file (warms the page cache for both ways alike), then the
    // timed rounds, alternating which way goes first.
    for (let round = -1; round < runs; round++) {
      for (const [area, b] of built) {
        const order: Variant[] = round % 2 === 0 ? ['ours', 'default'] : ['default', 'ours'];
        for (const variant of order) {
          const { wall, cpu } = await importOnce(b[variant].file);
          if (round < 0) continue;
          for (const [key, value] of [
            [`${area}/${variant}`, wall],
            [`${area}/${variant}/cpu`, cpu],
          ] as const)
            samples.set(key, [...(samples.get(key) ?? []), value]);
        }
      }
      if (round >= 0) log(`import round ${round + 1}/${runs} done`);
    }

    const results: AreaBundleResult[] = [...built].map(([area, b]) => {
      const ours = summarize(samples.get(`${area}/ours`) ?? []);
      const byDefault = summarize(samples.get(`${area}/default`) ?? []);
      const oursCpu = summarize(samples.get(`${area}/ours/cpu`) ?? []);
      const defaultCpu = summarize(samples.get(`${area}/default/cpu`) ?? []);
      // The goal is judged on CPU time: on a shared machine the wall clock of a 100 ms load
      // mostly measures how long the process waited for a core (see the note).
      const importRatio = oursCpu.median / defaultCpu.median;
      return {
        area,
        entry: lambdaEntries[area] as string,
        ours: {
          ...b.ours,
          import: roundSummary(ours),
          importCpu: roundSummary(oursCpu),
        },
        default: {
          ...b.default,
          import: roundSummary(byDefault),
          importCpu: roundSummary(defaultCpu),
        },
        importRatio: round(importRatio),
        wallRatio: round(ours.median / byDefault.median),
        size: b.ours.bytes <= bundleGoals.maxBytes ? 'PASS' : 'FAIL',
        importGoal:
          b.ours.awsSdkBytes === 0
            ? 'n/a'
            : importRatio <= bundleGoals.maxImportRatio
              ? 'PASS'
              : 'FAIL',
      };
    });
    return {
      goals: bundleGoals,
      runsPerBundle: runs,
      node: process.version,
      defaultFunction:
        'new NodejsFunction(stack, id, { entry, handler, runtime: nodejs24.x }) under cdk.json: ' +
        'CommonJS, not minified, no source map, --external:@aws-sdk/* --external:@smithy/*',
      note:
        'Bytes: the bundle file only (no source map). Import: fresh `node` per sample, timing only ' +
        '`await import()` (ours, .mjs) or `require()` (default, CommonJS .js) after one discarded ' +
        "warm-up load per file; the default resolves the SDK from this repository's node_modules. " +
        'The goal compares medians of CPU time (user + system) of the load; wall time is reported beside it.',
      areas: results,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    if (!options.keepTemp) {
      for (const dir of [cdkOut, oursDir, defaultDir, analysisDir])
        await rm(dir, { recursive: true, force: true });
    } else log(`kept bundles in ${oursDir} and ${defaultDir} (CDK output ${cdkOut})`);
  }
}

export function formatBundleReport(report: BundleReport): string {
  const rows: string[][] = [
    [
      'Lambda',
      'ours',
      'ours gzip',
      'SDK in ours',
      'default',
      'CPU p50 ours / default',
      'ratio',
      'wall p50 ours / default',
      'wall ratio',
    ],
  ];
  for (const r of report.areas)
    rows.push([
      r.area,
      kb(r.ours.bytes),
      kb(r.ours.gzipBytes),
      kb(r.ours.awsSdkBytes),
      kb(r.default.bytes),
      `${ms(r.ours.importCpu.median)} / ${ms(r.default.importCpu.median)}`,
      `${r.importRatio.toFixed(2)}×`,
      `${ms(r.ours.import.median)} / ${ms(r.default.import.median)}`,
      `${r.wallRatio.toFixed(2)}×`,
    ]);
  const lines = [
    `Bundles (${report.runsPerBundle} fresh Node processes per bundle and way, ${report.node})`,
    `default = ${report.defaultFunction}`,
    table(rows),
    'SDK in ours: bytes from @aws-sdk/* and @smithy/*. Sizes in kB (1000 bytes). Ratio: wall-clock medians (the goal);',
    "CPU: user + system time of the same loads, a cross-check that moves less with the machine's load.",
  ];
  const over = report.areas.filter((r) => r.size === 'FAIL');
  if (over.length > 0) {
    lines.push(
      '',
      'What fills the bundles over the size goal (esbuild metafile, bytes in output):',
    );
    for (const r of over)
      lines.push(
        `  ${r.area} ${kb(r.ours.bytes)}: ` +
          r.ours.topPackages
            .slice(0, 6)
            .map((p) => `${p.path} ${kb(p.bytes)}`)
            .join(', '),
      );
  }
  return lines.join('\n');
}
