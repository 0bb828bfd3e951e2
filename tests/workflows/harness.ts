/**
 * Runs the removal workflow exactly as CDK synthesizes it (synthesizeRemovalDefinition) on a
 * local Step Functions endpoint started here, its task function answered by the real task
 * handler over real adapters pointed at the global stack's emulators. Tests wrap each task
 * call (to inject faults, or act between steps) and each DynamoDB command the tasks send,
 * and count what a run costs: task invocations, state transitions, transactions and writes.
 */

import {
  type AttributeValue,
  PutItemCommand,
  type TransactWriteItem,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { expect } from 'vitest';
import { cognitoIdentity } from '../../functions/core/adapters/cognito.js';
import { s3PictureStore } from '../../functions/core/adapters/s3.js';
import { readSettings } from '../../functions/core/config.js';
import { type AuditEntry, listAudit } from '../../functions/core/data/audit.js';
import { type Db, getItem, toAttributes, transactWrite } from '../../functions/core/data/db.js';
import { getOperation, type Operation } from '../../functions/core/data/operation.js';
import {
  countChange,
  countKey,
  createLearnerItem,
  listResults,
  type ProgressionResult,
  progressionDataOfUsers,
  recordResultItems,
} from '../../functions/core/data/progression.js';
import { getUser } from '../../functions/core/data/user.js';
import { type ProgressionSite, progressionSites } from '../../functions/core/domain.js';
import { newId } from '../../functions/core/ids.js';
import { systemClock } from '../../functions/core/ports.js';
import { startOperation } from '../../functions/core/services/operations.js';
import { freePort } from '../../infra/local/emulators/ports.js';
import { startStepFunctionsLocal } from '../../infra/local/emulators/stepfunctions.js';
import { removalTasksId, synthesizeRemovalDefinition } from '../../workflows/definition.js';
import { createTaskHandler, type TaskEvent } from '../../workflows/tasks/handler.js';
import { batchWriteAll } from '../support/batch-write.js';
import { credentials, localCognito, localDynamoDb, localS3, region } from '../support/emulators.js';
import { hub, sleep } from '../support/hub.js';

const stateMachineArn = 'arn:aws:states:eu-west-2:000000000000:stateMachine:removal-under-test';

/** What the task function's DynamoDB client sent. */
export interface DbCounter {
  commands: Record<string, number>;
  /** TransactWriteItems calls, and those cancelled (a condition failed, or a conflict). */
  transactions: number;
  cancelled: number;
  /** Items in those transactions (ConditionChecks included), and the writes among them. */
  transactItems: number;
  /** Items written: transaction Put/Update/Delete plus single-item writes. */
  itemWrites: number;
  /**
   * Items read, as DynamoDB bills them: each GetItem, each key of a BatchGetItem, each item
   * a Query scanned (its ScannedCount); and among them, those read from an index.
   */
  itemsRead: number;
  indexItemsRead: number;
  /** Query calls. */
  queries: number;
}

const emptyCounter = (): DbCounter => ({
  commands: {},
  transactions: 0,
  cancelled: 0,
  transactItems: 0,
  itemWrites: 0,
  itemsRead: 0,
  indexItemsRead: 0,
  queries: 0,
});

/** One call of the task function, as the state machine made it, and how it ended. */
export interface Invocation {
  event: TaskEvent;
  ok: boolean;
  error?: string;
  result?: unknown;
}

/** Wraps one task call; `run` calls the real handler. */
export type Interceptor = (event: TaskEvent, run: () => Promise<unknown>) => Promise<unknown>;
/** Called before every DynamoDB command the task function sends; may throw to fail it. */
export type CommandHook = (commandName: string, input: any) => Promise<void> | void;

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness(options: { batchLimit: number; perTransaction: number }) {
  const env = hub().environment;
  const settings = readSettings(
    ['tableName', 'userPoolId', 'userPoolClientId', 'mailFrom', 'pictureBucket', 'consoleUrl'],
    env,
  );
  // The tests' own client (seeding, reading); the task function has its own, counted.
  const db: Db = { client: localDynamoDb(), tableName: settings.tableName };
  const taskClient = localDynamoDb();
  let counter = emptyCounter();
  let commandHook: CommandHook | undefined;
  const lag = laggingOwnerIndex();
  taskClient.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      const input = args.input as any;
      counter.commands[name] = (counter.commands[name] ?? 0) + 1;
      if (name === 'TransactWriteItemsCommand') {
        const items = (input.TransactItems ?? []) as TransactWriteItem[];
        counter.transactions++;
        counter.transactItems += items.length;
        counter.itemWrites += items.filter((item) => !item.ConditionCheck).length;
      } else if (['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'].includes(name)) {
        counter.itemWrites++;
      } else if (name === 'BatchWriteItemCommand') {
        for (const requests of Object.values(input.RequestItems ?? {}))
          counter.itemWrites += (requests as unknown[]).length;
      }
      if (name === 'GetItemCommand') counter.itemsRead++;
      else if (name === 'BatchGetItemCommand')
        for (const request of Object.values(input.RequestItems ?? {}))
          counter.itemsRead += ((request as { Keys?: unknown[] }).Keys ?? []).length;
      await commandHook?.(name, input);
      try {
        const answer = await next(args);
        lag.after(name, input, answer.output as any);
        if (name === 'QueryCommand') {
          const output = answer.output as { ScannedCount?: number; Items?: unknown[] };
          const read = output.ScannedCount ?? output.Items?.length ?? 0;
          counter.queries++;
          counter.itemsRead += read;
          if (input.IndexName) counter.indexItemsRead += read;
        }
        return answer;
      } catch (error) {
        if ((error as Error).name === 'TransactionCanceledException') counter.cancelled++;
        throw error;
      }
    },
    { step: 'initialize', name: 'workflowTestCounter' },
  );

  const pictures = s3PictureStore(localS3(), settings);
  const identity = cognitoIdentity(localCognito(), settings);
  const handler = createTaskHandler({
    db: { client: taskClient, tableName: settings.tableName },
    identity,
    pictures,
    clock: systemClock,
    batchLimit: options.batchLimit,
    perTransaction: options.perTransaction,
  });

  const { definition } = synthesizeRemovalDefinition();
  const interceptors = new Map<string, Interceptor>();
  const invocations = new Map<string, Invocation[]>();
  const functionNames = new Set<string>();
  const stepFunctions = await startStepFunctionsLocal({
    port: await freePort(),
    stateMachines: { [stateMachineArn]: { definition } },
    retryIntervalMs: 50,
    invokeLambda: async (name, payload) => {
      functionNames.add(name);
      const event = payload as TaskEvent;
      const record: Invocation = { event, ok: false };
      const list = invocations.get(event.operationId) ?? [];
      list.push(record);
      invocations.set(event.operationId, list);
      const run = () => handler(event);
      const intercept = interceptors.get(event.operationId);
      try {
        record.result = intercept ? await intercept(event, run) : await run();
        record.ok = true;
        return record.result;
      } catch (error) {
        record.error = (error as Error).name;
        throw error;
      }
    },
  });
  const sfn = new SFNClient({ endpoint: stepFunctions.endpoint, region, credentials });

  /** Starts the execution for an operation (name = its id) and waits until it stops. */
  async function runWorkflow(operationId: string, timeoutMs = 50_000) {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: operationId,
        input: JSON.stringify({ operationId }),
      }),
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (execution.status !== 'RUNNING') return execution;
      if (Date.now() > deadline) throw new Error(`${operationId} still RUNNING`);
      await sleep(25);
    }
  }

  /** startOperation, with a Workflows port that only records the id (the test starts it). */
  async function beginOffboarding(input: {
    centreId: string;
    userId: string;
    actorId: string;
    toUserId?: string;
    type?: Operation['type'];
  }) {
    const started: string[] = [];
    const { userId, ...rest } = input;
    const user = await getUser(db, userId);
    if (!user) throw new Error(`No user ${userId}`);
    const operation = await startOperation(
      {
        db,
        clock: systemClock,
        workflows: {
          start: async (operationId) => {
            started.push(operationId);
          },
        },
      },
      { type: 'offboarding', ...rest, user: { userId, name: user.name } },
    );
    return { operation, started };
  }

  /** An operation record exactly as beginOperation writes it, without taking the lock. */
  async function insertOperation(input: {
    centreId: string;
    userId: string;
    actorId: string;
    toUserId?: string;
  }): Promise<Operation> {
    const user = await getUser(db, input.userId);
    const operation: Operation = {
      userName: user?.name ?? '',
      operationId: newId(),
      type: 'offboarding',
      status: 'running',
      moved: 0,
      startedAt: new Date().toISOString(),
      ...input,
    };
    const { type, ...rest } = operation;
    await db.client.send(
      new PutItemCommand({
        TableName: db.tableName,
        Item: toAttributes({
          PK: `OPERATION#${operation.operationId}`,
          SK: 'OPERATION',
          type: 'operation',
          operationType: type,
          ...rest,
        }),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return operation;
  }

  return {
    db,
    definition,
    identity,
    pictures,
    runWorkflow,
    beginOffboarding,
    insertOperation,
    invocationsOf: (operationId: string) => invocations.get(operationId) ?? [],
    tasksOf: (operationId: string) =>
      (invocations.get(operationId) ?? []).map((call) => call.event.task),
    functionNames,
    intercept: (operationId: string, interceptor: Interceptor) =>
      interceptors.set(operationId, interceptor),
    onTaskCommand: (hook: CommandHook | undefined) => {
      commandHook = hook;
    },
    /** From now on the task function's owner index (GSI1) lags `ms` behind (0: off). */
    lagOwnerIndex: (ms: number) => lag.set(ms),
    resetCounter: () => {
      counter = emptyCounter();
    },
    counter: () => counter,
    operation: async (operationId: string) => {
      const operation = await getOperation(db, operationId);
      if (!operation) throw new Error(`No operation ${operationId}`);
      return operation;
    },
    stop: async () => {
      await stepFunctions.stop();
      sfn.destroy();
      taskClient.destroy();
      db.client.destroy();
    },
  };
}

/**
 * DynamoDB's global secondary indexes are eventually consistent: right after a result moves,
 * its old owner's index may still list it for a while. DynamoDB Local's never lag, so this
 * makes the task function's GSI1 queries do so: a result moved within the last `ms` still
 * shows, as last read, under its old owner (in key order, within the query's Limit).
 */
function laggingOwnerIndex() {
  type Attributes = Record<string, AttributeValue>;
  let lagMs = 0;
  const lastRead = new Map<string, Attributes>();
  const stale = new Map<string, { item: Attributes; until: number }[]>();
  const keyOf = (item: Attributes) => `${item.PK?.S}|${item.SK?.S}`;
  return {
    set: (ms: number) => {
      lagMs = ms;
      lastRead.clear();
      stale.clear();
    },
    after: (name: string, input: any, output: any) => {
      if (!lagMs) return;
      if (name === 'TransactWriteItemsCommand') {
        for (const { Update } of (input.TransactItems ?? []) as TransactWriteItem[]) {
          if (!Update?.UpdateExpression?.includes('GSI1PK =') || !Update.Key) continue;
          const old = lastRead.get(keyOf(Update.Key));
          const partition = old?.GSI1PK?.S;
          if (!old || !partition) continue;
          stale.set(partition, [
            ...(stale.get(partition) ?? []),
            { item: old, until: Date.now() + lagMs },
          ]);
        }
        return;
      }
      if (name !== 'QueryCommand' || input.IndexName !== 'GSI1') return;
      const partition = input.ExpressionAttributeValues?.[':partition']?.S;
      const after = input.ExpressionAttributeValues?.[':after']?.S;
      const items = (output.Items ?? []) as Attributes[];
      const present = new Set(items.map(keyOf));
      const ghosts = (stale.get(partition) ?? [])
        .filter(({ item, until }) => until > Date.now() && !present.has(keyOf(item)))
        .map(({ item }) => item)
        .filter((item) => after === undefined || String(item.GSI1SK?.S) > after);
      let merged = [...items, ...ghosts].sort((a, b) =>
        String(a.GSI1SK?.S).localeCompare(String(b.GSI1SK?.S)),
      );
      if (input.Limit && merged.length > input.Limit) {
        merged = merged.slice(0, input.Limit);
        const last = merged.at(-1) as Attributes;
        output.LastEvaluatedKey = {
          PK: last.PK,
          SK: last.SK,
          GSI1PK: last.GSI1PK,
          GSI1SK: last.GSI1SK,
        };
      }
      output.Items = merged;
      output.Count = merged.length;
      output.ScannedCount = merged.length;
      for (const item of merged) if (!ghosts.includes(item)) lastRead.set(keyOf(item), item);
    },
  };
}

// ---------------------------------------------------------------------------------------
// Data: learners and results put straight into the table, the per-owner counts kept exact.

export async function addLearner(db: Db, centreId: string, site: ProgressionSite) {
  const learnerId = newId();
  await transactWrite(db, [
    createLearnerItem(db, {
      learnerId,
      centreId,
      site,
      name: `Learner ${learnerId.slice(-4)}`,
      stage: site === 'primary' ? 4 : 8,
      createdAt: new Date().toISOString(),
    }),
  ]);
  return learnerId;
}

export function newResult(
  centreId: string,
  site: ProgressionSite,
  ownerId: string,
  learnerId: string,
): ProgressionResult {
  return {
    resultId: newId(),
    centreId,
    site,
    learnerId,
    subject: 'mathematics',
    stage: site === 'primary' ? 4 : 8,
    series: '2026-11',
    score: 31,
    maxScore: 40,
    ownerId,
    recordedBy: ownerId,
    createdAt: new Date().toISOString(),
  };
}

/**
 * `count` results owned by `ownerId` on `site`. The first goes through recordResultItems
 * as the route writes it (owner checked); the rest are batch-written with the very same
 * item shape, and the owner's count item gets one ADD of their number.
 */
export async function seedResults(
  db: Db,
  input: { centreId: string; site: ProgressionSite; ownerId: string; count: number },
) {
  if (input.count === 0) return [] as string[];
  const learnerId = await addLearner(db, input.centreId, input.site);
  const results = Array.from({ length: input.count }, () =>
    newResult(input.centreId, input.site, input.ownerId, learnerId),
  );
  const [first, ...rest] = results as [ProgressionResult, ...ProgressionResult[]];
  const recorded = await transactWrite(db, recordResultItems(db, first));
  if (!recorded.ok) throw new Error(`Could not record a result: item ${recorded.failedIndex}`);
  await batchWriteAll(
    db,
    rest.map((result) => ({
      PutRequest: { Item: recordResultItems(db, result)[0]?.Put?.Item ?? {} },
    })),
  );
  if (rest.length) {
    const update = countChange(db, input.ownerId, input.site, rest.length).Update;
    if (!update) throw new Error('countChange is not an Update');
    await db.client.send(new UpdateItemCommand(update));
  }
  return results.map((result) => result.resultId);
}

/**
 * A result of `ownerId` recorded as a coordinator would (result, count) but WITHOUT the
 * check that the owner is not suspended: the race the delete step must stop.
 */
export async function recordResultBypassingOwnerCheck(db: Db, result: ProgressionResult) {
  const [put, count] = recordResultItems(db, result);
  if (!put || !count) throw new Error('recordResultItems changed shape');
  const written = await transactWrite(db, [put, count]);
  if (!written.ok) throw new Error(`Could not record the result: item ${written.failedIndex}`);
}

// ---------------------------------------------------------------------------------------
// The census: every result of the centre, read from the table and from the owner index.

export interface Census {
  /** resultId → owner and site, from the site partitions (the results themselves). */
  results: Map<string, { ownerId: string; site: ProgressionSite }>;
  /** ownerId → the results the owner index lists for them. */
  indexed: Map<string, string[]>;
  /** ownerId → the per-owner count items. */
  counts: Map<string, { primary: number; 'lower-secondary': number; total: number }>;
  /** ownerId → results each owns, by the results themselves. */
  owned: Map<string, number>;
}

async function everyResult(
  db: Db,
  centreId: string,
  site: ProgressionSite,
  filter: { teacherId?: string },
) {
  const all: ProgressionResult[] = [];
  let cursor: string | undefined;
  do {
    const page = await listResults(db, centreId, site, filter, 1000, cursor);
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

export async function census(db: Db, centreId: string, userIds: string[]): Promise<Census> {
  const results = new Map<string, { ownerId: string; site: ProgressionSite }>();
  const indexed = new Map<string, string[]>(userIds.map((userId) => [userId, []]));
  const owned = new Map<string, number>();
  for (const site of progressionSites) {
    for (const result of await everyResult(db, centreId, site, {})) {
      expect(results.has(result.resultId), `result ${result.resultId} listed twice`).toBe(false);
      results.set(result.resultId, { ownerId: result.ownerId, site });
      owned.set(result.ownerId, (owned.get(result.ownerId) ?? 0) + 1);
    }
    for (const userId of userIds) {
      const listed = await everyResult(db, centreId, site, { teacherId: userId });
      for (const result of listed)
        expect(result.ownerId, `owner index of ${userId} lists another's result`).toBe(userId);
      indexed.get(userId)?.push(...listed.map((result) => result.resultId));
    }
  }
  const counts = await progressionDataOfUsers(db, userIds);
  return { results, indexed, counts, owned };
}

/**
 * The invariants of "No Progression Test result is ever lost": every result of `before`
 * (plus `added`) is still there, owned by exactly one of `owners`, listed once in the owner
 * index, and every owner's count items equal the results they own, per site.
 * Answers how many results each owner has.
 */
export async function assertWhole(
  db: Db,
  centreId: string,
  before: Census,
  owners: string[],
  added: string[] = [],
) {
  const everyone = [...new Set([...owners, ...before.indexed.keys()])];
  const after = await census(db, centreId, everyone);
  const expected = new Set([...before.results.keys(), ...added]);
  const lost = [...expected].filter((id) => !after.results.has(id));
  const appeared = [...after.results.keys()].filter((id) => !expected.has(id));
  expect(lost, 'results lost').toEqual([]);
  expect(appeared, 'results that appeared from nowhere').toEqual([]);
  expect(after.results.size).toBe(expected.size);

  // Each result in exactly one owner's index, and that owner is its ownerId.
  const seen = new Map<string, string>();
  for (const [ownerId, ids] of after.indexed)
    for (const id of ids) {
      expect(seen.get(id), `result ${id} indexed under two owners`).toBeUndefined();
      seen.set(id, ownerId);
    }
  for (const [id, { ownerId }] of after.results) {
    expect(owners, `result ${id} owned by an unexpected teacher`).toContain(ownerId);
    expect(seen.get(id), `result ${id} not indexed under its owner`).toBe(ownerId);
  }

  // Count items equal what each owner really has, per site.
  const ownedBy: Record<string, number> = {};
  for (const userId of everyone) {
    for (const site of progressionSites) {
      const actual = [...after.results.values()].filter(
        (result) => result.ownerId === userId && result.site === site,
      ).length;
      expect(after.counts.get(userId)?.[site], `count of ${userId} on ${site}`).toBe(actual);
    }
    ownedBy[userId] = after.owned.get(userId) ?? 0;
  }
  return { after, ownedBy };
}

/** Whether a user's count items exist at all (a deleted user's go with them). */
export async function countItemsOf(db: Db, userId: string) {
  const found: string[] = [];
  for (const site of progressionSites)
    if (await getItem(db, countKey(userId, site))) found.push(site);
  return found;
}

export async function auditEntries(db: Db, centreId: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAudit(db, centreId, 100, cursor);
    entries.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return entries;
}

// ---------------------------------------------------------------------------------------
// State transitions: the emulator keeps no history, so they are counted from the task
// calls and the definition's own graph (the Choice states between two tasks, and the
// terminal state). Every attempt counts, retries included, as AWS bills them.

interface AslState {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { Next: string }[];
  Parameters?: Record<string, unknown>;
}

export function stateOfInvocation(definition: object, event: TaskEvent): string {
  const states = (definition as { States: Record<string, AslState> }).States;
  const matches = Object.entries(states).filter(
    ([, state]) =>
      state.Type === 'Task' &&
      state.Parameters?.task === event.task &&
      (state.Parameters?.status === undefined ||
        state.Parameters.status === (event as { status?: string }).status),
  );
  if (matches.length !== 1) throw new Error(`No single state runs ${JSON.stringify(event)}`);
  return (matches[0] as [string, AslState])[0];
}

/** The Choice states passed between leaving `from` and entering `to` (shortest path). */
function choicesBetween(states: Record<string, AslState>, from: string, to: string): number {
  const start = states[from]?.Next;
  if (!start) throw new Error(`${from} has no Next`);
  const queue: [string, number][] = [[start, 0]];
  const visited = new Set<string>();
  while (queue.length) {
    const [name, passed] = queue.shift() as [string, number];
    if (name === to) return passed;
    if (visited.has(name)) continue;
    visited.add(name);
    const state = states[name];
    if (state?.Type !== 'Choice') continue;
    for (const next of [...(state.Choices ?? []).map((choice) => choice.Next), state.Default])
      if (next) queue.push([next, passed + 1]);
  }
  throw new Error(`No path from ${from} to ${to} through Choice states`);
}

export function stateTransitions(definition: object, calls: Invocation[]) {
  const states = (definition as { States: Record<string, AslState> }).States;
  let choices = 0;
  let terminal = 0;
  const path: string[] = [];
  calls.forEach((call, index) => {
    const name = stateOfInvocation(definition, call.event);
    path.push(name);
    const next = calls[index + 1];
    if (!next) {
      // The last task leads to a Succeed or Fail state.
      const end = states[name]?.Next;
      if (call.ok && end && ['Succeed', 'Fail'].includes(states[end]?.Type ?? '')) terminal++;
      return;
    }
    const nextName = stateOfInvocation(definition, next.event);
    if (!call.ok) return; // a retry of the same state, or its Catch: no Choice between
    choices += choicesBetween(states, name, nextName);
  });
  return { transitions: calls.length + choices + terminal, tasks: calls.length, choices, path };
}

/** A non-retryable failure, as a crashed or broken task would raise. */
export class Crash extends Error {
  override name = 'WorkerCrashed';
}

export { removalTasksId };
