/**
 * Site removals in tests: users of a centre put straight into the table (a 10,000-user
 * centre cannot be invited through Cognito in a test), and the operation followed over HTTP.
 */

import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import type { Db } from '../../functions/core/data/db.js';
import { toAttributes } from '../../functions/core/data/db.js';
import { emailKey, toUserItem, type User } from '../../functions/core/data/user.js';
import type { Site } from '../../functions/core/domain.js';
import { newId } from '../../functions/core/ids.js';
import { batchWriteAll } from './batch-write.js';
import { api, sleep } from './hub.js';

/** `count` active users of the centre with `sites`, each with its email marker, as invited. */
export async function seedUsers(
  db: Db,
  centreId: string,
  count: number,
  sites: Site[],
  label = 'Seeded',
): Promise<User[]> {
  const now = new Date().toISOString();
  const users: User[] = Array.from({ length: count }, (_, index) => {
    const userId = newId();
    return {
      userId,
      centreId,
      name: `${label} ${String(index).padStart(5, '0')}`,
      email: `${userId.toLowerCase()}@seeded.example`,
      isAdmin: false,
      isSupport: false,
      sites,
      status: 'active',
      tokensValidAfter: 0,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
  });
  const requests: WriteRequest[] = users.flatMap((user) => [
    { PutRequest: { Item: toAttributes(toUserItem(user)) } },
    {
      PutRequest: {
        Item: toAttributes({ ...emailKey(user.email), type: 'email', userId: user.userId }),
      },
    },
  ]);
  await batchWriteAll(db, requests);
  return users;
}

/** Follows an operation over HTTP until it has ended; answers every state seen. */
export async function followOperation(location: string, token: string, timeoutMs = 50_000) {
  const seen: any[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await api('GET', location, { token });
    if (answer.status !== 200) throw new Error(`${location}: ${answer.status} ${answer.text}`);
    seen.push(answer.json);
    if (answer.json.status !== 'running') return { last: answer.json, seen };
    if (Date.now() > deadline) throw new Error(`${location} still running`);
    await sleep(20);
  }
}
