/**
 * Issue 11, item 13: each guard's last line of defence, tested alone against DynamoDB Local.
 * Every guard below is checked twice: by a read before the write (which the other tests
 * exercise), and by a condition inside the write's transaction, which holds when the read
 * was stale or raced. These tests reach each transaction condition directly, with the
 * earlier read bypassed, so each fails if that condition alone is removed:
 *  - the email uniqueness marker (`putIfAbsent` in createUserItems and moveEmailItems);
 *  - the removal workflow deletes a user only while they are suspended (`remove` step);
 *  - no result is recorded for a suspended (or deleted) owner (recordResultItems).
 */
import { randomInt } from 'node:crypto';
import { type DynamoDBClient, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { type Db, getItem, toAttributes, transactWrite } from '../../functions/core/data/db.js';
import { beginOperation, type Operation } from '../../functions/core/data/operation.js';
import {
  countKey,
  createLearnerItem,
  learnerKey,
  type ProgressionResult,
  recordResultChecks,
  recordResultItems,
} from '../../functions/core/data/progression.js';
import {
  createUserItems,
  emailKey,
  getUser,
  getUserIdByEmail,
  moveEmailItems,
  replaceUserItem,
  type User,
  userKey,
} from '../../functions/core/data/user.js';
import { newId } from '../../functions/core/ids.js';
import type { PictureStore } from '../../functions/core/images.js';
import { remove, type StepDeps } from '../../workflows/tasks/steps.js';
import { localDynamoDb } from '../support/emulators.js';
import { hub } from '../support/hub.js';
import { fakeIdentity, fakeMailer } from '../unit/fakes/index.js';

const clients: DynamoDBClient[] = [];
const newDb = (): Db => {
  const client = localDynamoDb();
  clients.push(client);
  return { client, tableName: hub().tableName };
};
const db = newDb();
afterAll(() => {
  for (const client of clients) client.destroy();
});

/** A centre of its own for each test: nothing here is seen by another file's lists. */
const centreId = () => `GQ${String(randomInt(10_000_000)).padStart(7, '0')}`;

function aUser(centre: string, overrides: Partial<User> = {}): User {
  const userId = `guard-${newId()}`;
  const at = new Date().toISOString();
  return {
    userId,
    centreId: centre,
    name: 'Guard Test',
    email: `${userId}@school.example`,
    isAdmin: false,
    isSupport: false,
    sites: ['primary'],
    status: 'active',
    tokensValidAfter: 0,
    version: 0,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

async function stored(user: User) {
  const written = await transactWrite(db, createUserItems(db, user));
  expect(written).toEqual({ ok: true });
  return user;
}

describe('the email uniqueness marker', () => {
  it('refuses a second user with a taken email, though nobody looked the email up first', async () => {
    const centre = centreId();
    const first = await stored(aUser(centre));
    const second = aUser(centre, { email: first.email });

    // The services ask getUserIdByEmail first; here that read is skipped, as a race would.
    const written = await transactWrite(db, createUserItems(db, second));

    expect(written).toEqual({ ok: false, failedIndex: 1 });
    expect(await getUserIdByEmail(db, first.email)).toBe(first.userId);
    expect(await getUser(db, second.userId)).toBeUndefined();
  });

  it('refuses moving a user onto a taken email, though nobody looked the email up first', async () => {
    const centre = centreId();
    const owner = await stored(aUser(centre));
    const mover = await stored(aUser(centre));

    // As an edit or a confirmed email change writes it: the marker moves with the user.
    const written = await transactWrite(db, [
      ...moveEmailItems(db, mover, owner.email),
      replaceUserItem(db, mover, { ...mover, email: owner.email }),
    ]);

    expect(written).toEqual({ ok: false, failedIndex: 1 });
    expect(await getUserIdByEmail(db, owner.email)).toBe(owner.userId);
    expect(await getUserIdByEmail(db, mover.email)).toBe(mover.userId);
    expect((await getUser(db, mover.userId))?.email).toBe(mover.email);
  });
});

describe('the removal workflow’s delete', () => {
  it('deletes nobody who stopped being suspended after the step read them', async () => {
    const centre = centreId();
    const user = await stored(aUser(centre, { status: 'suspended' }));
    const operation: Operation = {
      operationId: newId(),
      centreId: centre,
      type: 'delete',
      userId: user.userId,
      userName: user.name,
      actorId: 'guard-coordinator',
      status: 'running',
      moved: 0,
      startedAt: new Date().toISOString(),
    };
    expect(await beginOperation(db, operation, [], Math.floor(Date.now() / 1000))).toEqual({
      started: true,
    });

    // The step reads the user (suspended), then, just before its transaction, the user is
    // made active by a write that leaves the version alone: only the transaction's own
    // status condition can still tell.
    const stepDb = newDb();
    let raced = false;
    stepDb.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && !raced) {
          raced = true;
          await db.client.send(
            new UpdateItemCommand({
              TableName: db.tableName,
              Key: toAttributes(userKey(user.userId)),
              UpdateExpression: 'SET #status = :active',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: toAttributes({ ':active': 'active' }),
            }),
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'reactivateBeforeDelete' },
    );
    const identity = fakeIdentity();
    const mailer = fakeMailer();
    const deletedPictures: string[] = [];
    const deps: StepDeps = {
      db: stepDb,
      identity,
      pictures: {
        put: async () => {},
        get: async () => undefined,
        delete: async (userId) => {
          deletedPictures.push(userId);
        },
      } satisfies PictureStore,
      clock: () => new Date(),
      batchLimit: 10,
      perTransaction: 5,
    };

    await expect(remove(deps, operation.operationId)).rejects.toMatchObject({
      name: 'TransientError',
    });

    expect(raced).toBe(true);
    const after = await getUser(db, user.userId);
    expect(after).toMatchObject({ status: 'active', version: user.version });
    expect(await getUserIdByEmail(db, user.email)).toBe(user.userId);
    expect(identity.calls).toEqual([]);
    expect(deletedPictures).toEqual([]);
    expect(mailer.sent).toEqual([]);
  });
});

describe('recording a result', () => {
  const resultFor = (centre: string, ownerId: string, learnerId: string): ProgressionResult => ({
    resultId: newId(),
    centreId: centre,
    site: 'primary',
    learnerId,
    subject: 'mathematics',
    stage: 4,
    series: 'Guard series',
    score: 30,
    maxScore: 40,
    ownerId,
    recordedBy: 'guard-coordinator',
    createdAt: new Date().toISOString(),
  });

  async function learnerOf(centre: string) {
    const learnerId = newId();
    const written = await transactWrite(db, [
      createLearnerItem(db, {
        learnerId,
        centreId: centre,
        site: 'primary',
        name: 'Guard Learner',
        stage: 4,
        createdAt: new Date().toISOString(),
      }),
    ]);
    expect(written).toEqual({ ok: true });
    return learnerId;
  }

  async function nothingRecorded(centre: string, ownerId: string, learnerId: string) {
    const { Items = [] } = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'PK = :partition',
        ExpressionAttributeValues: toAttributes({
          ':partition': `CENTRE#${centre}#SITE#primary#RESULTS`,
        }),
        ConsistentRead: true,
      }),
    );
    expect(Items).toEqual([]);
    expect(await getItem(db, countKey(ownerId, 'primary'))).toBeUndefined();
    expect((await getItem(db, learnerKey(centre, 'primary', learnerId)))?.resultCount).toBe(
      undefined,
    );
  }

  it('refuses a result owned by a suspended teacher, though nobody read the teacher first', async () => {
    const centre = centreId();
    const owner = await stored(aUser(centre, { status: 'suspended' }));
    const learnerId = await learnerOf(centre);

    // The route reads the owner and refuses a suspended one; here that read is skipped.
    const written = await transactWrite(
      db,
      recordResultItems(db, resultFor(centre, owner.userId, learnerId)),
    );

    expect(written).toEqual({ ok: false, failedIndex: recordResultChecks.owner });
    await nothingRecorded(centre, owner.userId, learnerId);
  });

  it('refuses a result owned by a user who no longer exists', async () => {
    const centre = centreId();
    const learnerId = await learnerOf(centre);
    const ownerId = `guard-${newId()}`;

    const written = await transactWrite(
      db,
      recordResultItems(db, resultFor(centre, ownerId, learnerId)),
    );

    expect(written).toEqual({ ok: false, failedIndex: recordResultChecks.owner });
    await nothingRecorded(centre, ownerId, learnerId);
  });

  it('records a result owned by an active teacher (the same items, the guard passing)', async () => {
    const centre = centreId();
    const owner = await stored(aUser(centre));
    const learnerId = await learnerOf(centre);

    const written = await transactWrite(
      db,
      recordResultItems(db, resultFor(centre, owner.userId, learnerId)),
    );

    expect(written).toEqual({ ok: true });
    expect((await getItem(db, countKey(owner.userId, 'primary')))?.count).toBe(1);
    expect(await getItem(db, emailKey(owner.email))).toMatchObject({ userId: owner.userId });
  });
});
