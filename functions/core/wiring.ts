/**
 * What every area builds at cold start: the table, and the pipeline's own needs (the
 * caller's record, idempotency records). The clients behind the ports are made in
 * adapters/from-environment.ts, one function each, so a bundle carries only those it calls.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readSettings } from './config.js';
import type { Db } from './data/db.js';
import { idempotencyStore } from './data/idempotency.js';
import { getUser } from './data/user.js';
import type { PipelineDeps } from './http.js';
import { type Clock, systemClock } from './ports.js';

export function tableFromEnvironment(): Db {
  const { tableName } = readSettings(['tableName']);
  return { client: new DynamoDBClient({}), tableName };
}

export function pipelineDeps(db: Db, clock: Clock = systemClock): PipelineDeps {
  return { loadCaller: (userId) => getUser(db, userId), idempotency: idempotencyStore(db, clock) };
}
