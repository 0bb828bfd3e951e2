/**
 * The load client of the latency bench, run in its own process (tests/bench/latency.ts
 * starts it with its settings in BENCH_CLIENT): GET /me through the API and the raw
 * consistent GetItem of the same item, sequential, interleaved, each on one keep-alive
 * connection. Both go out through node:http with a keep-alive agent, the transport the SDK's
 * own NodeHttpHandler uses, so the client's HTTP stack weighs the same on both sides.
 * Prints one JSON line with every sample in milliseconds.
 */
import { Agent, request } from 'node:http';
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

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function getMe() {
  const t = performance.now();
  const { status, body } = await get(config.meUrl, { authorization: config.authorization });
  const elapsed = performance.now() - t;
  if (status !== 200) throw new Error(`GET /me answered ${status}: ${body}`);
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
agent.destroy();
process.stdout.write(`\n${JSON.stringify({ bench: true, meTimes, itemTimes })}\n`, () =>
  process.exit(0),
);
