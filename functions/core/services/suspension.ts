/**
 * Suspending a user blocks their access at once (their record says so and every token
 * issued until now is refused), then disables their login and sends them a notice; restoring
 * undoes it. Used by the coordinator's Suspend and Restore buttons, and suspension by the
 * offboarding workflow's first step.
 */
import { centreNameOf } from '../data/centre.js';
import type { Db } from '../data/db.js';
import type { User } from '../data/user.js';
import { restoredNotice, suspendedNotice } from '../emails.js';
import { logger } from '../logger.js';
import { countEvent } from '../metrics.js';
import type { Clock, Identity, Mailer } from '../ports.js';
import { assertNotSelf, statusAfterRestore } from '../rules.js';
import { changeUser } from './change-user.js';
import { sendNotice } from './notify.js';

export interface SuspensionDeps {
  db: Db;
  identity: Identity;
  mailer: Mailer;
  /** The web console's base URL, which every email links to. */
  consoleUrl: string;
  clock: Clock;
}

export async function suspend(
  deps: SuspensionDeps,
  target: { centreId: string; userId: string; actorId: string },
): Promise<User> {
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
      };
    },
  });
  // The login follows the record on every call, so repeating a suspension repairs a
  // login that an earlier call failed to disable. The table already blocks every request,
  // so a failure here weakens nothing and is left for operators.
  await deps.identity
    .disableUser(target.userId)
    .catch((error: unknown) => logger.error('could not disable a suspended login', { error }));
  if (outcome.changed) {
    countEvent('UsersSuspended');
    const { after } = outcome;
    await sendNotice(
      deps.mailer,
      suspendedNotice(
        deps.consoleUrl,
        after.email,
        after.name,
        await centreNameOf(deps.db, target.centreId),
      ),
      'suspended',
    );
  }
  return outcome.after;
}

/** Restores a suspended user: active again, or invited if they never signed in. */
export async function restore(
  deps: SuspensionDeps,
  target: { centreId: string; userId: string; actorId: string },
): Promise<User> {
  const outcome = await changeUser(deps, {
    ...target,
    action: 'user.restored',
    change: (user) => ({
      next: user.status === 'suspended' ? { ...user, status: statusAfterRestore(user) } : user,
    }),
  });
  // As with suspension, on every call: a restore repeated after a failed enable repairs it.
  if (outcome.after.status !== 'suspended') await deps.identity.enableUser(target.userId);
  if (outcome.changed) {
    countEvent('UsersRestored');
    const { after } = outcome;
    await sendNotice(
      deps.mailer,
      restoredNotice(
        deps.consoleUrl,
        after.email,
        after.name,
        await centreNameOf(deps.db, target.centreId),
      ),
      'restored',
    );
  }
  return outcome.after;
}
