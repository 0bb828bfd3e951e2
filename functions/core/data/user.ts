import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Site, UserStatus } from '../domain.js';
import {
  type Db,
  getItem,
  type Item,
  type Page,
  put,
  putIfAbsent,
  queryPage,
  toAttributes,
} from './db.js';

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
  /** Bumped by every change; each write is conditional on the version it read. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type Role = 'admin' | 'teacher';
export const roleOf = (user: Pick<User, 'isAdmin'>): Role => (user.isAdmin ? 'admin' : 'teacher');

export const userKey = (userId: string) => ({ PK: `USER#${userId}`, SK: 'USER' });
export const emailKey = (email: string) => ({ PK: `EMAIL#${email}`, SK: 'EMAIL' });
const centreUsers = (centreId: string) => `CENTRE#${centreId}#USERS`;
const centreUsersWithStatus = (centreId: string, status: UserStatus) =>
  `CENTRE#${centreId}#STATUS#${status}`;
const centreUsersWithRole = (centreId: string, role: Role) => `CENTRE#${centreId}#ROLE#${role}`;
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
/** What `q` searches: any part of the name or the email, case-insensitively. */
export const searchTextOf = (user: Pick<User, 'name' | 'email'>) =>
  `${user.name.toLowerCase()}\n${user.email.toLowerCase()}`;

export const toUserItem = (user: User): Item => {
  const sortKey = user.centreId ? nameSortKey(user) : undefined;
  return {
    ...userKey(user.userId),
    ...(user.centreId
      ? {
          GSI1PK: centreUsers(user.centreId),
          GSI1SK: sortKey,
          GSI2PK: centreUsersWithStatus(user.centreId, user.status),
          GSI2SK: sortKey,
          GSI3PK: centreUsersWithRole(user.centreId, roleOf(user)),
          GSI3SK: sortKey,
          ...peopleIndexKeys(user),
          searchText: searchTextOf(user),
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
  createdAt: user.createdAt,
  updatedAt: user.updatedAt,
});

/** User by id (the Cognito sub). Strongly consistent: a suspension counts at once. */
export async function getUser(db: Db, userId: string): Promise<User | undefined> {
  const item = await getItem(db, userKey(userId));
  return item ? fromUserItem(item) : undefined;
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

/** Transaction items: the user and the marker that keeps their email unique. */
export const createUserItems = (db: Db, user: User) => [
  putIfAbsent(db, toUserItem(user)),
  putIfAbsent(db, emailMarker(user)),
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
}

/**
 * Users of a centre, ordered by name. The most selective index is queried (status, else
 * role, else all users of the centre); the other filters, and `q`, are filter expressions.
 */
export function listCentreUsers(
  db: Db,
  centreId: string,
  filters: UserFilters,
  limit: number,
  cursor: string | undefined,
): Promise<Page<User>> {
  const [index, partition] = filters.status
    ? (['GSI2', centreUsersWithStatus(centreId, filters.status)] as const)
    : filters.role
      ? (['GSI3', centreUsersWithRole(centreId, filters.role)] as const)
      : (['GSI1', centreUsers(centreId)] as const);
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Item = { ':partition': partition };
  if (filters.status && filters.role) {
    conditions.push('isAdmin = :isAdmin');
    values[':isAdmin'] = filters.role === 'admin';
  }
  if (filters.site) {
    conditions.push('contains(sites, :site)');
    values[':site'] = filters.site;
  }
  if (filters.q) {
    conditions.push('contains(searchText, :q)');
    values[':q'] = filters.q.toLowerCase();
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
