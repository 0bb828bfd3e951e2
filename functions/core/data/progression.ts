/**
 * Learners and Progression Test results on the Primary and Lower Secondary sites, and the
 * count of results each teacher owns per site.
 *
 * A result has exactly one owner, its `ownerId`; it moves to another teacher by one
 * conditional update, so it moves whole or not at all. Per-owner counts are separate items
 * (`USER#<id>` / `COUNT#<site>`) changed in the same transaction as the results they count:
 * a user's deletion checks them in its own transaction, so a result recorded meanwhile
 * stops the deletion instead of being orphaned. In the same way each learner keeps a
 * `resultCount`, moved with every result recorded for them, and is deleted only while it is
 * absent or 0 (results are never deleted, and a transfer changes owners, not learners).
 */
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  QueryCommand,
  type TransactWriteItem,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { ProgressionSite, Subject } from '../domain.js';
import { progressionSites } from '../domain.js';
import {
  type Db,
  fromAttributes,
  getItem,
  type Item,
  type Page,
  put,
  putIfAbsent,
  queryPage,
  toAttributes,
} from './db.js';
import { userKey } from './user.js';

export interface ProgressionData {
  primary: number;
  'lower-secondary': number;
  total: number;
}

export interface Learner {
  learnerId: string;
  centreId: string;
  site: ProgressionSite;
  name: string;
  stage: number;
  classGroup?: string;
  createdAt: string;
  updatedAt?: string;
}

export { type Subject, subjects } from '../domain.js';

export interface ProgressionResult {
  resultId: string;
  centreId: string;
  site: ProgressionSite;
  learnerId: string;
  subject: Subject;
  stage: number;
  series: string;
  score: number;
  maxScore: number;
  ownerId: string;
  recordedBy: string;
  createdAt: string;
}

const learnersPartition = (centreId: string, site: ProgressionSite) =>
  `CENTRE#${centreId}#SITE#${site}#LEARNERS`;
const resultsPartition = (centreId: string, site: ProgressionSite) =>
  `CENTRE#${centreId}#SITE#${site}#RESULTS`;
export const learnerKey = (centreId: string, site: ProgressionSite, learnerId: string) => ({
  PK: learnersPartition(centreId, site),
  SK: `LEARNER#${learnerId}`,
});
const resultKey = (result: Pick<ProgressionResult, 'centreId' | 'site' | 'resultId'>) => ({
  PK: resultsPartition(result.centreId, result.site),
  SK: `RESULT#${result.resultId}`,
});
const ownerPartition = (ownerId: string, site: ProgressionSite) => `OWNER#${ownerId}#SITE#${site}`;
const learnerResultsPartition = (learnerId: string) => `LEARNER#${learnerId}#RESULTS`;
export const countKey = (userId: string, site: ProgressionSite) => ({
  PK: userKey(userId).PK,
  SK: `COUNT#${site}`,
});

const toLearnerItem = (learner: Learner): Item => ({
  ...learnerKey(learner.centreId, learner.site, learner.learnerId),
  type: 'learner',
  ...learner,
});

export const fromLearnerItem = (item: Item): Learner => ({
  learnerId: item.learnerId as string,
  centreId: item.centreId as string,
  site: item.site as ProgressionSite,
  name: item.name as string,
  stage: Number(item.stage),
  ...(item.classGroup ? { classGroup: item.classGroup as string } : {}),
  createdAt: item.createdAt as string,
  ...(item.updatedAt ? { updatedAt: item.updatedAt as string } : {}),
});

const toResultItem = (result: ProgressionResult): Item => ({
  ...resultKey(result),
  GSI1PK: ownerPartition(result.ownerId, result.site),
  GSI1SK: result.resultId,
  GSI2PK: learnerResultsPartition(result.learnerId),
  GSI2SK: result.resultId,
  type: 'result',
  ...result,
});

export const fromResultItem = (item: Item): ProgressionResult => ({
  resultId: item.resultId as string,
  centreId: item.centreId as string,
  site: item.site as ProgressionSite,
  learnerId: item.learnerId as string,
  subject: item.subject as Subject,
  stage: Number(item.stage),
  series: item.series as string,
  score: Number(item.score),
  maxScore: Number(item.maxScore),
  ownerId: item.ownerId as string,
  recordedBy: item.recordedBy as string,
  createdAt: item.createdAt as string,
});

/** Transaction item: a new learner. */
export const createLearnerItem = (db: Db, learner: Learner) =>
  putIfAbsent(db, toLearnerItem(learner));

/** A learner of a site, by id. */
export async function getLearner(
  db: Db,
  centreId: string,
  site: ProgressionSite,
  learnerId: string,
) {
  const item = await getItem(db, learnerKey(centreId, site, learnerId));
  return item ? fromLearnerItem(item) : undefined;
}

/** The learners of a site, in the order they were added. */
export const listLearners = (
  db: Db,
  centreId: string,
  site: ProgressionSite,
  limit: number,
  cursor?: string,
) =>
  queryPage(
    db,
    {
      KeyConditionExpression: 'PK = :partition',
      ExpressionAttributeValues: toAttributes({ ':partition': learnersPartition(centreId, site) }),
    },
    { limit, cursor, partition: { PK: learnersPartition(centreId, site) }, map: fromLearnerItem },
  );

/**
 * A learner's name, stage or class (`classGroup: null` clears it), only if the learner
 * exists; answers the learner as changed, or undefined when there is no such learner.
 * One conditional UpdateItem.
 */
export async function updateLearner(
  db: Db,
  key: { centreId: string; site: ProgressionSite; learnerId: string },
  change: { name?: string; stage?: number; classGroup?: string | null },
  at: string,
): Promise<Learner | undefined> {
  const set = ['updatedAt = :at'];
  const names: Record<string, string> = {};
  const values: Item = { ':at': at };
  if (change.name !== undefined) {
    set.push('#name = :name');
    names['#name'] = 'name';
    values[':name'] = change.name;
  }
  if (change.stage !== undefined) {
    set.push('stage = :stage');
    values[':stage'] = change.stage;
  }
  if (typeof change.classGroup === 'string') {
    set.push('classGroup = :classGroup');
    values[':classGroup'] = change.classGroup;
  }
  try {
    const { Attributes } = await db.client.send(
      new UpdateItemCommand({
        TableName: db.tableName,
        Key: toAttributes(learnerKey(key.centreId, key.site, key.learnerId)),
        UpdateExpression: `SET ${set.join(', ')}${change.classGroup === null ? ' REMOVE classGroup' : ''}`,
        ConditionExpression: 'attribute_exists(PK)',
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: toAttributes(values),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? fromLearnerItem(fromAttributes(Attributes)) : undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/**
 * Deletes a learner who has no Progression Test results: one DeleteItem, conditional on the
 * learner existing with `resultCount` absent or 0, so a result recorded at the same moment
 * either lands first (and the delete is refused) or finds no learner (and is refused).
 */
export async function deleteLearner(
  db: Db,
  key: { centreId: string; site: ProgressionSite; learnerId: string },
): Promise<'deleted' | 'not-found' | 'has-results'> {
  try {
    await db.client.send(
      new DeleteItemCommand({
        TableName: db.tableName,
        Key: toAttributes(learnerKey(key.centreId, key.site, key.learnerId)),
        ConditionExpression:
          'attribute_exists(PK) AND (attribute_not_exists(resultCount) OR resultCount = :zero)',
        ExpressionAttributeValues: toAttributes({ ':zero': 0 }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'deleted';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException)
      return error.Item ? 'has-results' : 'not-found';
    throw error;
  }
}

/**
 * Transaction items: a new result, its owner's count, a check that the owner still exists
 * and is not suspended (a suspended or deleted teacher receives no new data), and the
 * learner's `resultCount`, only if the learner exists (a deleted learner receives none).
 */
export function recordResultItems(db: Db, result: ProgressionResult): TransactWriteItem[] {
  return [
    put(db, toResultItem(result), { expression: 'attribute_not_exists(PK)' }),
    countChange(db, result.ownerId, result.site, 1),
    {
      ConditionCheck: {
        TableName: db.tableName,
        Key: toAttributes(userKey(result.ownerId)),
        ConditionExpression: 'attribute_exists(PK) AND #status <> :suspended',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: toAttributes({ ':suspended': 'suspended' }),
      },
    },
    {
      Update: {
        TableName: db.tableName,
        Key: toAttributes(learnerKey(result.centreId, result.site, result.learnerId)),
        UpdateExpression: 'ADD resultCount :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: toAttributes({ ':one': 1 }),
      },
    },
  ];
}

/** The index, in recordResultItems, of the owner's check and of the learner's count. */
export const recordResultChecks = { owner: 2, learner: 3 } as const;

export function countChange(
  db: Db,
  userId: string,
  site: ProgressionSite,
  delta: number,
): TransactWriteItem {
  return {
    Update: {
      TableName: db.tableName,
      Key: toAttributes(countKey(userId, site)),
      UpdateExpression: 'ADD #count :delta SET #type = :type',
      ...(delta < 0 ? { ConditionExpression: '#count >= :least' } : {}),
      ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
      ExpressionAttributeValues: toAttributes({
        ':delta': delta,
        ':type': 'count',
        ...(delta < 0 ? { ':least': -delta } : {}),
      }),
    },
  };
}

/** How many results each user owns, per site: one batch read for a whole page of users. */
export async function progressionDataOfUsers(
  db: Db,
  userIds: string[],
): Promise<Map<string, ProgressionData>> {
  const counts = new Map<string, ProgressionData>(
    userIds.map((userId) => [userId, { primary: 0, 'lower-secondary': 0, total: 0 }]),
  );
  const keys = userIds.flatMap((userId) => progressionSites.map((site) => countKey(userId, site)));
  for (let start = 0; start < keys.length; start += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(start, start + 100);
    for (let attempt = 0; pending?.length && attempt < 5; attempt++) {
      const answer: BatchGetItemCommandOutput = await db.client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [db.tableName]: { Keys: pending.map((key) => toAttributes(key)), ConsistentRead: true },
          },
        }),
      );
      for (const found of answer.Responses?.[db.tableName] ?? []) {
        const item = fromAttributes(found);
        const userId = String(item.PK).slice('USER#'.length);
        const site = String(item.SK).slice('COUNT#'.length) as ProgressionSite;
        const data = counts.get(userId);
        if (data) {
          data[site] = Number(item.count ?? 0);
          data.total = data.primary + data['lower-secondary'];
        }
      }
      pending = answer.UnprocessedKeys?.[db.tableName]?.Keys?.map(fromAttributes);
    }
  }
  return counts;
}

export async function progressionDataOf(db: Db, userId: string): Promise<ProgressionData> {
  return (await progressionDataOfUsers(db, [userId])).get(userId) as ProgressionData;
}

/** Results on one site, newest last; optionally only one teacher's or one learner's. */
export function listResults(
  db: Db,
  centreId: string,
  site: ProgressionSite,
  filter: { teacherId?: string; learnerId?: string },
  limit: number,
  cursor?: string,
): Promise<Page<ProgressionResult>> {
  if (filter.teacherId) {
    const partition = ownerPartition(filter.teacherId, site);
    return queryPage(
      db,
      {
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :partition',
        // A teacher id names a user of any centre: only this centre's results are shown.
        FilterExpression: `centreId = :centre${filter.learnerId ? ' AND learnerId = :learner' : ''}`,
        ExpressionAttributeValues: toAttributes({
          ':partition': partition,
          ':centre': centreId,
          ...(filter.learnerId ? { ':learner': filter.learnerId } : {}),
        }),
      },
      {
        limit,
        cursor,
        partition: { GSI1PK: partition },
        index: { partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
        filtered: true,
        map: fromResultItem,
      },
    );
  }
  if (filter.learnerId) {
    const partition = learnerResultsPartition(filter.learnerId);
    return queryPage(
      db,
      {
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :partition',
        // A learner id names one site's learner; the centre check keeps ids from leaking.
        FilterExpression: 'centreId = :centre AND site = :site',
        ExpressionAttributeValues: toAttributes({
          ':partition': partition,
          ':centre': centreId,
          ':site': site,
        }),
      },
      {
        limit,
        cursor,
        partition: { GSI2PK: partition },
        index: { partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
        filtered: true,
        map: fromResultItem,
      },
    );
  }
  const partition = resultsPartition(centreId, site);
  return queryPage(
    db,
    {
      KeyConditionExpression: 'PK = :partition',
      ExpressionAttributeValues: toAttributes({ ':partition': partition }),
    },
    { limit, cursor, partition: { PK: partition }, map: fromResultItem },
  );
}

/**
 * Up to `limit` results a teacher owns on a site, in id order, after the id `after` when
 * given (where a transfer left off: it never reads again what it has already moved).
 * One Query of the owner index; `exhausted` says it read to the end of the teacher's results.
 */
export async function ownedResults(
  db: Db,
  ownerId: string,
  site: ProgressionSite,
  limit: number,
  after?: string,
): Promise<{ results: ProgressionResult[]; exhausted: boolean }> {
  const { Items, LastEvaluatedKey } = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: `GSI1PK = :partition${after === undefined ? '' : ' AND GSI1SK > :after'}`,
      ExpressionAttributeValues: toAttributes({
        ':partition': ownerPartition(ownerId, site),
        ...(after === undefined ? {} : { ':after': after }),
      }),
      Limit: limit,
    }),
  );
  return {
    results: (Items ?? []).map((item) => fromResultItem(fromAttributes(item))),
    exhausted: !LastEvaluatedKey,
  };
}

/**
 * Transaction item: one result moves from one owner to another, only if `from` still owns
 * it — so running the same move twice changes nothing the second time.
 */
export function moveResultItem(
  db: Db,
  result: ProgressionResult,
  from: string,
  to: string,
): TransactWriteItem {
  return {
    Update: {
      TableName: db.tableName,
      Key: toAttributes(resultKey(result)),
      UpdateExpression: 'SET ownerId = :to, GSI1PK = :toPartition',
      ConditionExpression: 'ownerId = :from',
      ExpressionAttributeValues: toAttributes({
        ':to': to,
        ':from': from,
        ':toPartition': ownerPartition(to, result.site),
      }),
    },
  };
}

/**
 * Transaction items for deleting a user: their counts must be zero (or never existed);
 * they go with the user. A result recorded meanwhile makes these conditions fail.
 */
export function noDataLeftItems(db: Db, userId: string): TransactWriteItem[] {
  return progressionSites.map((site) => ({
    Delete: {
      TableName: db.tableName,
      Key: toAttributes(countKey(userId, site)),
      ConditionExpression: 'attribute_not_exists(PK) OR #count = :zero',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: toAttributes({ ':zero': 0 }),
    },
  }));
}
