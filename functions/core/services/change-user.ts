/**
 * Every change a coordinator makes to a user goes through here: read the user, apply a
 * pure change, and write the user, the centre's count of active coordinators and the
 * audit entry in one transaction, conditional on nothing having changed in between.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { auditItem } from '../data/audit.js';
import { adjustActiveAdminsItem } from '../data/centre.js';
import { type Db, transactWrite } from '../data/db.js';
import { getUser, replaceUserItem, type User } from '../data/user.js';
import { searchIndexItems } from '../data/user-search.js';
import { notFound, ProblemError } from '../errors.js';
import type { Clock } from '../ports.js';
import { activeAdminDelta, changedFields } from '../rules.js';

export interface ChangeDeps {
  db: Db;
  clock: Clock;
}

export interface Change {
  next: User;
  /** More items for the same transaction, and the error when one of their conditions fails. */
  alsoWrite?: { items: TransactWriteItem[]; conflict: ProblemError };
  /** Audit details beyond the changed fields. */
  details?: Record<string, unknown>;
}

/** A user of this centre, or 404 (a user of another centre does not exist here). */
export async function userOfCentre(db: Db, centreId: string | null, userId: string): Promise<User> {
  const user = await getUser(db, userId);
  if (!user || user.centreId !== centreId) throw notFound('No such user');
  return user;
}

const attempts = 3;

export async function changeUser(
  deps: ChangeDeps,
  input: {
    /** The user's centre; null for support staff changing their own profile. */
    centreId: string | null;
    userId: string;
    actorId: string;
    action: string;
    change: (user: User, now: string) => Change;
    /** The user as the caller just read them (strongly consistent): spares the first read. */
    current?: User;
  },
): Promise<{ before: User; after: User; changed: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const before =
      attempt === 1 && input.current
        ? input.current
        : await userOfCentre(deps.db, input.centreId, input.userId);
    const now = deps.clock().toISOString();
    const { next, alsoWrite, details } = input.change(before, now);
    const fields = changedFields(before, next);
    if (!alsoWrite && sameUser(before, next)) return { before, after: before, changed: false };

    const after: User = { ...next, updatedAt: now, version: before.version + 1 };
    const delta = activeAdminDelta(before, after);
    const { centreId } = input;
    const counter = delta && centreId ? [adjustActiveAdminsItem(deps.db, centreId, delta)] : [];
    const extra = alsoWrite?.items ?? [];
    const result = await transactWrite(deps.db, [
      replaceUserItem(deps.db, before, after),
      ...counter,
      ...extra,
      // Support staff belong to no centre, so their own changes have no centre log.
      ...(centreId
        ? [
            auditItem(deps.db, centreId, {
              at: now,
              actorId: input.actorId,
              action: input.action,
              targetId: input.userId,
              details: { ...fields, ...details },
            }),
          ]
        : []),
      // Last: unconditional, they move the user's search index items with the user.
      ...searchIndexItems(deps.db, before, after),
    ]);
    if (result.ok) return { before, after, changed: true };
    if (result.failedIndex === 0) {
      // Someone changed the user since we read them: read again and re-apply the rules.
      if (attempt < attempts) continue;
      throw new ProblemError('CONFLICT', 'The user was changed at the same time; try again');
    }
    if (result.failedIndex <= counter.length)
      throw new ProblemError('LAST_ADMIN', 'The centre must keep at least one active coordinator');
    throw alsoWrite?.conflict ?? new ProblemError('INTERNAL');
  }
}

/** Whether two versions of a user would be stored alike (version and time aside). */
function sameUser(a: User, b: User) {
  const comparable = ({ version: _v, updatedAt: _u, ...rest }: User) =>
    JSON.stringify(
      Object.entries(rest)
        .filter(([, value]) => value !== undefined)
        .sort(),
    );
  return comparable(a) === comparable(b);
}
