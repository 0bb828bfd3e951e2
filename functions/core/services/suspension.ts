/**
 * Suspending a user blocks their access at once (their record says so and every token
 * issued until now is refused), then disables their login; the notice to them is written to
 * the outbox in the same transaction as the change. Restoring undoes it. Used by the coordinator's Suspend and Restore buttons, and suspension by the
 * offboarding workflow's first step.
 */
import { centreNameOf } from '../data/centre.js';
import type { Db } from '../data/db.js';
import { outboxItem } from '../data/outbox.js';
import type { User } from '../data/user.js';
import { ProblemError } from '../errors.js';
import { logger } from '../logger.js';
import { countEvent } from '../metrics.js';
import type { Clock, Identity } from '../ports.js';
import { assertNotSelf, statusAfterRestore } from '../rules.js';
import { changeUser } from './change-user.js';

export interface SuspensionDeps {
  db: Db;
  identity: Identity;
  clock: Clock;
}

/** Transaction items: a notice to the user, written with the change it tells of. */
const notice = (
  db: Db,
  template: 'suspended' | 'restored',
  user: User,
  centreName: string,
  now: string,
) => ({
  items: [
    outboxItem(db, {
      userId: user.userId,
      now,
      email: { template, to: user.email, name: user.name, centreName },
    }),
  ],
  conflict: new ProblemError('INTERNAL'),
});

export async function suspend(
  deps: SuspensionDeps,
  target: { centreId: string; userId: string; actorId: string },
): Promise<User> {
  const centreName = await centreNameOf(deps.db, target.centreId);
  const outcome = await changeUser(deps, {
    ...target,
    action: 'user.suspended',
    change: (user, now) => {
      assertNotSelf({ userId: target.actorId }, user, 'suspend');
      if (user.status === 'suspended') return { next: user };
      return {
        next: {
          ...user,
          status: 'suspended',
          tokensValidAfter: Math.floor(Date.parse(now) / 1000),
          keptSession: undefined,
        },
        alsoWrite: notice(deps.db, 'suspended', user, centreName, now),
      };
    },
  });
  // The login follows the record on every call, so repeating a suspension repairs a
  // login that an earlier call failed to disable. The table already blocks every request,
  // so a failure here weakens nothing and is left for operators.
  await deps.identity
    .disableUser(target.userId)
    .catch((error: unknown) => logger.error('could not disable a suspended login', { error }));
  if (outcome.changed) countEvent('UsersSuspended');
  return outcome.after;
}

/** Restores a suspended user: active again, or invited if they never signed in. */
export async function restore(
  deps: SuspensionDeps,
  target: { centreId: string; userId: string; actorId: string },
): Promise<User> {
  const centreName = await centreNameOf(deps.db, target.centreId);
  const outcome = await changeUser(deps, {
    ...target,
    action: 'user.restored',
    change: (user, now) =>
      user.status === 'suspended'
        ? {
            next: { ...user, status: statusAfterRestore(user) },
            alsoWrite: notice(deps.db, 'restored', user, centreName, now),
          }
        : { next: user },
  });
  // As with suspension, on every call: a restore repeated after a failed enable repairs it.
  if (outcome.after.status !== 'suspended') await deps.identity.enableUser(target.userId);
  if (outcome.changed) countEvent('UsersRestored');
  return outcome.after;
}
