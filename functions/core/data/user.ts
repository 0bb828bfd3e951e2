import type { Site, UserStatus } from '../domain.js';
import { type Db, getItem, type Item, putIfAbsent, toAttributes } from './db.js';

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
  /** Tokens whose auth_time is at or before this epoch second are refused. */
  tokensValidAfter: number;
  createdAt: string;
  updatedAt: string;
}

export const userKey = (userId: string) => ({ PK: `USER#${userId}`, SK: 'USER' });
export const emailKey = (email: string) => ({ PK: `EMAIL#${email}`, SK: 'EMAIL' });
export const centreUsersPartition = (centreId: string) => `CENTRE#${centreId}#USERS`;
// Names sort case-insensitively; the user id breaks ties between equal names.
const nameSortKey = (user: Pick<User, 'name' | 'userId'>) =>
  `${user.name.toLowerCase()}#${user.userId}`;

export const toUserItem = (user: User): Item => ({
  ...userKey(user.userId),
  ...(user.centreId
    ? { GSI1PK: centreUsersPartition(user.centreId), GSI1SK: nameSortKey(user) }
    : {}),
  type: 'user',
  ...user,
});

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
export type PublicUser = ReturnType<typeof publicUser>;

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

/** Transaction items: the user and the marker that keeps their email unique. */
export const createUserItems = (db: Db, user: User) => [
  putIfAbsent(db, toUserItem(user)),
  putIfAbsent(db, { ...emailKey(user.email), type: 'email', userId: user.userId }),
];

/**
 * Transaction item: an invited user becomes active at their first sign-in. Conditional, so
 * a suspension that lands first is never overwritten.
 */
export const activateUserItem = (db: Db, userId: string, at: string) => ({
  Update: {
    TableName: db.tableName,
    Key: toAttributes(userKey(userId)),
    UpdateExpression: 'SET #status = :active, updatedAt = :at',
    ConditionExpression: '#status = :invited',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: toAttributes({
      ':active': 'active',
      ':invited': 'invited',
      ':at': at,
    }),
  },
});
