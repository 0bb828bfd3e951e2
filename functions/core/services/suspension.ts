/**
 * Suspending a user blocks their access at once (their record says so and every token
 * issued until now is refused), then disables their login and sends them a notice. Used by
 * the coordinator's Suspend button and by the offboarding workflow's first step.
 */
import { getCentre } from '../data/centre.js';
import type { Db } from '../data/db.js';
import type { User } from '../data/user.js';
import { suspendedNotice } from '../emails.js';
import { logger } from '../logger.js';
import { countEvent } from '../metrics.js';
import type { Clock, Identity, Mailer } from '../ports.js';
import { assertNotSelf } from '../rules.js';
import { changeUser } from './change-user.js';
import { sendNotice } from './notify.js';

export interface SuspensionDeps {
  db: Db;
  identity: Identity;
  mailer: Mailer;
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
          keptAuthTime: undefined,
        },
      };
    },
  });
  if (outcome.changed) {
    countEvent('UsersSuspended');
    // Cognito refuses sign-in too; the table already blocks every request, so a failure
    // here weakens nothing and is left for operators.
    await deps.identity
      .disableUser(target.userId)
      .catch((error: unknown) => logger.error('could not disable a suspended login', { error }));
    const centre = await getCentre(deps.db, target.centreId);
    const { after } = outcome;
    await sendNotice(
      deps.mailer,
      suspendedNotice(after.email, after.name, centre?.name ?? target.centreId),
      'suspended',
    );
  }
  return outcome.after;
}
