/**
 * What a coordinator does to one user from their page: edit, suspend, restore, reset the
 * password, resend the invitation. Each change of state is one conditional transaction
 * (changeUser) that also writes any notice to the outbox; Cognito follows.
 */
import { writeAudit } from '../core/data/audit.js';
import { getCentre } from '../core/data/centre.js';
import { outboxItem } from '../core/data/outbox.js';
import { progressionDataOf } from '../core/data/progression.js';
import { limits } from '../core/data/rate-limit.js';
import { getUserIdByEmail, moveEmailItems, publicUser, type User } from '../core/data/user.js';
import type { Site } from '../core/domain.js';
import { notFound, ProblemError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { assertNotSelf, assertSitesEligible } from '../core/rules.js';
import { changeUser, userOfCentre } from '../core/services/change-user.js';
import { sendFreshInvitation } from '../core/services/invite-user.js';
import { restore, suspend } from '../core/services/suspension.js';
import type { CentresDeps } from './deps.js';

interface Target {
  centreId: string;
  userId: string;
  actor: User;
}

export async function editUser(
  deps: CentresDeps,
  { centreId, userId, actor }: Target,
  edit: { email?: string; isAdmin?: boolean; sites?: Site[] },
) {
  let eligible: readonly Site[] | undefined;
  if (edit.sites) {
    const centre = await getCentre(deps.db, centreId);
    if (!centre) throw notFound('No such centre');
    eligible = centre.eligibleSites;
  }
  const current = await userOfCentre(deps.db, centreId, userId);
  const newEmail =
    edit.email !== undefined && edit.email !== current.email ? edit.email : undefined;
  if (newEmail && (await getUserIdByEmail(deps.db, newEmail)))
    throw new ProblemError('EMAIL_TAKEN');

  // The login changes first; if the records cannot follow, the login is put back.
  if (newEmail) await deps.identity.changeEmail(userId, newEmail);
  let outcome: Awaited<ReturnType<typeof changeUser>>;
  try {
    outcome = await changeUser(deps, {
      centreId,
      userId,
      current,
      actorId: actor.userId,
      action: 'user.edited',
      change: (user, now) => {
        if (edit.isAdmin === false && user.isAdmin)
          assertNotSelf(actor, user, 'revoke the admin rights of');
        if (edit.sites && eligible) assertSitesEligible(edit.sites, eligible);
        return {
          next: {
            ...user,
            // A new address starts with no record of emails not arriving.
            ...(newEmail ? { email: newEmail, emailStatus: undefined } : {}),
            ...(edit.isAdmin !== undefined ? { isAdmin: edit.isAdmin } : {}),
            ...(edit.sites ? { sites: edit.sites } : {}),
          },
          ...(newEmail
            ? {
                alsoWrite: {
                  items: [
                    ...moveEmailItems(deps.db, user, newEmail),
                    // The notice goes to the address that no longer signs in.
                    outboxItem(deps.db, {
                      userId,
                      now,
                      email: {
                        template: 'emailChanged',
                        to: user.email,
                        name: user.name,
                        newEmail,
                      },
                    }),
                  ],
                  conflict: new ProblemError('EMAIL_TAKEN'),
                },
              }
            : {}),
        };
      },
    });
  } catch (error) {
    if (newEmail)
      await deps.identity.changeEmail(userId, current.email).catch((undo: unknown) =>
        logger.error('could not put a login email back after a failed edit', {
          userId,
          error: undo,
        }),
      );
    throw error;
  }
  return publicUser(outcome.after);
}

export async function suspendUser(deps: CentresDeps, { centreId, userId, actor }: Target) {
  const user = await suspend(deps, { centreId, userId, actorId: actor.userId });
  return { user: publicUser(user), progressionData: await progressionDataOf(deps.db, userId) };
}

export async function restoreUser(deps: CentresDeps, { centreId, userId, actor }: Target) {
  return publicUser(await restore(deps, { centreId, userId, actorId: actor.userId }));
}

/**
 * Resets and invitations a coordinator sends land in the user's inbox: a few an hour per
 * user (limits.accountEmails), so nobody can flood an inbox through the hub.
 */
const takeAccountEmail = (deps: CentresDeps, user: User) =>
  deps.limiter.take(
    limits.accountEmails,
    user.userId,
    'This user has been sent too many emails lately; try again later',
  );

export async function resendInvitation(deps: CentresDeps, { centreId, userId, actor }: Target) {
  const user = await userOfCentre(deps.db, centreId, userId);
  await inviteAgain(deps, user, actor.userId);
}

async function inviteAgain(deps: CentresDeps, user: User, actorId: string) {
  // NOT_INVITED is answered before an email is counted.
  if (user.status === 'invited') await takeAccountEmail(deps, user);
  await sendFreshInvitation(deps, user, actorId);
}

export async function resetUserPassword(deps: CentresDeps, target: Target) {
  const user = await userOfCentre(deps.db, target.centreId, target.userId);
  // Someone who never signed in has no password to reset: a fresh invitation is their way in.
  if (user.status === 'invited') return inviteAgain(deps, user, target.actor.userId);
  await takeAccountEmail(deps, user);
  const outcome = await deps.identity.startPasswordReset(user.email);
  if (outcome === 'not-possible')
    logger.warn('Cognito could not start a password reset', { userId: user.userId });
  await writeAudit(deps.db, target.centreId, {
    at: deps.clock().toISOString(),
    actorId: target.actor.userId,
    action: 'user.password_reset_requested',
    targetId: user.userId,
    details: {},
  });
}
