/**
 * Issue 11, item 2: a search of a centre's users costs the same whatever the centre's size.
 * Against DynamoDB Local, a centre of 300 users, more than the read budget (tests/scale/ has
 * the 10,000 version): each search is counted on the wire (requests, items read) and must
 * stay within the bounds the design promises: one Query and one BatchGetItem, `limit` index
 * items and `limit` users, without a filter; at most `readBudget` index items with a word
 * filter; with a filter on the users (status, role, site) as many users again, in at most
 * two BatchGetItem (3 requests). The old search (a filter over the whole centre) read every
 * user for each of these.
 */
import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../functions/core/data/db.js';
import { listCentreUsers, type User } from '../../functions/core/data/user.js';
import { readBudget } from '../../functions/core/data/user-search.js';
import { startDynamoDbLocal } from '../../infra/local/emulators/dynamodb.js';
import { freePort } from '../../infra/local/emulators/ports.js';
import { createTable } from '../../infra/local/table.js';
import { credentials, region } from '../support/emulators.js';
import {
  centreUsers,
  countReads,
  expectedIds,
  loneName,
  measuredSearch,
  seedCentreUsers,
} from '../support/search-bounds.js';

const size = 300;
const centreId = `GB${String(randomInt(10_000_000)).padStart(7, '0')}`;
let db: Db;
let counter: ReturnType<typeof countReads>;
let users: User[];

// Its own DynamoDB Local: the 8,000 items of this centre are written and read by one
// SQLite thread there, not queued with every other file's requests on the shared stack's.
let emulator: Awaited<ReturnType<typeof startDynamoDbLocal>>;
let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'hub-search-bounds-'));
  emulator = await startDynamoDbLocal({ port: await freePort(), workDir });
  const client = new DynamoDBClient({
    endpoint: emulator.endpoint,
    region,
    credentials,
    maxAttempts: 1,
  });
  const tableName = 'search-bounds';
  await createTable(client, tableName);
  counter = countReads(client);
  db = { client, tableName };
  users = centreUsers(centreId, size);
  await seedCentreUsers(db, users);
}, 120_000);
afterAll(async () => {
  await emulator?.stop();
  await rm(workDir, { recursive: true, force: true });
});

const ids = (page: { items: User[] }) => page.items.map((user) => user.userId);

describe(`searching a centre of ${size} users`, () => {
  it('finds the one user of a name with one Query and one BatchGetItem, reading 2 items', async () => {
    const { page, cost } = await measuredSearch(db, counter, centreId, { q: 'quillfeather' });
    expect(page.items.map((user) => user.name)).toEqual([loneName]);
    expect(page.nextCursor).toBeNull();
    expect(cost).toMatchObject({ requests: 2, itemsRead: 2 });
  });

  it('answers a word nobody has with one Query reading nothing', async () => {
    const { page, cost } = await measuredSearch(db, counter, centreId, { q: 'xylophone' });
    expect(page).toEqual({ items: [], nextCursor: null });
    expect(cost).toMatchObject({ requests: 1, itemsRead: 0 });
  });

  it('reads one page, not the centre, for a word every user has (their domain)', async () => {
    const { page, cost } = await measuredSearch(db, counter, centreId, {
      q: 'northfield',
      limit: 50,
    });
    expect(ids(page)).toEqual(expectedIds(users, 'northfield').slice(0, 50));
    expect(page.nextCursor).not.toBeNull();
    // A word of more than 6 letters is filtered within its 6-letter partition.
    expect(cost.requests).toBe(2);
    expect(cost.itemsRead).toBeLessThanOrEqual(readBudget + 50);
  });

  it('reads at most the budget for a long word every user nearly has, and says more may follow', async () => {
    const { page, cost } = await measuredSearch(db, counter, centreId, { q: 'northfieldx' });
    expect(page.items).toEqual([]);
    expect(page.nextCursor).not.toBeNull();
    expect(cost).toEqual({ requests: 1, itemsRead: readBudget, capacity: expect.any(Number) });
  });

  it('reads at most the budget of index items and as many users for a rare status among many matches', async () => {
    const { page, cost } = await measuredSearch(db, counter, centreId, {
      q: 'sch',
      status: 'suspended',
    });
    // One Query of the budget, two BatchGetItem of 100 users: the status is on the users.
    expect(cost.requests).toBe(3);
    expect(cost.itemsRead).toBe(2 * readBudget);
    expect(ids(page)).toEqual(
      expectedIds(users, 'sch', { status: 'suspended' }).slice(0, page.items.length),
    );
  });

  it.each([
    ['olivia', {}],
    ['o', {}],
    ['ja smi', {}],
    ['uk', { status: 'suspended' as const }],
    ['northfield', { role: 'admin' as const }],
    // Pages that fill part-way through what one request read: each resumes after its last user.
    ['northfield', {}],
    ['sch', { status: 'active' as const }],
  ])(
    'pages through every match of q=%s %o in name order, each request within the bounds',
    async (q, filters) => {
      const found: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        counter.take();
        const page = await listCentreUsers(db, centreId, { q, ...filters }, 40, cursor);
        const cost = counter.take();
        expect(cost.requests).toBeLessThanOrEqual(3);
        expect(cost.itemsRead).toBeLessThanOrEqual(2 * readBudget);
        found.push(...ids(page));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 100);
      expect(found).toEqual(expectedIds(users, q, filters));
    },
  );
});
