/**
 * Adding a person to a centre touches Cognito (the login) and DynamoDB (who they are, their
 * email's uniqueness marker, the audit entry and the invitation in the outbox, in one
 * transaction). The transaction undoes the login when it fails, so a failure leaves no login
 * without a record and no record without its invitation. The outbox's sender
 * (services/outbox-sender.ts) sets the temporary password and sends the invitation, at the
 * account's sending rate, with retries; one that finally fails shows on the user.
 */

import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { auditItem } from '../data/audit.js';
import { centreNameOf } from '../data/centre.js';
import { type Db, transactWrite } from '../data/db.js';
import { outboxItem } from '../data/outbox.js';
import { createUserItems, getUserIdByEmail, type User } from '../data/user.js';
import type { Site } from '../domain.js';
import { ProblemError } from '../errors.js';
import { logger } from '../logger.js';
import { countEvent } from '../metrics.js';
import { temporaryPassword } from '../passwords.js';
import type { Clock, Identity } from '../ports.js';

export interface InviteDeps {
  db: Db;
  identity: Identity;
  clock: Clock;
}

export interface Invitation {
  centre: { centreId: string; name: string };
  name: string;
  email: string;
  isAdmin: boolean;
  sites: Site[];
  actorId: string;
  /**
   * Written in the same transaction, before the user (e.g. the new centre itself): `undo`
   * removes them again, `conflict` is the error when one of their conditions fails.
   */
  alsoWrite?: { items: TransactWriteItem[]; undo: TransactWriteItem[]; conflict: ProblemError };
}

export async function inviteUser(
  deps: InviteDeps,
  invitation: Invitation,
  options: {
    /**
     * The caller has just read this email's marker (adding many users reads all their
     * markers in one batch): the read below is skipped. Cognito's own uniqueness and the
     * transaction's condition still refuse a taken email.
     */
    emailCheckedFree?: boolean;
  } = {},
): Promise<User> {
  const { db, identity, clock } = deps;
  const { email, centre } = invitation;

  // A cheap read first: most taken emails are refused before Cognito is asked.
  if (!options.emailCheckedFree && (await getUserIdByEmail(db, email)))
    throw new ProblemError('EMAIL_TAKEN');

  // A password nobody is told: the sender sets the one the invitation carries.
  const { userId } = await createLogin(deps, email, temporaryPassword());

  const now = clock().toISOString();
  const user: User = {
    userId,
    centreId: centre.centreId,
    name: invitation.name,
    email,
    isAdmin: invitation.isAdmin,
    isSupport: false,
    sites: invitation.sites,
    status: 'invited',
    tokensValidAfter: 0,
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
  const extra = invitation.alsoWrite?.items ?? [];
  const items = [
    ...extra,
    ...createUserItems(db, user),
    auditItem(db, centre.centreId, {
      at: now,
      actorId: invitation.actorId,
      action: 'user.invited',
      targetId: userId,
      details: { after: { name: user.name, email, isAdmin: user.isAdmin, sites: user.sites } },
    }),
    outboxItem(db, {
      userId,
      now,
      email: { template: 'invitation', to: email, name: user.name, centreName: centre.name },
    }),
  ];

  let written: Awaited<ReturnType<typeof transactWrite>>;
  try {
    written = await transactWrite(db, items);
  } catch (error) {
    await undoLogin(identity, userId);
    throw error;
  }
  if (!written.ok) {
    await undoLogin(identity, userId);
    if (written.failedIndex < extra.length && invitation.alsoWrite)
      throw invitation.alsoWrite.conflict;
    throw new ProblemError('EMAIL_TAKEN');
  }

  countEvent('UsersAdded');
  return user;
}

/**
 * A login whose email has no marker is left over from an invitation that crashed between
 * Cognito and DynamoDB. Once it is older than any invitation could still be running, it is
 * removed and the login is created afresh.
 */
const orphanAfterMs = 5 * 60 * 1000;

/** Also how the operator command creates support staff (support-staff.ts). */
export async function createLogin(
  deps: Pick<InviteDeps, 'db' | 'identity' | 'clock'>,
  email: string,
  password: string,
) {
  try {
    return await deps.identity.createUser(email, password);
  } catch (error) {
    if (!(error instanceof ProblemError && error.code === 'EMAIL_TAKEN')) throw error;
    const existing = await deps.identity.findUser(email);
    const isOrphan =
      existing &&
      deps.clock().getTime() - existing.createdAt.getTime() > orphanAfterMs &&
      !(await getUserIdByEmail(deps.db, email));
    if (!isOrphan) throw error;
    logger.warn('removing a login left over from a failed invitation', { userId: existing.userId });
    await deps.identity.deleteUser(existing.userId);
    return deps.identity.createUser(email, password);
  }
}

export async function undoLogin(identity: Identity, userId: string) {
  try {
    await identity.deleteUser(userId);
  } catch (error) {
    // Left behind, this login has no record; inviting the same email later clears it.
    logger.error('could not remove a login after a failed invitation', { userId, error });
  }
}

/**
 * A new temporary password by email, for a user who has not signed in yet: the one in any
 * earlier invitation stops working. NOT_INVITED for anyone else.
 */
export async function sendFreshInvitation(deps: InviteDeps, user: User, actorId: string) {
  if (user.status === 'invited' && user.isSupport && !user.centreId)
    return sendFreshSupportInvitation(deps, user);
  if (user.status !== 'invited' || !user.centreId)
    throw new ProblemError(
      'NOT_INVITED',
      'Only a user who has not signed in yet can be invited again',
    );
  const now = deps.clock().toISOString();
  // The sender makes the new password when it sends, so the earlier one stops working then.
  const written = await transactWrite(deps.db, [
    auditItem(deps.db, user.centreId, {
      at: now,
      actorId,
      action: 'user.invitation_resent',
      targetId: user.userId,
      details: {},
    }),
    outboxItem(deps.db, {
      userId: user.userId,
      now,
      email: {
        template: 'invitation',
        to: user.email,
        name: user.name,
        centreName: await centreNameOf(deps.db, user.centreId),
      },
    }),
  ]);
  if (!written.ok) throw new ProblemError('INTERNAL');
}

/**
 * Support staff invited by the operator command who lost or let expire their temporary
 * password ask for a new one with *Forgotten password*: the same, without a centre or audit.
 */
async function sendFreshSupportInvitation(deps: InviteDeps, user: User) {
  // As for a centre's users: the sender makes and sets the new temporary password when it sends.
  const written = await transactWrite(deps.db, [
    outboxItem(deps.db, {
      userId: user.userId,
      now: deps.clock().toISOString(),
      email: { template: 'supportInvitation', to: user.email, name: user.name },
    }),
  ]);
  if (!written.ok) throw new ProblemError('INTERNAL');
}
