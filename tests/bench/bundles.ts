/**
 * Bundle size and cold import time of every area's Lambda, built two ways:
 * - `ours`: exactly the esbuild options CDK uses in production (infra/bundling.ts), AWS SDK
 *   bundled in. Written to an OS temp folder with no node_modules above it, so an import
 *   that escaped the bundle would fail here just as it would in Lambda.
 * - `default`: the same options with `@aws-sdk/*` left external, as a default NodejsFunction
 *   does (relying on the runtime's SDK). Written under bench-results/tmp/ so that Node
 *   resolves `@aws-sdk/*` from this repository's node_modules, standing in for the runtime's
 *   copy.
 * Cold import: a fresh Node process per sample, timing only `await import(file)`.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { settingNames } from '../../functions/core/config.js';
import { areas } from '../../functions/core/routes.js';

/** Every Lambda CDK deploys: one per area, each workflow's steps, Cognito's trigger. */
type Area = string;
const lambdaEntries: Record<Area, string> = {
  ...Object.fromEntries(areas.map((area) => [area, `functions/${area}/index.ts`])),
  'removal-tasks': 'workflows/tasks/index.ts',
  'site-removal-tasks': 'workflows/site-removal/index.ts',
  'custom-message': 'functions/triggers/custom-message.ts',
};

import { esbuildOptions } from '../../infra/bundling.js';
import { kb, ms, round, roundSummary, type Summary, summarize, table } from './stats.js';

const run = promisify(execFile);

export const bundleBudgets = {
  /** Each production bundle (the .mjs, without its source map) must stay below this. */
  maxBytes: 500_000,
  /** Our cold import median must be at most this fraction of the default way's. */
  maxImportRatio: 0.7,
} as const;

export type Variant = 'ours' | 'default';
/** Timed import modes: the two bundles, plus ours with the NODE_OPTIONS it is deployed with. */
type Timing = Variant | 'oursDeployed';
const timings: readonly Timing[] = ['ours', 'default', 'oursDeployed'];
const timingFlags: Record<Timing, string[]> = {
  ours: [],
  default: [],
  // infra/hub-function.ts sets NODE_OPTIONS=--enable-source-maps on every function.
  oursDeployed: ['--enable-source-maps'],
};

export interface InputBytes {
  path: string;
  bytes: number;
}

export interface BuiltBundle {
  file: string;
  bytes: number;
  gzipBytes: number;
  sourceMapBytes: number;
  /** Bytes in the output from `@aws-sdk/*` and `@smithy/*` (the SDK and its runtime). */
  awsSdkBytes: number;
  topInputs: InputBytes[];
  topPackages: InputBytes[];
  /** Folders inside packages (up to 3 levels below the package), e.g. `zod/v4/locales`. */
  topFolders: InputBytes[];
}

export interface AreaBundleResult {
  area: Area;
  entry: string;
  ours: BuiltBundle & { import: Summary; importAsDeployed: Summary };
  default: BuiltBundle & { import: Summary };
  /** ours median / default median. */
  importRatio: number;
  sizeBudget: 'PASS' | 'OVER';
  /** N/A when the area uses no AWS SDK: both ways then build the very same bundle. */
  importBudget: 'PASS' | 'OVER' | 'N/A';
}

export interface BundleReport {
  budgets: typeof bundleBudgets;
  runsPerBundle: number;
  node: string;
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
 * The child's script. Only the import is timed; afterwards it checks that the bundle exports
 * a handler and left no socket or DNS lookup behind (no network at import).
 */
const importScript = `
const url = process.env.BENCH_IMPORT_URL;
const t = performance.now();
const mod = await import(url);
const elapsed = performance.now() - t;
const network = process.getActiveResourcesInfo().filter((r) => /TCP|UDP|GetAddrInfo/.test(r));
const handler = typeof mod.handler;
process.stdout.write('\\n' + JSON.stringify({ bench: true, elapsed, handler, network }) + '\\n', () => process.exit(0));
`;

async function importOnce(file: string, flags: string[]): Promise<number> {
  let stdout: string;
  try {
    ({ stdout } = await run(
      process.execPath,
      [...flags, '--input-type=module', '-e', importScript],
      {
        cwd: dirname(file),
        env: { ...importEnvironment(), BENCH_IMPORT_URL: pathToFileURL(file).href },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    ));
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
  const result = JSON.parse(line) as { elapsed: number; handler: string; network: string[] };
  if (result.handler !== 'function') throw new Error(`${file} does not export a handler`);
  if (result.network.length > 0)
    throw new Error(`Importing ${file} touched the network: ${result.network.join(', ')}`);
  return result.elapsed;
}

function packageOf(path: string): string {
  const parts = path.split('node_modules/');
  if (parts.length === 1) return `(project) ${path.split('/')[0] ?? path}`;
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

function topOf(entries: Map<string, number>, count = 5): InputBytes[] {
  return [...entries]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([path, bytes]) => ({ path, bytes }));
}

async function bundle(
  root: string,
  entry: string,
  outfile: string,
  variant: Variant,
): Promise<BuiltBundle> {
  const options = esbuildOptions(entry, outfile);
  const result = await build({
    ...options,
    absWorkingDir: root,
    metafile: true,
    ...(variant === 'default' ? { external: [...(options.external ?? []), '@aws-sdk/*'] } : {}),
  });
  const metafile: Metafile = result.metafile;
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith('.mjs'))?.[1];
  if (!output) throw new Error(`esbuild wrote no .mjs for ${entry}`);
  const inputs = new Map<string, number>();
  const packages = new Map<string, number>();
  const folders = new Map<string, number>();
  let awsSdkBytes = 0;
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    inputs.set(path, bytesInOutput);
    const name = packageOf(path);
    packages.set(name, (packages.get(name) ?? 0) + bytesInOutput);
    const folder = folderOf(path);
    folders.set(folder, (folders.get(folder) ?? 0) + bytesInOutput);
    if (/^@(aws-sdk|smithy)\//.test(name)) awsSdkBytes += bytesInOutput;
  }
  const code = await readFile(outfile);
  const map = await stat(`${outfile}.map`).catch(() => undefined);
  return {
    file: outfile,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    sourceMapBytes: map?.size ?? 0,
    awsSdkBytes,
    topInputs: topOf(inputs),
    topPackages: topOf(packages),
    topFolders: topOf(folders),
  };
}

export async function runBundleBench(options: BundleBenchOptions): Promise<BundleReport> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const runs = Math.max(5, Math.floor(options.runs));
  const repoTemp = join(options.root, 'bench-results', 'tmp');
  await mkdir(repoTemp, { recursive: true });
  const oursDir = await mkdtemp(join(tmpdir(), 'hub-bench-ours-'));
  const defaultDir = await mkdtemp(join(repoTemp, 'default-'));
  try {
    const built = new Map<Area, Record<Variant, BuiltBundle>>();
    const entries = new Map<Area, string>();
    for (const [area, entry] of Object.entries(lambdaEntries)) {
      entries.set(area, entry);
      const [ours, byDefault] = await Promise.all([
        bundle(options.root, entry, join(oursDir, area, 'index.mjs'), 'ours'),
        bundle(options.root, entry, join(defaultDir, area, 'index.mjs'), 'default'),
      ]);
      built.set(area, { ours, default: byDefault });
    }
    log(`bundled ${built.size} Lambdas × 2 in ${Math.round(performance.now() - started)} ms`);

    const fileOf = (area: Area, timing: Timing) =>
      (built.get(area) as Record<Variant, BuiltBundle>)[timing === 'default' ? 'default' : 'ours']
        .file;
    const samples = new Map<string, number[]>();
    // One discarded import per file and mode (warms the page cache for both ways alike), then
    // the timed rounds, rotating the order each round so neither way always goes first.
    for (let round = -1; round < runs; round++) {
      for (const area of built.keys()) {
        for (let i = 0; i < timings.length; i++) {
          const timing = timings[(i + Math.max(0, round)) % timings.length] as Timing;
          const elapsed = await importOnce(fileOf(area, timing), timingFlags[timing]);
          if (round < 0) continue;
          const key = `${area}/${timing}`;
          samples.set(key, [...(samples.get(key) ?? []), elapsed]);
        }
      }
      if (round >= 0) log(`import round ${round + 1}/${runs} done`);
    }

    const results: AreaBundleResult[] = [...built.keys()].map((area) => {
      const b = built.get(area) as Record<Variant, BuiltBundle>;
      const timed = (timing: Timing) => summarize(samples.get(`${area}/${timing}`) ?? []);
      const ours = timed('ours');
      const byDefault = timed('default');
      const importRatio = ours.median / byDefault.median;
      return {
        area,
        entry: entries.get(area) as string,
        ours: {
          ...b.ours,
          file: relative(options.root, b.ours.file),
          import: roundSummary(ours),
          importAsDeployed: roundSummary(timed('oursDeployed')),
        },
        default: {
          ...b.default,
          file: relative(options.root, b.default.file),
          import: roundSummary(byDefault),
        },
        importRatio: round(importRatio),
        sizeBudget: b.ours.bytes < bundleBudgets.maxBytes ? 'PASS' : 'OVER',
        importBudget:
          b.ours.awsSdkBytes === 0
            ? 'N/A'
            : importRatio <= bundleBudgets.maxImportRatio
              ? 'PASS'
              : 'OVER',
      };
    });
    return {
      budgets: bundleBudgets,
      runsPerBundle: runs,
      node: process.version,
      note:
        'Bytes are the .mjs only (source map separate). Import times: fresh `node` per sample, ' +
        'timing `await import(file)` only, after one discarded warm-up import per file. ' +
        '`importAsDeployed` is ours with --enable-source-maps, the NODE_OPTIONS the functions run with.',
      areas: results,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    if (!options.keepTemp) {
      await rm(oursDir, { recursive: true, force: true });
      await rm(defaultDir, { recursive: true, force: true });
    } else log(`kept bundles in ${oursDir} and ${defaultDir}`);
  }
}

export function formatBundleReport(report: BundleReport): string {
  const rows: string[][] = [
    [
      'area',
      'ours size',
      'ours gzip',
      'SDK in ours',
      'default size',
      'default gzip',
      'ours import p50 (p90)',
      'default import p50 (p90)',
      'ratio',
      'ours+srcmaps p50',
      'size',
      'import',
    ],
  ];
  for (const r of report.areas)
    rows.push([
      r.area,
      kb(r.ours.bytes),
      kb(r.ours.gzipBytes),
      kb(r.ours.awsSdkBytes),
      kb(r.default.bytes),
      kb(r.default.gzipBytes),
      `${ms(r.ours.import.median)} (${ms(r.ours.import.p90)})`,
      `${ms(r.default.import.median)} (${ms(r.default.import.p90)})`,
      `${r.importRatio.toFixed(2)}×`,
      ms(r.ours.importAsDeployed.median),
      r.sizeBudget,
      r.importBudget,
    ]);
  const lines = [
    `Bundles (${report.runsPerBundle} fresh Node processes per bundle, ${report.node}); budgets: ` +
      `size < ${kb(report.budgets.maxBytes)}, import ratio ours/default ≤ ${report.budgets.maxImportRatio}×`,
    table(rows),
    'SDK in ours: bytes from @aws-sdk/* and @smithy/*. Import N/A: the area uses no AWS SDK, so both ways build the same file.',
  ];
  const largest = [...report.areas].sort((a, b) => b.ours.bytes - a.ours.bytes)[0];
  const bytesTable = (label: string, rows: InputBytes[]) =>
    table([[label, 'bytes'], ...rows.map((i) => [i.path, String(i.bytes)])]);
  if (largest) {
    const over = largest.sizeBudget === 'OVER' ? ', over size budget' : '';
    lines.push(
      '',
      `Largest bundle: ${largest.area} (${kb(largest.ours.bytes)}${over}), by bytes in output (esbuild metafile)`,
      bytesTable('top 5 inputs', largest.ours.topInputs),
      '',
      bytesTable('top 5 packages', largest.ours.topPackages),
      '',
      bytesTable('top 5 folders', largest.ours.topFolders),
    );
  }
  const others = report.areas.filter((r) => r.sizeBudget === 'OVER' && r !== largest);
  if (others.length > 0) lines.push('', 'Other bundles over the size budget (top 3 packages):');
  for (const r of others)
    lines.push(
      `  ${r.area} ${kb(r.ours.bytes)}: ` +
        r.ours.topPackages
          .slice(0, 3)
          .map((p) => `${p.path} ${kb(p.bytes)}`)
          .join(', '),
    );
  return lines.join('\n');
}
