/**
 * `npm run bench [-- --only bundles|console|latency] [--runs 7] [--warmup 50] [--requests 500]
 * [--keep-temp]`: bundle sizes and cold import times of every area's Lambda, the web
 * console's bundle sizes (and its first-visit budget), and GET /me
 * latency against the raw read it needs. Writes bench-results/bench-<date>.json and
 * bench-results/latest.json and prints a table. Budgets are informational: the process
 * exits non-zero only when something fails to run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BundleReport, formatBundleReport, runBundleBench } from './bundles.js';
import { type ConsoleBundleReport, formatConsoleReport, runConsoleBench } from './console.js';
import { formatLatencyReport, type LatencyReport, runLatencyBench } from './latency.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const parts = ['bundles', 'console', 'latency'] as const;
type Part = (typeof parts)[number];

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      runs: { type: 'string', default: '7' },
      warmup: { type: 'string', default: '50' },
      requests: { type: 'string', default: '500' },
      'keep-temp': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const count = (name: string, raw: string, min: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name} must be a whole number ≥ ${min}, not "${raw}"`);
    return value;
  };
  if (values.only !== undefined && !parts.includes(values.only as Part))
    throw new Error(`--only must be one of ${parts.join(', ')}, not "${values.only}"`);
  return {
    only: values.only as Part | undefined,
    runs: count('runs', values.runs, 5),
    warmup: count('warmup', values.warmup, 0),
    requests: count('requests', values.requests, 1),
    keepTemp: values['keep-temp'],
  };
}

/** The basic ISO 8601 form (no colons), safe in a file name on every system. */
const fileStamp = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

const log = (message: string) => console.error(`[bench] ${message}`);

interface BenchResult {
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  machine: { node: string; platform: string; arch: string; cpu: string; cpus: number };
  args: ReturnType<typeof options>;
  bundles?: BundleReport;
  console?: ConsoleBundleReport;
  latency?: LatencyReport;
  errors: { part: Part; message: string }[];
}

async function main(): Promise<number> {
  const args = options();
  const started = new Date();
  const result: BenchResult = {
    startedAt: started.toISOString(),
    machine: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpu: cpus()[0]?.model ?? 'unknown',
      cpus: availableParallelism(),
    },
    args,
    errors: [],
  };
  const wanted = (part: Part) => args.only === undefined || args.only === part;

  if (wanted('bundles')) {
    try {
      log('bundles: building and timing cold imports…');
      result.bundles = await runBundleBench({
        root,
        runs: args.runs,
        keepTemp: args.keepTemp,
        log,
      });
    } catch (error) {
      result.errors.push({ part: 'bundles', message: String((error as Error)?.stack ?? error) });
    }
  }
  if (wanted('console')) {
    try {
      log('console: building (unless unchanged) and measuring…');
      result.console = await runConsoleBench({ log });
    } catch (error) {
      result.errors.push({ part: 'console', message: String((error as Error)?.stack ?? error) });
    }
  }
  if (wanted('latency')) {
    try {
      log('latency: starting the local stack…');
      const t = performance.now();
      result.latency = await runLatencyBench({
        warmup: args.warmup,
        requests: args.requests,
        log,
      });
      result.latency.durationMs = Math.round(performance.now() - t);
    } catch (error) {
      result.errors.push({ part: 'latency', message: String((error as Error)?.stack ?? error) });
    }
  }

  const finished = new Date();
  result.finishedAt = finished.toISOString();
  result.durationMs = finished.getTime() - started.getTime();
  const folder = join(root, 'bench-results');
  await mkdir(folder, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const file = join(folder, `bench-${fileStamp(started)}.json`);
  await writeFile(file, json);
  await writeFile(join(folder, 'latest.json'), json);

  const sections: string[] = [];
  if (result.bundles) sections.push(formatBundleReport(result.bundles));
  if (result.console) sections.push(formatConsoleReport(result.console));
  if (result.latency) sections.push(formatLatencyReport(result.latency));
  console.log(`\n${sections.join('\n\n')}\n`);
  console.log(
    `Total ${(result.durationMs / 1000).toFixed(1)} s. Results: ${relative(root, file)} (and bench-results/latest.json)`,
  );
  for (const { part, message } of result.errors)
    console.error(`\n[bench] ${part} FAILED: ${message}`);
  return result.errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
