/**
 * "Suspending or deleting a user" and "Transferring data": the checks a coordinator meets
 * at once (409s), before the removal workflow takes over.
 */
import { getCentre } from '../core/data/centre.js';
import { getItem } from '../core/data/db.js';
import { fromOperationItem, operationKey, publicOperation } from '../core/data/operation.js';
import { progressionDataOf } from '../core/data/progression.js';
import {
  fromSiteRemovalItem,
  isSiteRemovalItem,
  publicSiteRemoval,
} from '../core/data/site-removal.js';
import type { User } from '../core/data/user.js';
import { notFound, ProblemError } from '../core/errors.js';
import { assertNotSelf, isActiveAdmin } from '../core/rules.js';
import { userOfCentre } from '../core/services/change-user.js';
import { startOperation, transferTarget } from '../core/services/operations.js';
import type { CentresDeps } from './deps.js';

interface Target {
  centreId: string;
  userId: string;
  actor: User;
}

export async function deleteUser(deps: CentresDeps, { centreId, userId, actor }: Target) {
  const user = await userOfCentre(deps.db, centreId, userId);
  assertNotSelf(actor, user, 'delete');
  if (user.status !== 'suspended')
    throw new ProblemError('USER_NOT_SUSPENDED', 'Suspend the user before deleting them');
  const progressionData = await progressionDataOf(deps.db, userId);
  if (progressionData.total > 0)
    throw new ProblemError(
      'PROGRESSION_DATA_ATTACHED',
      'Transfer the Progression Test data to another teacher before deleting the user',
      { extensions: { progressionData } },
    );
  const operation = await startOperation(deps, {
    centreId,
    user,
    type: 'delete',
    actorId: actor.userId,
  });
  return { operationId: operation.operationId };
}

export async function transferData(
  deps: CentresDeps,
  { centreId, userId, actor }: Target,
  toUserId: string,
) {
  const user = await userOfCentre(deps.db, centreId, userId);
  await transferTarget(deps.db, user, toUserId, await progressionDataOf(deps.db, userId));
  const operation = await startOperation(deps, {
    centreId,
    user,
    type: 'transfer',
    toUserId,
    actorId: actor.userId,
  });
  return { operationId: operation.operationId };
}

export async function offboardUser(
  deps: CentresDeps,
  { centreId, userId, actor }: Target,
  transferTo?: string,
) {
  const user = await userOfCentre(deps.db, centreId, userId);
  assertNotSelf(actor, user, 'offboard');
  if (isActiveAdmin(user)) {
    // The workflow's suspension enforces this too; saying it now spares a failed operation.
    const centre = await getCentre(deps.db, centreId);
    if ((centre?.activeAdminCount ?? 0) < 2)
      throw new ProblemError('LAST_ADMIN', 'The centre must keep at least one active coordinator');
  }
  if (transferTo)
    await transferTarget(deps.db, user, transferTo, await progressionDataOf(deps.db, userId));
  const operation = await startOperation(deps, {
    centreId,
    user,
    type: 'offboarding',
    ...(transferTo ? { toUserId: transferTo } : {}),
    actorId: actor.userId,
  });
  return { operationId: operation.operationId };
}

/** A removal, transfer or site removal of the centre, as the API shows it (one read). */
export async function operationOfCentre(deps: CentresDeps, centreId: string, operationId: string) {
  const item = await getItem(deps.db, operationKey(operationId));
  if (!item || item.centreId !== centreId) throw notFound('No such operation');
  return isSiteRemovalItem(item)
    ? publicSiteRemoval(fromSiteRemovalItem(item))
    : publicOperation(fromOperationItem(item));
}
