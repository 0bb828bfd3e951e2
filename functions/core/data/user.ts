import {
  type AttributeValue,
  BatchGetItemCommand,
  QueryCommand,
  type TransactWriteItem,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { EmailProblem, Site, UserStatus } from '../domain.js';
import { ProblemError } from '../errors.js';
import {
  type Db,
  decodeCursor,
  encodeCursor,
  fromAttributes,
  getItem,
  type Item,
  type Page,
  put,
  putIfAbsent,
  queryPage,
  toAttributes,
  transactWrite,
} from './db.js';
import {
  matches,
  prefixLength,
  queryWordsOf,
  readBudget,
  type SearchFilters,
  searchIndexItems,
  searchIndexRules,
  searchPartition,
  start,
} from './user-search.js';

/** A member of a centre (teacher or coordinator), or support staff (no centre). */
export interface User {
  userId: string;
  centreId: string | null;
  name: string;
  email: string;
  isAdmin: boolean;
  isSupport: boolean;
  sites: Site[];
  status: UserStatus;
  /** Tokens whose auth_time is at or before this epoch second are refused… */
  tokensValidAfter: number;
  /** …except those of this one sign-in (rules.sessionIdOf): the session that changed the password. */
  keptSession?: string;
  /** Set at the first sign-in: a restored user goes back to `active` or to `invited`. */
  activatedAt?: string;
  /** The profile picture's type, when there is one (the bytes are in S3). */
  pictureType?: string;
  /**
   * Why emails to this address are not arriving: the outbox's sender gave up on one
   * (`failed`), or SES reported a bounce or complaint. Cleared when the email changes.
   */
  emailStatus?: EmailStatus;
  /** Bumped by every change; each write is conditional on the version it read. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface EmailStatus {
  problem: EmailProblem;
  /** When it was recorded. */
  at: string;
  /** SES's bounce type (Permanent, Transient, Undetermined) or complaint type, if any. */
  detail?: string;
}

export type Role = 'admin' | 'teacher';
export const roleOf = (user: Pick<User, 'isAdmin'>): Role => (user.isAdmin ? 'admin' : 'teacher');

export const userKey = (userId: string) => ({ PK: `USER#${userId}`, SK: 'USER' });
export const emailKey = (email: string) => ({ PK: `EMAIL#${email}`, SK: 'EMAIL' });
const centreUsers = (centreId: string) => `CENTRE#${centreId}#USERS`;
const centreUsersWithStatus = (centreId: string, status: UserStatus) =>
  `CENTRE#${centreId}#STATUS#${status}`;
const centreUsersWithRole = (centreId: string, role: Role) => `CENTRE#${centreId}#ROLE#${role}`;
/** Users of a centre whose emails are not arriving (a sparse index: only they have GSI5 keys). */
const centreUsersWithEmailProblem = (centreId: string) => `CENTRE#${centreId}#EMAILPROBLEM`;
// Names sort case-insensitively; the user id breaks ties between equal names.
const nameSortKey = (user: Pick<User, 'name' | 'userId'>) =>
  `${user.name.toLowerCase()}#${user.userId}`;
/**
 * Support's search for people across every centre: one GSI4 partition per first two
 * characters (code points, so no surrogate is split) of the lower-cased name, by name.
 */
export const peoplePartition = (lowerName: string) =>
  `PEOPLE#${Array.from(lowerName).slice(0, 2).join('')}`;
/** A centre user's place in the people index (also what scripts/backfill-search-keys.ts writes). */
export const peopleIndexKeys = (user: Pick<User, 'name' | 'userId'>) => ({
  GSI4PK: peoplePartition(user.name.toLowerCase()),
  GSI4SK: nameSortKey(user),
});

/**
 * Support staff (no centre) in one GSI1 partition by name, so the operator command lists
 * them with one Query (they are a handful of people, never a centre's thousands).
 */
export const supportStaffPartition = 'SUPPORT_STAFF';

export const toUserItem = (user: User): Item => {
  const sortKey = user.centreId ? nameSortKey(user) : undefined;
  return {
    ...userKey(user.userId),
    ...(!user.centreId && user.isSupport
      ? { GSI1PK: supportStaffPartition, GSI1SK: nameSortKey(user) }
      : {}),
    ...(user.centreId
      ? {
          GSI1PK: centreUsers(user.centreId),
          GSI1SK: sortKey,
          GSI2PK: centreUsersWithStatus(user.centreId, user.status),
          GSI2SK: sortKey,
          GSI3PK: centreUsersWithRole(user.centreId, roleOf(user)),
          GSI3SK: sortKey,
          ...peopleIndexKeys(user),
          ...(user.emailStatus
            ? { GSI5PK: centreUsersWithEmailProblem(user.centreId), GSI5SK: sortKey }
            : {}),
          searchIndexed: searchIndexRules,
        }
      : {}),
    type: 'user',
    ...user,
  };
};

export const fromUserItem = (item: Item): User => ({
  userId: item.userId as string,
  centreId: (item.centreId as string | null) ?? null,
  name: item.name as string,
  email: item.email as string,
  isAdmin: item.isAdmin === true,
  isSupport: item.isSupport === true,
  sites: (item.sites as Site[]) ?? [],
  status: item.status as UserStatus,
  tokensValidAfter: (item.tokensValidAfter as number) ?? 0,
  ...(item.activatedAt ? { activatedAt: item.activatedAt as string } : {}),
  ...(typeof item.keptSession === 'string' ? { keptSession: item.keptSession } : {}),
  ...(item.pictureType ? { pictureType: item.pictureType as string } : {}),
  ...(item.emailStatus ? { emailStatus: item.emailStatus as EmailStatus } : {}),
  version: (item.version as number) ?? 0,
  createdAt: item.createdAt as string,
  updatedAt: item.updatedAt as string,
});

/** What the API shows of a user (API.md "User object"). */
export const publicUser = (user: User) => ({
  userId: user.userId,
  centreId: user.centreId ?? '',
  name: user.name,
  email: user.email,
  isAdmin: user.isAdmin,
  sites: user.sites,
  status: user.status,
  ...(user.emailStatus ? { emailStatus: user.emailStatus } : {}),
  createdAt: user.createdAt,
  updatedAt: user.updatedAt,
});

/** User by id (the Cognito sub). Strongly consistent: a suspension counts at once. */
export async function getUser(db: Db, userId: string): Promise<User | undefined> {
  const item = await getItem(db, userKey(userId));
  return item ? fromUserItem(item) : undefined;
}

/**
 * Records (or, with `undefined`, clears) why emails to the user's address are not arriving,
 * if `address` is still their address: a bounce of an old address says nothing of the new.
 * Version-locked like every other change to a user, so nothing else is overwritten.
 */
export async function recordEmailStatus(
  db: Db,
  userId: string,
  address: string,
  status: EmailStatus | undefined,
): Promise<'recorded' | 'unchanged' | 'no-such-user' | 'other-address'> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const user = await getUser(db, userId);
    if (!user) return 'no-such-user';
    if (user.email.toLowerCase() !== address.toLowerCase()) return 'other-address';
    if (JSON.stringify(user.emailStatus) === JSON.stringify(status)) return 'unchanged';
    const written = await transactWrite(db, [
      replaceUserItem(db, user, { ...user, emailStatus: status }),
    ]);
    if (written.ok) return 'recorded';
  }
  throw new ProblemError('CONFLICT', 'The user was changed at the same time; try again');
}

/** User id by email, through the uniqueness marker. */
export async function getUserIdByEmail(db: Db, email: string): Promise<string | undefined> {
  const item = await getItem(db, emailKey(email));
  return item?.userId as string | undefined;
}

const emailMarker = (user: Pick<User, 'email' | 'userId'>) => ({
  ...emailKey(user.email),
  type: 'email',
  userId: user.userId,
});

/**
 * Transaction items: the user, the marker that keeps their email unique, then their items
 * in the centre's search index (user-search.ts).
 */
export const createUserItems = (db: Db, user: User) => [
  putIfAbsent(db, toUserItem(user)),
  putIfAbsent(db, emailMarker(user)),
  ...searchIndexItems(db, undefined, user),
];

/**
 * Transaction item: the user as `next`, written only if nobody changed them since `before`
 * was read (optimistic locking on `version`).
 */
export const replaceUserItem = (db: Db, before: User, next: User): TransactWriteItem =>
  put(db, toUserItem({ ...next, version: before.version + 1 }), {
    expression: '#version = :version',
    names: { '#version': 'version' },
    values: { ':version': before.version },
  });

/** Transaction items: moves the uniqueness marker from one email to another. */
export const moveEmailItems = (db: Db, user: User, newEmail: string): TransactWriteItem[] => [
  {
    Delete: {
      TableName: db.tableName,
      Key: toAttributes(emailKey(user.email)),
      ConditionExpression: 'userId = :userId',
      ExpressionAttributeValues: toAttributes({ ':userId': user.userId }),
    },
  },
  putIfAbsent(db, emailMarker({ email: newEmail, userId: user.userId })),
];

export interface UserFilters {
  q?: string;
  status?: UserStatus;
  role?: Role;
  site?: Site;
  /** `problem`: only users whose emails are not arriving (`emailStatus` set). */
  email?: 'problem';
}

/**
 * Users of a centre, ordered by name. With `q`, a search of the centre's word index
 * (findCentreUsers). Otherwise the most selective index is queried (email problems, a
 * sparse index of the few users with `emailStatus`; else status; else role; else all users
 * of the centre); the other filters are filter expressions.
 */
export function listCentreUsers(
  db: Db,
  centreId: string,
  filters: UserFilters,
  limit: number,
  cursor: string | undefined,
): Promise<Page<User>> {
  if (filters.q !== undefined)
    return findCentreUsers(db, centreId, filters.q, filters, limit, cursor);
  const [index, partition] = filters.email
    ? (['GSI5', centreUsersWithEmailProblem(centreId)] as const)
    : filters.status
      ? (['GSI2', centreUsersWithStatus(centreId, filters.status)] as const)
      : filters.role
        ? (['GSI3', centreUsersWithRole(centreId, filters.role)] as const)
        : (['GSI1', centreUsers(centreId)] as const);
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Item = { ':partition': partition };
  if (filters.status && index !== 'GSI2') {
    conditions.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = filters.status;
  }
  if (filters.role && index !== 'GSI3') {
    conditions.push('isAdmin = :isAdmin');
    values[':isAdmin'] = filters.role === 'admin';
  }
  if (filters.site) {
    conditions.push('contains(sites, :site)');
    values[':site'] = filters.site;
  }
  return queryPage(
    db,
    {
      IndexName: index,
      KeyConditionExpression: `${index}PK = :partition`,
      ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: toAttributes(values),
    },
    {
      limit,
      cursor,
      partition: { [`${index}PK`]: partition },
      index: { partitionKey: `${index}PK`, sortKey: `${index}SK` },
      filtered: conditions.length > 0,
      map: fromUserItem,
    },
  );
}

/**
 * People of every centre whose name starts with `namePrefix` (case-insensitively; at least
 * two characters, which name the one GSI4 partition to read), ordered by name. Reads only
 * the matching people: the prefix is a key condition, not a filter.
 */
export function findPeopleByName(
  db: Db,
  namePrefix: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<User>> {
  const prefix = namePrefix.toLowerCase();
  const partition = peoplePartition(prefix);
  return queryPage(
    db,
    {
      IndexName: 'GSI4',
      KeyConditionExpression: 'GSI4PK = :partition AND begins_with(GSI4SK, :prefix)',
      ExpressionAttributeValues: toAttributes({ ':partition': partition, ':prefix': prefix }),
    },
    {
      limit,
      cursor,
      partition: { GSI4PK: partition },
      sortKeyPrefix: { GSI4SK: prefix },
      map: fromUserItem,
    },
  );
}

/**
 * Every support user, by name: Query GSI1 `SUPPORT_STAFF`, page after page (a handful of
 * items; never a Scan). Users written before the partition existed are missing until they
 * are written again (the operator command's `add` does that for an existing support user).
 */
export async function listSupportUsers(db: Db): Promise<User[]> {
  const users: User[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :partition',
        ExpressionAttributeValues: toAttributes({ ':partition': supportStaffPartition }),
        ExclusiveStartKey: startKey,
      }),
    );
    users.push(...(page.Items ?? []).map((item) => fromUserItem(fromAttributes(item))));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return users;
}

/**
 * A support user's first sign-in (they have no centre, so no audit log to write to): from
 * `invited` to `active`. Nothing when they are not invited any more.
 */
export async function activateSupportUser(db: Db, userId: string, now: string): Promise<void> {
  try {
    await db.client.send(
      new UpdateItemCommand({
        TableName: db.tableName,
        Key: toAttributes(userKey(userId)),
        UpdateExpression:
          'SET #status = :active, activatedAt = :now, updatedAt = :now ADD version :one',
        ConditionExpression: '#status = :invited AND isSupport = :yes',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: toAttributes({
          ':active': 'active',
          ':invited': 'invited',
          ':yes': true,
          ':now': now,
          ':one': 1,
        }),
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/**
 * Transaction item: every token issued up to `epochSeconds` is refused from now on (after a
 * password reset, sign-out or password change). Not version-locked: it only ever moves
 * forward, whatever else changed.
 */
export const refuseTokensUntilItem = (
  db: Db,
  userId: string,
  epochSeconds: number,
): TransactWriteItem => ({
  Update: {
    TableName: db.tableName,
    Key: toAttributes(userKey(userId)),
    UpdateExpression: 'SET tokensValidAfter = :t REMOVE keptSession, keptAuthTime ADD version :one',
    ConditionExpression: 'attribute_exists(PK)',
    ExpressionAttributeValues: toAttributes({ ':t': epochSeconds, ':one': 1 }),
  },
});

/**
 * One page of the users of a centre found by `q`, ordered by name. One Query of the index
 * (reading `limit` items, or at most `readBudget` when a filter may drop some), then the
 * users it leads to, strongly consistent: the page's (one BatchGetItem) or, with a filter
 * on the users (status, role, site, email), every one read (at most `readBudget`: two). A
 * page may hold fewer than `limit` users while `nextCursor` is not null: the budget ran out
 * before the page filled.
 */
export async function findCentreUsers(
  db: Db,
  centreId: string,
  q: string,
  filters: SearchFilters,
  limit: number,
  cursor: string | undefined,
): Promise<Page<User>> {
  const words = queryWordsOf(q);
  const [first, ...others] = words;
  if (first === undefined) return { items: [], nextCursor: null };
  const partition = searchPartition(centreId, start(first, prefixLength));

  const conditions: string[] = [];
  const values: Item = { ':partition': partition };
  const needed = Array.from(first).length > prefixLength ? words : others;
  needed.forEach((word, at) => {
    conditions.push(`contains(words, :w${at})`);
    values[`:w${at}`] = ` ${word}`;
  });
  // Read on the user records, after the Query: these too may drop what it found.
  const onUsers =
    filters.status !== undefined ||
    filters.role !== undefined ||
    filters.site !== undefined ||
    filters.email !== undefined;

  const found = await db.client.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :partition',
      ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
      ExpressionAttributeValues: toAttributes(values),
      ProjectionExpression: 'PK, SK, GSI1PK, GSI1SK, userId',
      ExclusiveStartKey: decodeCursor(cursor, { GSI1PK: partition }),
      Limit: conditions.length > 0 || onUsers ? Math.max(limit, readBudget) : limit,
    }),
  );
  const hits = (found.Items ?? []).map(fromAttributes);
  // Without a filter on the users, the page is the first `limit` hits: only theirs are read.
  const examined = onUsers ? hits : hits.slice(0, limit);
  const users = await usersByIds(
    db,
    examined.map((hit) => String(hit.userId)),
  );
  // The index follows the user in the same transaction; the user record has the last word.
  const items: User[] = [];
  let last = examined.length - 1;
  for (const [at, hit] of examined.entries()) {
    const user = users.get(String(hit.userId));
    if (user !== undefined && user.centreId === centreId && matches(user, words, filters))
      items.push(user);
    if (items.length === limit) {
      last = at;
      break;
    }
  }
  // Stopped before the end of what was read (the page filled, or only the page's hits were
  // examined): resume after the last hit looked at; else where the Query stopped.
  const resumeAfter = last < hits.length - 1 ? hits[last] : undefined;
  const lastKey: Record<string, AttributeValue> | undefined = resumeAfter
    ? toAttributes({
        PK: resumeAfter.PK,
        SK: resumeAfter.SK,
        GSI1PK: resumeAfter.GSI1PK,
        GSI1SK: resumeAfter.GSI1SK,
      })
    : found.LastEvaluatedKey;
  return { items, nextCursor: encodeCursor(lastKey) };
}

/**
 * Users by id, strongly consistent: one BatchGetItem per 100 (at once), each retried once
 * for leftovers.
 */
async function usersByIds(db: Db, userIds: string[]): Promise<Map<string, User>> {
  const users = new Map<string, User>();
  const chunks: string[][] = [];
  for (let at = 0; at < userIds.length; at += 100) chunks.push(userIds.slice(at, at + 100));
  await Promise.all(
    chunks.map(async (chunk) => {
      let keys = chunk.map((userId) => toAttributes(userKey(userId)));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt === 2)
          throw new ProblemError('SERVICE_UNAVAILABLE', 'The search is busy; try again shortly');
        const answer = await db.client.send(
          new BatchGetItemCommand({
            RequestItems: { [db.tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of answer.Responses?.[db.tableName] ?? []) {
          const user = fromUserItem(fromAttributes(item));
          users.set(user.userId, user);
        }
        keys = answer.UnprocessedKeys?.[db.tableName]?.Keys ?? [];
      }
    }),
  );
  return users;
}
