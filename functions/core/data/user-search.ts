/**
 * The centre's people search (`q` on the Users and Teachers lists): a word-prefix index.
 *
 * Each user of a centre has one small index item per distinct start (1 to `prefixLength`
 * characters) of each word of their name and email address. The item lives in the user's
 * own partition (`USER#<id>` / `SEARCH#<start>`, so a user's index items can be listed and
 * deleted) and, through GSI1, in the partition `CENTRE#<id>#SEARCH#<start>` ordered by name
 * like the centre's other lists. A search is one Query of that partition (plus one
 * BatchGetItem of the users found), whatever the size of the centre:
 *
 * - every word of `q` must be the start of some word of the name or email (so `ada lov`
 *   finds Ada Lovelace, and a whole email address finds its owner);
 * - the partition read is that of the longest word of `q` (at most `prefixLength`
 *   characters of it); the other words and the rest of a longer word are a filter on what is
 *   read, at most `readBudget` items a request;
 * - the status, role, site and email filters are read on the user records the index items
 *   lead to (at most `readBudget` of them, in up to two BatchGetItem), so a search is at
 *   most 3 requests.
 *
 * An index item holds only what changes with the name or email address (the name for the
 * order, the words), so it is written in the same transaction as a change of the name or
 * email, and with a new user, and deleted with the user; a status, role or sites change
 * (accepting an invitation, a suspension, a site taken from 10,000 users) writes none.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Site, UserStatus } from '../domain.js';
import { type Db, deleteItem, type Item, put } from './db.js';
// Types only: user.ts builds on this module, not the other way round.
import type { Role, User } from './user.js';

/**
 * The rules' edition, kept on each user item (`searchIndexed`): the backfill rebuilds the
 * index items of a user marked with another (scripts/backfill-search-keys.ts). Raise it
 * when `wordsOf`, `prefixLength`, `maxPrefixes` or what an item holds change.
 */
export const searchIndexRules = 2;
/** Index items hold starts of words up to this many characters (code points). */
export const prefixLength = 6;
/** At most this many index items per user: a name and email change fit one transaction. */
export const maxPrefixes = 40;
/**
 * Index items a search reads at most in one request when a filter may drop some of them; with
 * a filter on the users, as many users again (two BatchGetItem of 100).
 */
export const readBudget = 200;

/**
 * The words of a text as the search compares them: accents removed (NFKD without combining
 * marks), lower-cased, apostrophes dropped (O'Brien is `obrien`), split at anything that is
 * not a letter or a digit (spaces, `.`, `-`, `_`, `+`, `@`).
 */
export function wordsOf(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’ʼ]/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

export const start = (word: string, length: number) => Array.from(word).slice(0, length).join('');

/** A user's words: those of the name, then of the email address, each once. */
export const userWordsOf = (user: Pick<User, 'name' | 'email'>) => [
  ...new Set([...wordsOf(user.name), ...wordsOf(user.email)]),
];

/** The starts of words a user is found by (the keys of their index items), in word order. */
export function searchPrefixesOf(user: Pick<User, 'name' | 'email'>): string[] {
  const prefixes = new Set<string>();
  for (const word of userWordsOf(user)) {
    const length = Math.min(Array.from(word).length, prefixLength);
    for (let n = 1; n <= length && prefixes.size < maxPrefixes; n++) prefixes.add(start(word, n));
  }
  return [...prefixes];
}

export const searchPartition = (centreId: string, prefix: string) =>
  `CENTRE#${centreId}#SEARCH#${prefix}`;
const searchItemKey = (userId: string, prefix: string) => ({
  PK: `USER#${userId}`,
  SK: `SEARCH#${prefix}`,
});
// As the centre's other lists: lower-cased name, then the user id between equal names.
const nameSortKey = (user: Pick<User, 'name' | 'userId'>) =>
  `${user.name.toLowerCase()}#${user.userId}`;

/**
 * What an index item carries besides its keys: only what moves with the name or email (the
 * filters on status, role and sites read the user records), so only those changes write it.
 */
const indexedFieldsOf = (user: User) => ({
  userId: user.userId,
  name: user.name,
  // Each word after a space: `contains(words, ' lov')` is "some word starts with lov".
  words: ` ${userWordsOf(user).join(' ')}`,
});

const indexed = (user: User | undefined) =>
  user?.centreId ? new Set(searchPrefixesOf(user)) : new Set<string>();

/**
 * Transaction items that move a user's index items from `before` to `after` (either may be
 * absent: a new or a deleted user). Nothing when nothing the index holds changed; at most
 * 2 × `maxPrefixes` items.
 */
export function searchIndexItems(
  db: Db,
  before: User | undefined,
  after: User | undefined,
): TransactWriteItem[] {
  const old = indexed(before);
  const next = indexed(after);
  const changed =
    !before ||
    !after ||
    before.centreId !== after.centreId ||
    JSON.stringify(indexedFieldsOf(before)) !== JSON.stringify(indexedFieldsOf(after));
  const items: TransactWriteItem[] = [];
  for (const prefix of old)
    if (!next.has(prefix) && before)
      items.push(deleteItem(db, searchItemKey(before.userId, prefix)));
  if (after?.centreId && changed)
    for (const prefix of next) items.push(put(db, searchIndexItem(after, prefix)));
  return items;
}

/** One index item (also what scripts/backfill-search-keys.ts writes). */
export const searchIndexItem = (user: User, prefix: string): Item => ({
  ...searchItemKey(user.userId, prefix),
  GSI1PK: searchPartition(user.centreId as string, prefix),
  GSI1SK: nameSortKey(user),
  type: 'search',
  ...indexedFieldsOf(user),
});

/** The words of `q`, longest first, without one that starts another (`ann anna` is `anna`). */
export function queryWordsOf(q: string): string[] {
  const words = [...new Set(wordsOf(q))].sort(
    (a, b) => Array.from(b).length - Array.from(a).length,
  );
  return words.filter((word, at) => !words.slice(0, at).some((longer) => longer.startsWith(word)));
}

/** Whether a user is what a search for these words, with these filters, asks for. */
export function matches(user: User, words: string[], filters: SearchFilters): boolean {
  const own = userWordsOf(user);
  return (
    words.every((word) => own.some((mine) => mine.startsWith(word))) &&
    (!filters.status || user.status === filters.status) &&
    (!filters.role || (filters.role === 'admin') === user.isAdmin) &&
    (!filters.site || user.sites.includes(filters.site)) &&
    (!filters.email || user.emailStatus !== undefined)
  );
}

export interface SearchFilters {
  status?: UserStatus;
  role?: Role;
  site?: Site;
  email?: 'problem';
}
