/**
 * Issue 11, item 2: what one search of a centre's users costs in DynamoDB, measured on the
 * wire. A centre of `count` users is written straight into DynamoDB Local with the item
 * shapes the code writes (toUserItem, searchIndexItems: no Cognito, no email markers, which
 * a search never reads), then each search runs through a client whose middleware counts
 * the requests, the items each one read (a Query's ScannedCount, a BatchGetItem's items)
 * and the read capacity DynamoDB reports.
 */

import type { DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { type Db, put } from '../../functions/core/data/db.js';
import { listCentreUsers, toUserItem, type User } from '../../functions/core/data/user.js';
import { searchIndexItems } from '../../functions/core/data/user-search.js';
import { batchWriteAll } from './batch-write.js';

const firsts = [
  'Olivia',
  'Amelia',
  'Isla',
  'Ava',
  'Mia',
  'Ivy',
  'Lily',
  'Isabella',
  'Rosie',
  'Sophia',
  'Grace',
  'Willow',
  'Freya',
  'Florence',
  'Emily',
  'Ella',
  'Poppy',
  'Evie',
  'Elsie',
  'Charlotte',
  'Noah',
  'Oliver',
  'George',
  'Arthur',
  'Muhammad',
  'Leo',
  'Harry',
  'Oscar',
  'Archie',
  'Henry',
  'Theodore',
  'Freddie',
  'Jack',
  'Charlie',
  'Theo',
  'Alfie',
  'Jacob',
  'Thomas',
  'Finley',
  'Arlo',
];
const lasts = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Johnson',
  'Davies',
  'Patel',
  'Robinson',
  'Wright',
  'Thompson',
  'Evans',
  'Walker',
  'White',
  'Roberts',
  'Green',
  'Hall',
  'Thomas',
  'Clarke',
  'Jackson',
  'Wood',
  'Harris',
  'Edwards',
  'Turner',
  'Martin',
  'Cooper',
  'Hill',
  'Ward',
  'Hughes',
  'Moore',
  'Clark',
  'King',
  'Harrison',
  'Lewis',
  'Baker',
  'Lee',
  'Allen',
  'Morris',
  'Khan',
  'Scott',
  'Watson',
  'Davis',
  'Parker',
  'James',
  'Bennett',
  'Young',
  'Phillips',
  'Richardson',
  'Mitchell',
];

/** The one user whose name no other user shares a word with. */
export const loneName = 'Zephyrine Quillfeather';

/** A centre's users as the API writes them: every 500th suspended, every 100th an admin. */
export function centreUsers(centreId: string, count: number): User[] {
  const now = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const first = firsts[i % firsts.length] as string;
    const last = lasts[Math.floor(i / firsts.length) % lasts.length] as string;
    const name = i === count - 1 ? loneName : `${first} ${last}`;
    const [a, b] = name.toLowerCase().split(' ');
    return {
      userId: `${centreId}-u${String(i).padStart(5, '0')}`,
      centreId,
      name,
      email: `${a}.${b}.${i}@northfield.sch.uk`,
      isAdmin: i % 100 === 0,
      isSupport: false,
      sites: i % 3 === 0 ? ['primary'] : ['primary', 'lower-secondary'],
      status: i % 500 === 7 ? 'suspended' : i % 4 === 0 ? 'invited' : 'active',
      tokensValidAfter: 0,
      version: 1,
      createdAt: now,
      updatedAt: now,
    } satisfies User;
  });
}

/** Writes the users and their index items (BatchWriteItem, 8 at a time). */
export async function seedCentreUsers(db: Db, users: User[]) {
  const requests: WriteRequest[] = users.flatMap((user) => [
    { PutRequest: { Item: toAttributesOf(toUserItem(user), db) } },
    ...searchIndexItems(db, undefined, user).map((item) => ({
      PutRequest: { Item: item.Put?.Item ?? {} },
    })),
  ]);
  await batchWriteAll(db, requests);
  return requests.length;
}

// The user item as a transaction would put it.
const toAttributesOf = (item: Record<string, unknown>, db: Db) => put(db, item).Put?.Item ?? {};

export interface Cost {
  requests: number;
  itemsRead: number;
  capacity: number;
}

/** A client's middleware that counts what each request read; `take()` answers and resets. */
export function countReads(client: DynamoDBClient) {
  let cost: Cost = { requests: 0, itemsRead: 0, capacity: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      cost.requests++;
      const result = await next(args);
      const output = result.output as {
        ScannedCount?: number;
        Responses?: Record<string, unknown[]>;
        ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
      };
      cost.itemsRead +=
        output.ScannedCount ??
        Object.values(output.Responses ?? {}).reduce((sum, items) => sum + items.length, 0);
      const consumed = output.ConsumedCapacity;
      for (const one of Array.isArray(consumed) ? consumed : consumed ? [consumed] : [])
        cost.capacity += one.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: 'countReads' },
  );
  return {
    take() {
      const taken = cost;
      cost = { requests: 0, itemsRead: 0, capacity: 0 };
      return taken;
    },
  };
}

/** One page of a search, with what it cost and how long it took. */
export async function measuredSearch(
  db: Db,
  counter: ReturnType<typeof countReads>,
  centreId: string,
  query: { q: string; status?: User['status']; role?: 'admin' | 'teacher'; limit?: number },
) {
  counter.take();
  const started = performance.now();
  const page = await listCentreUsers(
    db,
    centreId,
    { q: query.q, status: query.status, role: query.role },
    query.limit ?? 50,
    undefined,
  );
  const ms = performance.now() - started;
  return { page, cost: counter.take(), ms };
}

/** Plain ASCII words (the seeded names and emails have nothing else). */
const asciiWords = (text: string) =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/** The ids the search should find, in name order: every word of q starts one of theirs. */
export function expectedIds(
  users: User[],
  q: string,
  filters: { status?: User['status']; role?: 'admin' | 'teacher' } = {},
) {
  const words = asciiWords(q);
  return users
    .filter((user) => {
      const own = asciiWords(`${user.name} ${user.email}`);
      return (
        words.every((word) => own.some((mine) => mine.startsWith(word))) &&
        (!filters.status || user.status === filters.status) &&
        (!filters.role || user.isAdmin === (filters.role === 'admin'))
      );
    })
    .map((user) => `${user.name.toLowerCase()}#${user.userId}`)
    .sort()
    .map((key) => key.slice(key.lastIndexOf('#') + 1));
}
