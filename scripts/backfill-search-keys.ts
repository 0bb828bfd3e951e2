/**
 * Once, after deploying issue 10 onto a table that already holds data: gives the items
 * written before it the keys and counts the new code writes itself.
 *
 * - every centre: its place in the centre name index (GSI2 `CENTRE_NAMES`);
 * - every user of a centre: their place in the people index (GSI4 `PEOPLE#…`);
 * - every learner with Progression Test results: `resultCount`, so they cannot be removed;
 * - (issue 11) every user of a centre: their items in the centre's word index
 *   (`USER#<id>` / `SEARCH#<start>`, data/user-search.ts); items the present rules would
 *   not write (left by other rules) are deleted, so this also follows a change of the rules.
 *
 *   TABLE_NAME=<table> npx tsx scripts/backfill-search-keys.ts [centreId …]
 *
 * With centre ids, only those centres (a repair); without, every centre, eight at a time.
 *
 * No Scan: it walks the centres (GSI1 `CENTRES`), then each centre's users (GSI1) and each
 * site's learners and results (their own partitions). Every write is conditional, so it can
 * run again, and at any time: a user or centre renamed meanwhile already carries the new
 * keys (the condition on the name fails and is skipped); a learner who received a result
 * meanwhile already has a `resultCount` (only its being above 0 matters: it only grows); a
 * user's index items are written in one transaction that checks the user's `version` is
 * the one they were computed from (a user changed meanwhile has theirs already).
 */
import { pathToFileURL } from 'node:url';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
  type TransactWriteItem,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { centreKey, centreNameIndexKeys } from '../functions/core/data/centre.js';
import {
  type Db,
  deleteItem,
  fromAttributes,
  getItem,
  type Item,
  put,
  toAttributes,
  transactWrite,
} from '../functions/core/data/db.js';
import { learnerKey } from '../functions/core/data/progression.js';
import { fromUserItem, peopleIndexKeys, userKey } from '../functions/core/data/user.js';
import {
  searchIndexItem,
  searchIndexRules,
  searchPrefixesOf,
} from '../functions/core/data/user-search.js';
import { type ProgressionSite, progressionSites } from '../functions/core/domain.js';

export interface BackfillReport {
  centres: number;
  users: number;
  learners: number;
  /** Users whose word-index items were written or deleted. */
  searchIndexes: number;
}

async function* everyItem(db: Db, input: Omit<QueryCommandInput, 'TableName'>) {
  let startKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await db.client.send(
      new QueryCommand({ ...input, TableName: db.tableName, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) yield fromAttributes(item);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** One conditional update; false when its condition failed (nothing to do). */
async function update(
  db: Db,
  key: Item,
  set: Item,
  condition: { expression: string; names?: Record<string, string>; values?: Item },
) {
  const names = Object.keys(set);
  try {
    await db.client.send(
      new UpdateItemCommand({
        TableName: db.tableName,
        Key: toAttributes(key),
        UpdateExpression: `SET ${names.map((name, index) => `${name} = :v${index}`).join(', ')}`,
        ConditionExpression: condition.expression,
        ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
        ExpressionAttributeValues: toAttributes({
          ...Object.fromEntries(names.map((name, index) => [`:v${index}`, set[name]])),
          ...condition.values,
        }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

const sameName = (name: string) => ({
  expression: 'attribute_exists(PK) AND #name = :name',
  names: { '#name': 'name' },
  values: { ':name': name },
});

export interface BackfillOptions {
  /** Only these centres (repairing one centre), not every centre of the table. */
  centreIds?: string[];
  /** Centres worked on at once (each a handful of sequential requests). */
  concurrency?: number;
}

export async function backfillSearchKeys(
  db: Db,
  options: BackfillOptions = {},
): Promise<BackfillReport> {
  const report: BackfillReport = { centres: 0, users: 0, learners: 0, searchIndexes: 0 };
  const centres = options.centreIds
    ? onlyCentres(db, options.centreIds)
    : everyItem(db, {
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :partition',
        ExpressionAttributeValues: toAttributes({ ':partition': 'CENTRES' }),
      });
  // A bounded pool over the walk: the next centre is taken when one finishes.
  const next = async () => {
    for (;;) {
      const taken = await centres.next();
      if (taken.done) return;
      await backfillCentre(db, taken.value, report);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, next));
  return report;
}

async function* onlyCentres(db: Db, centreIds: string[]) {
  for (const centreId of centreIds) {
    const centre = await getItem(db, centreKey(centreId));
    if (!centre) throw new Error(`No centre ${centreId}`);
    yield centre;
  }
}

async function backfillCentre(db: Db, centre: Item, report: BackfillReport) {
  const centreId = String(centre.centreId);
  const name = String(centre.name);
  const keys = centreNameIndexKeys({ centreId, name });
  if (
    centre.GSI2SK !== keys.GSI2SK &&
    (await update(db, centreKey(centreId), keys, sameName(name)))
  )
    report.centres++;
  const users = everyItem(db, {
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :partition',
    ExpressionAttributeValues: toAttributes({ ':partition': `CENTRE#${centreId}#USERS` }),
  });
  for await (const user of users) {
    const person = { userId: String(user.userId), name: String(user.name) };
    const userKeys = peopleIndexKeys(person);
    if (
      user.GSI4SK !== userKeys.GSI4SK &&
      (await update(db, userKey(person.userId), userKeys, sameName(person.name)))
    )
      report.users++;
    if (await backfillSearchIndex(db, user)) report.searchIndexes++;
  }
  for (const site of progressionSites) report.learners += await countResults(db, centreId, site);
}

/** Same attributes, whatever their order. */
const sameItem = (a: Item, b: Item) => {
  const sorted = (item: Item) =>
    JSON.stringify(Object.entries(item).sort(([x], [y]) => (x < y ? -1 : 1)));
  return sorted(a) === sorted(b);
};

/**
 * Makes a user's word-index items those the present rules write: puts the missing or
 * different ones, deletes the others, and marks the user `searchIndexed` (a user marked
 * with the present rules is skipped without a read). Each transaction checks the user's
 * version; the last one sets the mark.
 */
async function backfillSearchIndex(db: Db, userItem: Item): Promise<boolean> {
  if (userItem.searchIndexed === searchIndexRules) return false;
  const user = fromUserItem(userItem);
  const wanted = new Map(
    searchPrefixesOf(user).map((prefix) => {
      const item = searchIndexItem(user, prefix);
      return [String(item.SK), item];
    }),
  );
  const writes: TransactWriteItem[] = [];
  const existing = everyItem(db, {
    KeyConditionExpression: 'PK = :user AND begins_with(SK, :search)',
    ExpressionAttributeValues: toAttributes({
      ':user': userKey(user.userId).PK,
      ':search': 'SEARCH#',
    }),
    ConsistentRead: true,
  });
  for await (const found of existing) {
    const item = wanted.get(String(found.SK));
    if (!item) writes.push(deleteItem(db, { PK: String(found.PK), SK: String(found.SK) }));
    else if (sameItem(item, found)) wanted.delete(String(found.SK));
  }
  for (const item of wanted.values()) writes.push(put(db, item));
  const unchanged = {
    TableName: db.tableName,
    Key: toAttributes(userKey(user.userId)),
    ...(typeof userItem.version === 'number'
      ? {
          ConditionExpression: '#version = :version',
          ExpressionAttributeValues: toAttributes({ ':version': userItem.version }),
        }
      : { ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#version)' }),
    ExpressionAttributeNames: { '#version': 'version' },
  };
  const chunks: TransactWriteItem[][] = [];
  for (let start = 0; start < writes.length; start += 99)
    chunks.push(writes.slice(start, start + 99));
  if (chunks.length === 0) chunks.push([]);
  for (const [at, chunk] of chunks.entries()) {
    const guard: TransactWriteItem =
      at < chunks.length - 1
        ? { ConditionCheck: unchanged }
        : {
            Update: {
              ...unchanged,
              UpdateExpression: 'SET searchIndexed = :rules',
              ExpressionAttributeValues: toAttributes({
                ...(typeof userItem.version === 'number' ? { ':version': userItem.version } : {}),
                ':rules': searchIndexRules,
              }),
            },
          };
    // Changed meanwhile: the change wrote the user's index items itself.
    if (!(await transactWrite(db, [guard, ...chunk])).ok) return at > 0;
  }
  return true;
}

/** Each learner of a site with results and no `resultCount` gets the number of their results. */
async function countResults(db: Db, centreId: string, site: ProgressionSite) {
  const counts = new Map<string, number>();
  const results = everyItem(db, {
    KeyConditionExpression: 'PK = :partition',
    ExpressionAttributeValues: toAttributes({
      ':partition': `CENTRE#${centreId}#SITE#${site}#RESULTS`,
    }),
    ProjectionExpression: 'learnerId',
  });
  for await (const result of results) {
    const learnerId = String(result.learnerId);
    counts.set(learnerId, (counts.get(learnerId) ?? 0) + 1);
  }
  let counted = 0;
  for (const [learnerId, count] of counts)
    if (
      await update(
        db,
        learnerKey(centreId, site, learnerId),
        { resultCount: count },
        { expression: 'attribute_exists(PK) AND attribute_not_exists(resultCount)' },
      )
    )
      counted++;
  return counted;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) {
    console.error('Set TABLE_NAME to the table to backfill');
    process.exit(2);
  }
  const centreIds = process.argv.slice(2);
  const report = await backfillSearchKeys(
    { client: new DynamoDBClient({}), tableName },
    centreIds.length ? { centreIds } : {},
  );
  console.log(
    `Backfilled ${report.centres} centres, ${report.users} users, ${report.learners} learners, ${report.searchIndexes} users' word indexes`,
  );
}
