/**
 * The figures of issue 11, items 1–3, measured through the local API with the production
 * handlers, which run in this process: every DynamoDB (and Cognito) request they send is
 * counted by wrapping the clients' `send` (the bench's own reads and seeding go through
 * clients it excludes).
 * - Item 1: one `POST /centres/{id}/users` of 100 rows: wall time against the function's
 *   timeout, and what it costs.
 * - Item 2: `GET /centres/{id}/users?q=` on a centre of 10,000 users, for a term matching
 *   one user and one matching nobody: DynamoDB requests and items read.
 * - Item 3: a transfer of 10,000 results: items read per result moved.
 * Seeding writes the items the data layer builds (createUserItems, recordResultItems)
 * straight into the table with BatchWriteItem.
 */

import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, UpdateItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { Db } from '../../functions/core/data/db.js';
import { transactWrite } from '../../functions/core/data/db.js';
import { getOperation } from '../../functions/core/data/operation.js';
import {
  countChange,
  createLearnerItem,
  type ProgressionResult,
  recordResultItems,
} from '../../functions/core/data/progression.js';
import { createUserItems, type User } from '../../functions/core/data/user.js';
import type { ProgressionSite } from '../../functions/core/domain.js';
import { newId } from '../../functions/core/ids.js';
import { hubFunctionDefaults } from '../../infra/hub-function.js';
import type { LocalStack } from '../../infra/local/stack.js';
import { batchWriteAll } from '../support/batch-write.js';
import { supportAccessToken } from './latency.js';
import { ms, table } from './stats.js';

export const scaleGoals = {
  /** Item 1: a 100-row add answers (never a 500) within this share of the function's timeout. */
  addShareOfTimeout: 0.8,
  /** Item 2: DynamoDB requests a search page may send, beside the key lookups every route does. */
  searchRequests: 3,
  /** Item 2: items a search page may read ("a few hundred"). */
  searchItemsRead: 300,
  /** Item 3: items read per result a transfer moves. */
  transferReadsPerResult: 1.2,
} as const;

export interface Counted {
  requests: number;
  /** Requests other than GetItem (the key lookups of caller and centre every route does). */
  requestsBesideGetItem: number;
  itemsRead: number;
  byCommand: Record<string, number>;
  cognitoRequests: number;
}

export interface ScaleReport {
  goals: typeof scaleGoals;
  add100?: {
    status: number;
    elapsedMs: number;
    timeoutMs: number;
    rows: Record<string, number>;
    counted: Counted;
    verdict: 'PASS' | 'FAIL';
  };
  search?: {
    users: number;
    seedingMs: number;
    matchingOne: Counted & { status: number; found: number; elapsedMs: number };
    matchingNone: Counted & { status: number; found: number; elapsedMs: number };
    verdict: { matchingOne: 'PASS' | 'FAIL'; matchingNone: 'PASS' | 'FAIL' };
  };
  transfer?: {
    results: number;
    seedingMs: number;
    status: string;
    moved: number;
    elapsedMs: number;
    counted: Counted;
    readsPerResult: number;
    verdict: 'PASS' | 'FAIL';
  };
  errors: { part: 'add100' | 'search' | 'transfer'; message: string }[];
}

// ---------------------------------------------------------------------------------------
// Counting what the handlers send.

const excluded = new WeakSet<object>();
let current: Counted | undefined;

const emptyCount = (): Counted => ({
  requests: 0,
  requestsBesideGetItem: 0,
  itemsRead: 0,
  byCommand: {},
  cognitoRequests: 0,
});

function itemsReadBy(name: string, output: Record<string, unknown> | undefined): number {
  if (!output) return 0;
  if (name === 'QueryCommand' || name === 'ScanCommand') return Number(output.ScannedCount ?? 0);
  if (name === 'GetItemCommand') return output.Item ? 1 : 0;
  if (name === 'BatchGetItemCommand')
    return Object.values((output.Responses ?? {}) as Record<string, unknown[]>).reduce(
      (sum, items) => sum + items.length,
      0,
    );
  if (name === 'TransactGetItemsCommand')
    return ((output.Responses ?? []) as { Item?: unknown }[]).filter((r) => r.Item).length;
  return 0;
}

let installed = false;
/** Wraps every DynamoDB and Cognito client's send in this process, once. */
function installCounters() {
  if (installed) return;
  installed = true;
  const dynamoSend = DynamoDBClient.prototype.send;
  DynamoDBClient.prototype.send = async function (
    this: DynamoDBClient,
    command: { constructor: { name: string } },
    ...rest: unknown[]
  ) {
    const output = await (dynamoSend as (...args: unknown[]) => Promise<unknown>).call(
      this,
      command,
      ...rest,
    );
    const counting = current;
    if (counting && !excluded.has(this)) {
      const name = command.constructor.name;
      counting.requests++;
      if (name !== 'GetItemCommand') counting.requestsBesideGetItem++;
      counting.byCommand[name] = (counting.byCommand[name] ?? 0) + 1;
      counting.itemsRead += itemsReadBy(name, output as Record<string, unknown>);
    }
    return output;
  } as typeof dynamoSend;
  const cognitoSend = CognitoIdentityProviderClient.prototype.send;
  CognitoIdentityProviderClient.prototype.send = async function (
    this: CognitoIdentityProviderClient,
    ...args: unknown[]
  ) {
    if (current && !excluded.has(this)) current.cognitoRequests++;
    return (cognitoSend as (...a: unknown[]) => Promise<unknown>).apply(this, args);
  } as typeof cognitoSend;
}

async function counting<T>(work: () => Promise<T>): Promise<{ result: T; counted: Counted }> {
  const counted = emptyCount();
  current = counted;
  try {
    return { result: await work(), counted };
  } finally {
    current = undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Seeding.

async function batchPut(db: Db, items: Record<string, unknown>[]) {
  await batchWriteAll(
    db,
    items.map((Item) => ({ PutRequest: { Item } }) as unknown as WriteRequest),
  );
}

const firstNames = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John'];
const lastNames = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Allen'];

function centreUser(centreId: string, name: string, status: User['status'] = 'active'): User {
  const userId = newId();
  const now = new Date().toISOString();
  return {
    userId,
    centreId,
    name,
    email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${userId.slice(-8).toLowerCase()}@school.example`,
    isAdmin: false,
    isSupport: false,
    sites: ['primary', 'lower-secondary'],
    status,
    tokensValidAfter: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** The user's items as the data layer writes them (user, email marker, and any index items). */
const itemsOf = (db: Db, user: User) =>
  createUserItems(db, user).map((item) => item.Put?.Item as Record<string, unknown>);

async function seedUsers(db: Db, users: User[]) {
  await batchPut(
    db,
    users.flatMap((user) => itemsOf(db, user)),
  );
}

async function seedResults(
  db: Db,
  input: { centreId: string; site: ProgressionSite; ownerId: string; count: number },
) {
  const learnerId = newId();
  await transactWrite(db, [
    createLearnerItem(db, {
      learnerId,
      centreId: input.centreId,
      site: input.site,
      name: 'Learner Bench',
      stage: input.site === 'primary' ? 4 : 8,
      createdAt: new Date().toISOString(),
    }),
  ]);
  const results: ProgressionResult[] = Array.from({ length: input.count }, () => ({
    resultId: newId(),
    centreId: input.centreId,
    site: input.site,
    learnerId,
    subject: 'mathematics',
    stage: input.site === 'primary' ? 4 : 8,
    series: '2026-11',
    score: 31,
    maxScore: 40,
    ownerId: input.ownerId,
    recordedBy: input.ownerId,
    createdAt: new Date().toISOString(),
  }));
  // Every item recordResultItems puts (the result and whatever index items go with it).
  await batchPut(
    db,
    results.flatMap((result) =>
      recordResultItems(db, result)
        .filter((item) => item.Put)
        .map((item) => item.Put?.Item as Record<string, unknown>),
    ),
  );
  const update = countChange(db, input.ownerId, input.site, input.count).Update;
  if (!update) throw new Error('countChange is not an Update');
  await db.client.send(new UpdateItemCommand(update));
}

// ---------------------------------------------------------------------------------------
// The measurements.

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>;

function apiOf(stack: LocalStack, token: string): Api {
  return async (method, path, body) => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.status, json };
  };
}

async function newCentre(api: Api, label: string) {
  const centreId = `GB${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
  const created = await api('POST', '/support/centres', {
    centreId,
    name: `Bench ${label} ${centreId}`,
    eligibleSites: ['primary', 'lower-secondary'],
    coordinator: {
      name: 'Grace Hopper',
      email: `coordinator.${centreId.toLowerCase()}@school.example`,
    },
  });
  if (created.status !== 201)
    throw new Error(`createCentre: ${created.status} ${JSON.stringify(created.json)}`);
  return centreId;
}

export interface ScaleBenchOptions {
  users: number;
  results: number;
  log?: (message: string) => void;
}

export async function runScaleBench(
  stack: LocalStack,
  options: ScaleBenchOptions,
): Promise<ScaleReport> {
  const log = options.log ?? (() => undefined);
  installCounters();
  const env = stack.environment;
  const client = new DynamoDBClient({
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
    region: env.AWS_REGION ?? 'eu-west-2',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  });
  excluded.add(client);
  const db: Db = { client, tableName: stack.tableName };
  const report: ScaleReport = { goals: scaleGoals, errors: [] };

  const api = apiOf(stack, await supportAccessToken(stack));

  try {
    // Item 1.
    try {
      log('scale: adding 100 users in one request…');
      const centreId = await newCentre(api, 'add');
      const rows = Array.from({ length: 100 }, (_, i) => ({
        name: `${firstNames[i % firstNames.length]} ${lastNames[i % lastNames.length]} ${i}`,
        email: `row${i}.${centreId.toLowerCase()}@school.example`,
        sites: ['primary'],
      }));
      const t = performance.now();
      const { result, counted } = await counting(() =>
        api('POST', `/centres/${centreId}/users`, { users: rows }),
      );
      const elapsedMs = performance.now() - t;
      const timeoutMs = hubFunctionDefaults.timeout.toMilliseconds();
      const statuses: Record<string, number> = {};
      for (const row of (result.json?.results ?? []) as { status: string }[])
        statuses[row.status] = (statuses[row.status] ?? 0) + 1;
      const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
      report.add100 = {
        status: result.status,
        elapsedMs: Math.round(elapsedMs),
        timeoutMs,
        rows: statuses,
        counted,
        verdict:
          result.status === 200 &&
          answered === 100 &&
          elapsedMs <= scaleGoals.addShareOfTimeout * timeoutMs
            ? 'PASS'
            : 'FAIL',
      };
    } catch (error) {
      report.errors.push({ part: 'add100', message: String((error as Error)?.stack ?? error) });
    }

    // Item 2.
    try {
      log(`scale: seeding a centre of ${options.users} users…`);
      const centreId = await newCentre(api, 'search');
      const t = performance.now();
      const users = Array.from({ length: options.users - 1 }, (_, i) =>
        centreUser(
          centreId,
          `${firstNames[i % firstNames.length]} ${lastNames[Math.floor(i / firstNames.length) % lastNames.length]} ${i}`,
        ),
      );
      users.push(centreUser(centreId, 'Zebedee Quintrell'));
      await seedUsers(db, users);
      const seedingMs = Math.round(performance.now() - t);
      const search = async (q: string) => {
        const started = performance.now();
        const { result, counted } = await counting(() =>
          api('GET', `/centres/${centreId}/users?q=${encodeURIComponent(q)}`),
        );
        return {
          ...counted,
          status: result.status,
          found: (result.json?.items ?? []).length,
          elapsedMs: Math.round(performance.now() - started),
        };
      };
      const matchingOne = await search('quintrell');
      const matchingNone = await search('xqzvw');
      const verdict = (c: Counted & { status: number }) =>
        c.status === 200 &&
        c.requestsBesideGetItem <= scaleGoals.searchRequests &&
        c.itemsRead <= scaleGoals.searchItemsRead
          ? 'PASS'
          : 'FAIL';
      report.search = {
        users: options.users,
        seedingMs,
        matchingOne,
        matchingNone,
        verdict: {
          matchingOne: matchingOne.found === 1 ? verdict(matchingOne) : 'FAIL',
          matchingNone: matchingNone.found === 0 ? verdict(matchingNone) : 'FAIL',
        },
      };
    } catch (error) {
      report.errors.push({ part: 'search', message: String((error as Error)?.stack ?? error) });
    }

    // Item 3.
    try {
      log(`scale: seeding ${options.results} results and transferring them…`);
      const centreId = await newCentre(api, 'transfer');
      const source = centreUser(centreId, 'Source Teacher');
      const target = centreUser(centreId, 'Target Teacher');
      await seedUsers(db, [source, target]);
      const t = performance.now();
      const primary = Math.round(options.results * 0.6);
      await seedResults(db, { centreId, site: 'primary', ownerId: source.userId, count: primary });
      await seedResults(db, {
        centreId,
        site: 'lower-secondary',
        ownerId: source.userId,
        count: options.results - primary,
      });
      const seedingMs = Math.round(performance.now() - t);
      const started = performance.now();
      const { result, counted } = await counting(async () => {
        const answer = await api('POST', `/centres/${centreId}/users/${source.userId}/transfer`, {
          toUserId: target.userId,
        });
        if (answer.status !== 202)
          throw new Error(`transfer: ${answer.status} ${JSON.stringify(answer.json)}`);
        const operationId = answer.json.operationId as string;
        for (;;) {
          const operation = await getOperation(db, operationId);
          if (operation && operation.status !== 'running') return operation;
          if (performance.now() - started > 600_000) throw new Error('transfer still running');
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      });
      const readsPerResult = counted.itemsRead / options.results;
      report.transfer = {
        results: options.results,
        seedingMs,
        status: result.status,
        moved: result.moved,
        elapsedMs: Math.round(performance.now() - started),
        counted,
        readsPerResult: Math.round(readsPerResult * 1000) / 1000,
        verdict:
          result.status === 'succeeded' &&
          result.moved === options.results &&
          readsPerResult <= scaleGoals.transferReadsPerResult
            ? 'PASS'
            : 'FAIL',
      };
    } catch (error) {
      report.errors.push({ part: 'transfer', message: String((error as Error)?.stack ?? error) });
    }
  } finally {
    client.destroy();
  }
  return report;
}

export function formatScaleReport(report: ScaleReport): string {
  const lines: string[] = [
    "Scale (issue 11, items 1–3; requests counted on the handlers' clients)",
  ];
  const rows: string[][] = [['measure', 'figure', 'DynamoDB requests', 'items read', 'Cognito']];
  const a = report.add100;
  if (a)
    rows.push([
      `add 100 rows (timeout ${a.timeoutMs / 1000} s)`,
      `${a.status}, ${ms(a.elapsedMs)}, ${Object.entries(a.rows)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}`,
      String(a.counted.requests),
      String(a.counted.itemsRead),
      String(a.counted.cognitoRequests),
    ]);
  const s = report.search;
  if (s)
    for (const [label, c] of [
      [`search ${s.users} users, q matching one`, s.matchingOne],
      [`search ${s.users} users, q matching none`, s.matchingNone],
    ] as const)
      rows.push([
        label,
        `${c.status}, ${c.found} found, ${ms(c.elapsedMs)}`,
        `${c.requests} (${c.requestsBesideGetItem} beside GetItem)`,
        String(c.itemsRead),
        String(c.cognitoRequests),
      ]);
  const tr = report.transfer;
  if (tr)
    rows.push([
      `transfer ${tr.results} results`,
      `${tr.status}, ${tr.moved} moved, ${ms(tr.elapsedMs)}, ${tr.readsPerResult} reads/result`,
      String(tr.counted.requests),
      String(tr.counted.itemsRead),
      String(tr.counted.cognitoRequests),
    ]);
  lines.push(table(rows));
  for (const { part, message } of report.errors)
    lines.push(`${part}: not measured: ${message.split('\n')[0]}`);
  return lines.join('\n');
}
