/**
 * Latency of `GET /me` through the local API (local authorizer's JWT check, the `me` Lambda
 * handler, one consistent GetItem) against the raw read it needs: a direct consistent
 * GetItem of the same key on the same DynamoDB Local. Both run in the same process, on
 * keep-alive connections, interleaved request by request so drift hits both alike.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startLocalStack } from '../../infra/local/stack.js';
import { mib, ms, round, roundSummary, type Summary, summarize, table } from './stats.js';

export const latencyBudget = {
  /** GET /me median and p99 within this multiple of the raw GetItem's. */
  maxRatio: 2,
} as const;

export interface LatencyBenchOptions {
  warmup: number;
  requests: number;
  log?: (message: string) => void;
}

export interface LatencyReport {
  budget: typeof latencyBudget;
  warmup: number;
  requests: number;
  getMe: Summary;
  getItem: Summary;
  ratio: { median: number; p99: number };
  verdict: { median: 'PASS' | 'OVER'; p99: 'PASS' | 'OVER' };
  memoryAfterRun: { rss: number; heapUsed: number; heapTotal: number; external: number };
  handlerLogOutput: { lines: number; bytes: number };
  stackStartMs: number;
  durationMs: number;
  note: string;
}

/**
 * The handlers log one JSON line per request to stdout. Keep the serialization (it is part of
 * the handler's cost) but not the terminal writes; count what was dropped. Our own console
 * output goes nowhere while this is in place, so the bench logs progress to stderr.
 */
function silenceStdout() {
  const original = process.stdout.write;
  const dropped = { lines: 0, bytes: 0 };
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    dropped.bytes += Buffer.byteLength(text);
    dropped.lines += text.split('\n').length - 1;
    const callback = rest.find((x): x is () => void => typeof x === 'function');
    if (callback) queueMicrotask(callback);
    return true;
  }) as typeof process.stdout.write;
  return {
    dropped,
    restore: () => {
      process.stdout.write = original;
    },
  };
}

export async function runLatencyBench(options: LatencyBenchOptions): Promise<LatencyReport> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const silenced = silenceStdout();
  let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
  let dynamodb: DynamoDBClient | undefined;
  try {
    stack = await startLocalStack({ freePorts: true });
    const stackStartMs = Math.round(performance.now() - started);
    log(`local stack up in ${stackStartMs} ms at ${stack.apiUrl}`);

    const login = await fetch(`${stack.apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: stack.support.email, password: stack.support.password }),
    });
    const tokens = (await login.json()) as { accessToken?: string };
    if (login.status !== 200 || !tokens.accessToken)
      throw new Error(`Sign-in as support failed: ${login.status} ${JSON.stringify(tokens)}`);
    const authorization = `Bearer ${tokens.accessToken}`;
    const meUrl = `${stack.apiUrl}/me`;
    const userId = stack.support.userId;

    const env = stack.environment;
    dynamodb = new DynamoDBClient({
      endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
      region: env.AWS_REGION ?? 'eu-west-2',
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local',
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
      },
    });
    const client = dynamodb;
    const getItem = new GetItemCommand({
      TableName: stack.tableName,
      Key: { PK: { S: `USER#${userId}` }, SK: { S: 'USER' } },
      ConsistentRead: true,
    });

    // global fetch (undici) keeps connections alive by default; reading the body frees it.
    const getMe = async () => {
      const t = performance.now();
      const response = await fetch(meUrl, { headers: { authorization } });
      const body = await response.text();
      const elapsed = performance.now() - t;
      if (response.status !== 200) throw new Error(`GET /me answered ${response.status}: ${body}`);
      return elapsed;
    };
    const readItem = async () => {
      const t = performance.now();
      const { Item } = await client.send(getItem);
      const elapsed = performance.now() - t;
      if (!Item) throw new Error(`No item USER#${userId}/USER in ${stack?.tableName}`);
      return elapsed;
    };

    const firstMe = await fetch(meUrl, { headers: { authorization } });
    const me = (await firstMe.json()) as { userId?: string };
    if (firstMe.status !== 200 || me.userId !== userId)
      throw new Error(`GET /me did not return the support user: ${JSON.stringify(me)}`);

    for (let i = 0; i < options.warmup; i++) {
      await getMe();
      await readItem();
    }
    log(`warm-up done (${options.warmup} of each)`);
    const meTimes: number[] = [];
    const itemTimes: number[] = [];
    for (let i = 0; i < options.requests; i++) {
      // Alternate which goes first, so neither always follows the other.
      if (i % 2 === 0) {
        meTimes.push(await getMe());
        itemTimes.push(await readItem());
      } else {
        itemTimes.push(await readItem());
        meTimes.push(await getMe());
      }
    }
    const memory = process.memoryUsage();
    const meSummary = summarize(meTimes);
    const itemSummary = summarize(itemTimes);
    const ratio = {
      median: round(meSummary.median / itemSummary.median),
      p99: round(meSummary.p99 / itemSummary.p99),
    };
    return {
      budget: latencyBudget,
      warmup: options.warmup,
      requests: options.requests,
      getMe: roundSummary(meSummary),
      getItem: roundSummary(itemSummary),
      ratio,
      verdict: {
        median: ratio.median <= latencyBudget.maxRatio ? 'PASS' : 'OVER',
        p99: ratio.p99 <= latencyBudget.maxRatio ? 'PASS' : 'OVER',
      },
      memoryAfterRun: {
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        heapTotal: memory.heapTotal,
        external: memory.external,
      },
      handlerLogOutput: { ...silenced.dropped },
      stackStartMs,
      durationMs: 0,
      note:
        'Sequential requests, interleaved GET /me and GetItem, after the warm-up. ' +
        'Memory is this whole process (API server, handlers, cognito-local, ' +
        'S3/SES emulators, bench); DynamoDB Local runs in its own JVM and is not included.',
    };
  } finally {
    silenced.restore();
    dynamodb?.destroy();
    if (stack) {
      await stack.stop();
      log('local stack stopped');
    }
  }
}

export function formatLatencyReport(report: LatencyReport): string {
  const row = (name: string, s: Summary) => [name, ms(s.median), ms(s.p90), ms(s.p99), ms(s.max)];
  return [
    `Latency (${report.warmup} warm-up + ${report.requests} sequential requests each, keep-alive); ` +
      `budget: GET /me ≤ ${report.budget.maxRatio}× one GetItem`,
    table([
      ['request', 'p50', 'p90', 'p99', 'max'],
      row('GET /me (API)', report.getMe),
      row('GetItem (direct)', report.getItem),
      [
        'ratio /me ÷ GetItem',
        `${report.ratio.median.toFixed(2)}×`,
        '',
        `${report.ratio.p99.toFixed(2)}×`,
        '',
      ],
    ]),
    `verdict: median ${report.verdict.median}, p99 ${report.verdict.p99}`,
    `memory after run: rss ${mib(report.memoryAfterRun.rss)}, heap used ${mib(report.memoryAfterRun.heapUsed)}` +
      ` of ${mib(report.memoryAfterRun.heapTotal)}, external ${mib(report.memoryAfterRun.external)}`,
    `handler log output discarded: ${report.handlerLogOutput.lines} lines, ${report.handlerLogOutput.bytes} bytes; stack start ${report.stackStartMs} ms`,
  ].join('\n');
}
