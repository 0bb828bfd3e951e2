/**
 * Latency of `GET /me` through the local API (the local JWT authorizer, the `me` Lambda
 * handler, its one consistent GetItem) against the raw read it needs: a consistent GetItem
 * of the same key on the same DynamoDB Local. Both are measured from a separate client
 * process (tests/bench/latency-client.ts), so the client's own work is not charged to the
 * server's process, through node:http keep-alive connections on both sides (the SDK's own
 * transport), interleaved request by request (which goes first alternates) so drift hits
 * both alike.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LocalStack } from '../../infra/local/stack.js';
import { totpCode } from '../../infra/local/totp.js';
import { mib, ms, round, roundSummary, type Summary, summarize, table } from './stats.js';

const run = promisify(execFile);

export const latencyGoal = {
  /** GET /me p50 and p99 each within this multiple of the raw GetItem's. */
  maxRatio: 1.5,
} as const;

export interface LatencyBenchOptions {
  warmup: number;
  requests: number;
  log?: (message: string) => void;
}

export interface LatencyReport {
  goal: typeof latencyGoal;
  warmup: number;
  requests: number;
  getMe: Summary;
  getItem: Summary;
  ratio: { median: number; p99: number };
  verdict: { median: 'PASS' | 'FAIL'; p99: 'PASS' | 'FAIL' };
  /** Where GET /me's time goes inside the server process (medians, ms). */
  serverSide?: Record<string, number>;
  memoryAfterRun: { rss: number; heapUsed: number; heapTotal: number; external: number };
  durationMs: number;
  note: string;
}

export interface ClientConfig {
  meUrl: string;
  authorization: string;
  userId: string;
  dynamodb: {
    endpoint: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    tableName: string;
  };
  warmup: number;
  requests: number;
}

const clientScript = join(dirname(fileURLToPath(import.meta.url)), 'latency-client.ts');
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function runClient(
  config: ClientConfig,
): Promise<{ meTimes: number[]; itemTimes: number[] }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', clientScript], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', BENCH_CLIENT: JSON.stringify(config) },
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"bench":true'));
  if (!line) throw new Error(`No timings from the load client; output: ${stdout}`);
  return JSON.parse(line) as { meTimes: number[]; itemTimes: number[] };
}

/**
 * Signs the support account in, answering its authenticator code (the bench's stack is
 * started with `supportAuthenticator`).
 */
export async function supportAccessToken(stack: LocalStack): Promise<string> {
  const post = async (path: string, body: unknown) => {
    const answer = await fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: answer.status, json: (await answer.json()) as Record<string, string> };
  };
  const { email, password, authenticatorSecret } = stack.support;
  let login = await post('/auth/login', { email, password });
  if (login.json.challenge === 'SOFTWARE_TOKEN_MFA' && authenticatorSecret)
    login = await post('/auth/mfa-code', {
      email,
      session: login.json.session,
      code: totpCode(authenticatorSecret),
    });
  if (login.status !== 200 || !login.json.accessToken)
    throw new Error(`Sign-in as support failed: ${login.status} ${JSON.stringify(login.json)}`);
  return login.json.accessToken;
}

export async function runLatencyBench(
  stack: LocalStack,
  options: LatencyBenchOptions,
): Promise<LatencyReport> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const authorization = `Bearer ${await supportAccessToken(stack)}`;
  const meUrl = `${stack.apiUrl}/me`;
  const userId = stack.support.userId;

  const firstMe = await fetch(meUrl, { headers: { authorization } });
  const me = (await firstMe.json()) as { userId?: string };
  if (firstMe.status !== 200 || me.userId !== userId)
    throw new Error(`GET /me did not return the support user: ${JSON.stringify(me)}`);

  const env = stack.environment;
  log(`load client (child process): ${options.warmup} warm-up + ${options.requests} of each…`);
  const { meTimes, itemTimes } = await runClient({
    meUrl,
    authorization,
    userId,
    dynamodb: {
      endpoint: env.AWS_ENDPOINT_URL_DYNAMODB as string,
      region: env.AWS_REGION ?? 'eu-west-2',
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
      tableName: stack.tableName,
    },
    warmup: options.warmup,
    requests: options.requests,
  });
  const memory = process.memoryUsage();
  const meSummary = summarize(meTimes);
  const itemSummary = summarize(itemTimes);
  const ratio = {
    median: round(meSummary.median / itemSummary.median),
    p99: round(meSummary.p99 / itemSummary.p99),
  };
  return {
    goal: latencyGoal,
    warmup: options.warmup,
    requests: options.requests,
    getMe: roundSummary(meSummary),
    getItem: roundSummary(itemSummary),
    ratio,
    verdict: {
      median: ratio.median <= latencyGoal.maxRatio ? 'PASS' : 'FAIL',
      p99: ratio.p99 <= latencyGoal.maxRatio ? 'PASS' : 'FAIL',
    },
    memoryAfterRun: {
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
    },
    durationMs: Math.round(performance.now() - started),
    note:
      'A client in a child process sends sequential requests, GET /me and GetItem interleaved, ' +
      'after the warm-up. The API server, handlers and emulators run in the bench process; ' +
      'DynamoDB Local in its own JVM. Memory is the bench process.',
  };
}

export function formatLatencyReport(report: LatencyReport): string {
  const row = (name: string, s: Summary) => [name, ms(s.median), ms(s.p90), ms(s.p99), ms(s.max)];
  return [
    `Latency from a separate client process (${report.warmup} warm-up + ${report.requests} sequential requests each, keep-alive)`,
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
    `memory after run (bench process): rss ${mib(report.memoryAfterRun.rss)}, heap used ${mib(report.memoryAfterRun.heapUsed)}` +
      ` of ${mib(report.memoryAfterRun.heapTotal)}`,
  ].join('\n');
}
