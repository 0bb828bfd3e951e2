/**
 * Small helpers over the raw DynamoDB client: marshalling, pages with opaque cursors, and
 * reading which condition cancelled a transaction. Entity modules build on these.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { validationFailed } from '../errors.js';

export interface Db {
  client: DynamoDBClient;
  tableName: string;
}

export type Item = Record<string, unknown>;
export type Key = { PK: string; SK: string };

export const toAttributes = (item: Item) =>
  marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: false });
export const fromAttributes = (attributes: Record<string, AttributeValue>) =>
  unmarshall(attributes) as Item;

export async function getItem(db: Db, key: Key, consistent = true): Promise<Item | undefined> {
  const { Item: found } = await db.client.send(
    new GetItemCommand({
      TableName: db.tableName,
      Key: toAttributes(key),
      ConsistentRead: consistent,
    }),
  );
  return found ? fromAttributes(found) : undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The cursor is the query's LastEvaluatedKey, base64url JSON. On the way back in it must
 * name the same partition as the query, so a cursor cannot be steered at another centre;
 * for a `begins_with` query its sort key must also start with the same prefix (DynamoDB
 * refuses a start key outside the key condition, which would otherwise be a 500).
 */
export function encodeCursor(lastKey: Record<string, AttributeValue> | undefined): string | null {
  if (!lastKey) return null;
  return Buffer.from(JSON.stringify(unmarshall(lastKey))).toString('base64url');
}

/** The key attributes of a start key: the table's, and the index's when an index is queried. */
function keyAttributesOf(partition: Record<string, string>): string[] {
  const [partitionName] = Object.keys(partition);
  const index = partitionName?.match(/^(GSI\d+)PK$/)?.[1];
  return (index ? ['PK', 'SK', `${index}PK`, `${index}SK`] : ['PK', 'SK']).sort();
}

export function decodeCursor(
  cursor: string | undefined,
  expectedPartition: Record<string, string>,
  expectedPrefix: Record<string, string> = {},
): Record<string, AttributeValue> | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => validationFailed([{ path: 'cursor', message: 'is not a valid cursor' }]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw invalid();
  const key = decoded as Record<string, unknown>;
  // A start key names exactly the key attributes of the table and of the index queried:
  // DynamoDB answers anything else (one missing, one extra) with an error, not a page.
  const names = Object.keys(key).sort();
  const required = keyAttributesOf(expectedPartition);
  if (names.length !== required.length || names.some((name, at) => name !== required[at]))
    throw invalid();
  for (const [name, value] of Object.entries(key)) {
    if (typeof value !== 'string' || value.length === 0 || value.length > 1024) throw invalid();
    if (name in expectedPartition && expectedPartition[name] !== value) throw invalid();
    if (name in expectedPrefix && !value.startsWith(expectedPrefix[name] as string))
      throw invalid();
  }
  return toAttributes(key);
}

/**
 * One page of a query. Without a filter, DynamoDB's Limit is the page size. With one, Limit
 * counts items read, not items kept, so the query reads in larger chunks (up to 1 MB each)
 * and the cursor is built from the last item kept rather than DynamoDB's LastEvaluatedKey.
 */
export async function queryPage<T>(
  db: Db,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>,
  options: {
    limit: number;
    cursor: string | undefined;
    partition: Record<string, string>;
    /** The sort key's name and the prefix a `begins_with` key condition asks for. */
    sortKeyPrefix?: Record<string, string>;
    map: (item: Item) => T;
    /** The index's key names, when querying an index (its items also carry PK and SK). */
    index?: { partitionKey: string; sortKey: string };
    filtered?: boolean;
  },
): Promise<Page<T>> {
  const kept: Item[] = [];
  let startKey = decodeCursor(options.cursor, options.partition, options.sortKeyPrefix);
  let lastKey: Record<string, AttributeValue> | undefined;
  do {
    const wanted = options.limit - kept.length;
    const result = await db.client.send(
      new QueryCommand({
        ...input,
        TableName: db.tableName,
        ExclusiveStartKey: startKey,
        Limit: options.filtered ? Math.max(wanted, filteredChunk) : wanted,
      }),
    );
    const found = (result.Items ?? []).map(fromAttributes);
    kept.push(...found.slice(0, wanted));
    startKey = result.LastEvaluatedKey;
    lastKey = startKey;
    if (found.length > wanted) {
      // The page filled part-way through what was read: resume after the last item kept.
      lastKey = toAttributes(keyOf(kept[kept.length - 1] as Item, options.index));
      break;
    }
  } while (startKey && kept.length < options.limit);
  return { items: kept.map(options.map), nextCursor: encodeCursor(lastKey) };
}

/** Items read per call when a filter may drop most of them (DynamoDB stops at 1 MB anyway). */
const filteredChunk = 1000;

function keyOf(item: Item, index?: { partitionKey: string; sortKey: string }) {
  const names = ['PK', 'SK', ...(index ? [index.partitionKey, index.sortKey] : [])];
  return Object.fromEntries(names.map((name) => [name, item[name]]));
}

/**
 * Runs a transaction; when a condition fails, answers the index of the first item whose
 * condition failed (so the caller can say EMAIL_TAKEN rather than CENTRE_EXISTS).
 */
export async function transactWrite(
  db: Db,
  items: TransactWriteItem[],
  clientRequestToken?: string,
): Promise<{ ok: true } | { ok: false; failedIndex: number }> {
  try {
    await db.client.send(
      new TransactWriteItemsCommand({
        TransactItems: items,
        ClientRequestToken: clientRequestToken,
      }),
    );
    return { ok: true };
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const failedIndex =
        error.CancellationReasons?.findIndex(
          (reason) => reason.Code === 'ConditionalCheckFailed',
        ) ?? -1;
      if (failedIndex >= 0) return { ok: false, failedIndex };
    }
    throw error;
  }
}

export const put = (
  db: Db,
  item: Item,
  condition?: { expression: string; names?: Record<string, string>; values?: Item },
): TransactWriteItem => ({
  Put: {
    TableName: db.tableName,
    Item: toAttributes(item),
    ConditionExpression: condition?.expression,
    ExpressionAttributeNames: condition?.names,
    ExpressionAttributeValues: condition?.values ? toAttributes(condition.values) : undefined,
  },
});

export const putIfAbsent = (db: Db, item: Item): TransactWriteItem =>
  put(db, item, { expression: 'attribute_not_exists(PK)' });

export const deleteItem = (db: Db, key: Key | Record<string, string>): TransactWriteItem => ({
  Delete: { TableName: db.tableName, Key: toAttributes(key) },
});

/**
 * Many items by key, 100 keys a request (DynamoDB's limit), strongly consistent. Keys DynamoDB
 * leaves unprocessed (throttling) are asked again a few times; any still left are answered as
 * `unread`, so a caller can tell "absent" from "not known".
 */
export async function batchGet(
  db: Db,
  keys: readonly Key[],
  projection?: string,
): Promise<{ found: Item[]; unread: Key[] }> {
  const found: Item[] = [];
  const unread: Key[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let pending: Key[] = keys.slice(start, start + 100);
    for (let attempt = 0; pending.length && attempt < 3; attempt++) {
      const answer: BatchGetItemCommandOutput = await db.client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [db.tableName]: {
              Keys: pending.map((key) => toAttributes(key)),
              ConsistentRead: true,
              ...(projection ? { ProjectionExpression: projection } : {}),
            },
          },
        }),
      );
      found.push(...(answer.Responses?.[db.tableName] ?? []).map(fromAttributes));
      pending = (answer.UnprocessedKeys?.[db.tableName]?.Keys ?? []).map(
        (key) => fromAttributes(key) as Key,
      );
    }
    unread.push(...pending);
  }
  return { found, unread };
}
