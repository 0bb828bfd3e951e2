/**
 * The load client of the latency bench, run in its own process (tests/bench/latency.ts
 * starts it with its settings in BENCH_CLIENT): GET /me through the API and the raw
 * consistent GetItem of the same item, sequential, interleaved, on keep-alive connections.
 * Prints one JSON line with every sample in milliseconds.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { ClientConfig } from './latency.js';

const config = JSON.parse(process.env.BENCH_CLIENT ?? '') as ClientConfig;
const dynamodb = new DynamoDBClient({
  endpoint: config.dynamodb.endpoint,
  region: config.dynamodb.region,
  credentials: {
    accessKeyId: config.dynamodb.accessKeyId,
    secretAccessKey: config.dynamodb.secretAccessKey,
  },
});
const getItem = new GetItemCommand({
  TableName: config.dynamodb.tableName,
  Key: { PK: { S: `USER#${config.userId}` }, SK: { S: 'USER' } },
  ConsistentRead: true,
});

// global fetch (undici) keeps connections alive; reading the body frees the connection.
async function getMe() {
  const t = performance.now();
  const response = await fetch(config.meUrl, { headers: { authorization: config.authorization } });
  const body = await response.text();
  const elapsed = performance.now() - t;
  if (response.status !== 200) throw new Error(`GET /me answered ${response.status}: ${body}`);
  return elapsed;
}

async function readItem() {
  const t = performance.now();
  const { Item } = await dynamodb.send(getItem);
  const elapsed = performance.now() - t;
  if (!Item) throw new Error(`No item USER#${config.userId}/USER`);
  return elapsed;
}

for (let i = 0; i < config.warmup; i++) {
  await getMe();
  await readItem();
}
const meTimes: number[] = [];
const itemTimes: number[] = [];
for (let i = 0; i < config.requests; i++) {
  if (i % 2 === 0) {
    meTimes.push(await getMe());
    itemTimes.push(await readItem());
  } else {
    itemTimes.push(await readItem());
    meTimes.push(await getMe());
  }
}
dynamodb.destroy();
process.stdout.write(`\n${JSON.stringify({ bench: true, meTimes, itemTimes })}\n`, () =>
  process.exit(0),
);
