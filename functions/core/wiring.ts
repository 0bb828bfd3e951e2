/**
 * Module-level singletons the areas build at cold start: the table, the clock, the clients
 * behind the ports, and the pipeline's own needs (the caller's record, idempotency records).
 * Each is made only when an area asks for it, so a bundle carries only the SDK clients its
 * area uses.
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
