/**
 * `npm run bench [-- --only bundles,console,latency,scale] [--runs 7] [--warmup 50]
 * [--requests 500] [--users 10000] [--results 10000] [--keep-temp]`: the goals of issue 11,
 * item 14, each a pass line:
 * - every Lambda's bundle at most 400 kB, and its cold import at most 0.5× that of what CDK's
 *   default NodejsFunction builds from the same entry (tests/bench/bundles.ts);
 * - GET /me at most 1.5× one raw GetItem at p50 and at p99, from a separate client process
 *   (tests/bench/latency.ts);
 * - items 1–3: a 100-row add inside the function's timeout, search at 10,000 users, transfer
 *   reads per result (tests/bench/scale.ts).
 * Also the web console's bundle sizes (informational). Writes bench-results/bench-<date>.json
 * and bench-results/latest.json, prints the tables and the goal lines, and ends with one line
 * `N passed, M failed`; a goal that could not be measured counts as failed. Exits non-zero
 * when a goal failed or something failed to run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalStack } from '../../infra/local/stack.js';
import {
  type BundleReport,
  bundleGoals,
  formatBundleReport,
  lambdaEntries,
  runBundleBench,
} from './bundles.js';
import { type ConsoleBundleReport, formatConsoleReport, runConsoleBench } from './console.js';
import {
  formatLatencyReport,
  type LatencyReport,
  latencyGoal,
  runLatencyBench,
} from './latency.js';
import { formatScaleReport, runScaleBench, type ScaleReport, scaleGoals } from './scale.js';
import { kb } from './stats.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const parts = ['bundles', 'console', 'latency', 'scale'] as const;
type Part = (typeof parts)[number];

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      runs: { type: 'string', default: '7' },
      warmup: { type: 'string', default: '50' },
      requests: { type: 'string', default: '500' },
      users: { type: 'string', default: '10000' },
      results: { type: 'string', default: '10000' },
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
  const only = values.only?.split(',').map((part) => part.trim());
  for (const part of only ?? [])
    if (!parts.includes(part as Part))
      throw new Error(`--only takes some of ${parts.join(', ')} (comma-separated), not "${part}"`);
  return {
    only: only as Part[] | undefined,
    runs: count('runs', values.runs, 5),
    warmup: count('warmup', values.warmup, 0),
    requests: count('requests', values.requests, 1),
    users: count('users', values.users, 2),
    results: count('results', values.results, 1),
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
  scale?: ScaleReport;
  goals: Goal[];
  errors: { part: Part; message: string }[];
}

interface Goal {
  name: string;
  figure: string;
  verdict: 'PASS' | 'FAIL';
}

const notMeasured = (name: string, why = 'not measured'): Goal => ({
  name,
  figure: why,
  verdict: 'FAIL',
});

/** One line per goal of the parts that were asked for; a goal with no figure fails. */
function goalsOf(result: BenchResult, wanted: (part: Part) => boolean): Goal[] {
  const goals: Goal[] = [];
  if (wanted('bundles')) {
    const byArea = new Map(result.bundles?.areas.map((area) => [area.area, area]));
    for (const area of Object.keys(lambdaEntries)) {
      const r = byArea.get(area);
      const name = `${area} bundle ≤ ${kb(bundleGoals.maxBytes)}`;
      goals.push(r ? { name, figure: kb(r.ours.bytes), verdict: r.size } : notMeasured(name));
    }
    for (const area of Object.keys(lambdaEntries)) {
      const r = byArea.get(area);
      const name = `${area} cold import ≤ ${bundleGoals.maxImportRatio}× CDK default's`;
      if (!r) goals.push(notMeasured(name));
      // Nothing external in the default (no SDK): the same code loads either way.
      else if (r.importGoal !== 'n/a')
        goals.push({
          name,
          figure: `${r.importRatio.toFixed(2)}× CPU (${r.ours.importCpu.median.toFixed(1)} ms vs ${r.default.importCpu.median.toFixed(1)} ms; wall ${r.wallRatio.toFixed(2)}×)`,
          verdict: r.importGoal,
        });
    }
  }
  if (wanted('latency')) {
    const l = result.latency;
    for (const [label, key, verdict] of [
      ['p50', 'median', l?.verdict.median],
      ['p99', 'p99', l?.verdict.p99],
    ] as const) {
      const name = `GET /me ≤ ${latencyGoal.maxRatio}× one GetItem at ${label}`;
      goals.push(
        l && verdict
          ? {
              name,
              figure: `${l.ratio[key].toFixed(2)}× (${l.getMe[key].toFixed(2)} ms vs ${l.getItem[key].toFixed(2)} ms)`,
              verdict,
            }
          : notMeasured(name),
      );
    }
  }
  if (wanted('scale')) {
    const s = result.scale;
    const failure = (part: string) =>
      s?.errors.find((e) => e.part === part)?.message.split('\n')[0] ?? 'not measured';
    const a = s?.add100;
    const addName = `100-row add answers within ${scaleGoals.addShareOfTimeout * 100}% of the function's timeout`;
    goals.push(
      a
        ? {
            name: addName,
            figure: `${a.status} in ${(a.elapsedMs / 1000).toFixed(1)} s of ${a.timeoutMs / 1000} s`,
            verdict: a.verdict,
          }
        : notMeasured(addName, `not measured: ${failure('add100')}`),
    );
    const search = s?.search;
    for (const which of ['matchingOne', 'matchingNone'] as const) {
      const name = `search at ${result.args.users} users, q matching ${which === 'matchingOne' ? 'one' : 'nobody'}: ≤ ${scaleGoals.searchRequests} requests beside key lookups, ≤ ${scaleGoals.searchItemsRead} items read`;
      const c = search?.[which];
      goals.push(
        search && c
          ? {
              name,
              figure: `${c.requestsBesideGetItem} requests (+${c.requests - c.requestsBesideGetItem} GetItem), ${c.itemsRead} items read, ${c.found} found`,
              verdict: search.verdict[which],
            }
          : notMeasured(name, `not measured: ${failure('search')}`),
      );
    }
    const t = s?.transfer;
    const transferName = `transfer of ${result.args.results} results: ≤ ${scaleGoals.transferReadsPerResult} items read per result`;
    goals.push(
      t
        ? {
            name: transferName,
            figure: `${t.readsPerResult} (${t.counted.itemsRead} items read, ${t.moved} moved, ${t.status})`,
            verdict: t.verdict,
          }
        : notMeasured(transferName, `not measured: ${failure('transfer')}`),
    );
  }
  return goals;
}

/**
 * The handlers log one JSON line per request to stdout. Keep the serialization (it is part of
 * the handler's cost) but not the terminal writes. Our own output goes to stderr meanwhile.
 */
function silenceStdout() {
  const original = process.stdout.write;
  process.stdout.write = ((_chunk: string | Uint8Array, ...rest: unknown[]) => {
    const callback = rest.find((x): x is () => void => typeof x === 'function');
    if (callback) queueMicrotask(callback);
    return true;
  }) as typeof process.stdout.write;
  return {
    restore: () => {
      process.stdout.write = original;
    },
  };
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
    goals: [],
    errors: [],
  };
  const wanted = (part: Part) => args.only === undefined || args.only.includes(part);

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
  if (wanted('latency') || wanted('scale')) {
    // One local stack for both. The handlers log a JSON line per request to stdout: keep
    // the serialisation (part of a handler's cost), drop the terminal writes.
    const silenced = silenceStdout();
    let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
    try {
      log('starting the local stack…');
      stack = await startLocalStack({ freePorts: true, supportAuthenticator: true });
      if (wanted('latency')) {
        try {
          result.latency = await runLatencyBench(stack, {
            warmup: args.warmup,
            requests: args.requests,
            log,
          });
        } catch (error) {
          result.errors.push({
            part: 'latency',
            message: String((error as Error)?.stack ?? error),
          });
        }
      }
      if (wanted('scale')) {
        try {
          result.scale = await runScaleBench(stack, {
            users: args.users,
            results: args.results,
            log,
          });
        } catch (error) {
          result.errors.push({ part: 'scale', message: String((error as Error)?.stack ?? error) });
        }
      }
    } catch (error) {
      const message = String((error as Error)?.stack ?? error);
      if (wanted('latency')) result.errors.push({ part: 'latency', message });
      if (wanted('scale')) result.errors.push({ part: 'scale', message });
    } finally {
      await stack?.stop().catch(() => undefined);
      silenced.restore();
    }
  }
  result.goals = goalsOf(result, wanted);

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
  if (result.scale) sections.push(formatScaleReport(result.scale));
  console.log(`\n${sections.join('\n\n')}\n`);
  for (const { part, message } of result.errors)
    console.error(`[bench] ${part} did not run: ${message}\n`);
  console.log(
    `Total ${(result.durationMs / 1000).toFixed(1)} s on ${result.machine.cpus} CPUs (${result.machine.cpu}), ${result.machine.node}. Results: ${relative(root, file)} (and bench-results/latest.json)\n`,
  );
  console.log('Goals (issue 11, item 14)');
  for (const goal of result.goals)
    console.log(`${goal.verdict.padEnd(4)}  ${goal.name}: ${goal.figure}`);
  const passed = result.goals.filter((goal) => goal.verdict === 'PASS').length;
  const failed = result.goals.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || result.errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
