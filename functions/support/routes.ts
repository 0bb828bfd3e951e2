import { randomUUID } from 'node:crypto';
import { auditItem, auditKey, writeAudit } from '../core/data/audit.js';
import {
  type Centre,
  centreKey,
  createCentreItem,
  getCentre,
  listCentres,
  publicCentre,
} from '../core/data/centre.js';
import { deleteItem, transactWrite } from '../core/data/db.js';
import {
  changeCentreItems,
  executionNameOf,
  getSiteRemoval,
  resumeSiteRemoval,
  type SiteRemoval,
  siteRemovalType,
} from '../core/data/site-removal.js';
import {
  findPeopleByName,
  getUser,
  getUserIdByEmail,
  publicUser,
  type User,
} from '../core/data/user.js';
import { notFound, ProblemError, validationFailed } from '../core/errors.js';
import { type AreaImplementations, areaRoutes } from '../core/http.js';
import { newId } from '../core/ids.js';
import { logger } from '../core/logger.js';
import { countEvent } from '../core/metrics.js';
import type { Workflows } from '../core/ports.js';
import { supportEntries } from '../core/route-table/support.js';
import { type InviteDeps, inviteUser } from '../core/services/invite-user.js';

export interface SupportDeps extends InviteDeps {
  /** The site-removal workflow (workflows/site-removal-workflow.ts). */
  siteRemovals: Workflows;
}

const supportImplementations = (deps: SupportDeps): AreaImplementations<'support'> => ({
  resetUserMfa: async ({ params, caller }) => {
    const { db, identity, clock } = deps;
    const user = await getUser(db, params.userId);
    if (!user || user.centreId !== params.centreId) throw notFound('No such user in this centre');
    // Support staff keep theirs: an operator resets one (README, "Two-step sign-in").
    if (user.isSupport) throw new ProblemError('FORBIDDEN');
    await identity.removeTotp(user.userId);
    await writeAudit(db, params.centreId, {
      at: clock().toISOString(),
      actorId: caller.userId,
      action: 'user.mfa_reset',
      targetId: user.userId,
      details: {},
    });
    return { status: 204 };
  },

  createCentre: async ({ body, caller }) => {
    const { db, clock } = deps;
    // Refused before any login is made; the transaction's condition closes the race.
    if (await getCentre(db, body.centreId)) throw new ProblemError('CENTRE_EXISTS');
    const now = clock().toISOString();
    const centre: Centre = {
      centreId: body.centreId,
      name: body.name,
      eligibleSites: body.eligibleSites,
      createdAt: now,
      updatedAt: now,
    };
    const auditId = randomUUID();
    const coordinator = await inviteUser(deps, {
      centre,
      name: body.coordinator.name,
      email: body.coordinator.email,
      isAdmin: true,
      // The first coordinator may use every site the centre is eligible for.
      sites: body.eligibleSites,
      actorId: caller.userId,
      alsoWrite: {
        items: [
          createCentreItem(db, centre),
          auditItem(
            db,
            centre.centreId,
            {
              at: now,
              actorId: caller.userId,
              action: 'centre.created',
              details: { after: publicCentre(centre) },
            },
            auditId,
          ),
        ],
        undo: [
          deleteItem(db, centreKey(centre.centreId)),
          deleteItem(db, auditKey(centre.centreId, now, auditId)),
        ],
        conflict: new ProblemError('CENTRE_EXISTS'),
      },
    });
    countEvent('CentresCreated');
    return {
      status: 201,
      body: { centre: publicCentre(centre), coordinator: publicUser(coordinator) },
    };
  },

  listCentres: async ({ query }) => {
    const page = await listCentres(deps.db, query.limit, query.cursor, query.q);
    return {
      status: 200,
      body: { items: page.items.map(publicCentre), nextCursor: page.nextCursor },
    };
  },

  findPeople: async ({ query }) => {
    const { db } = deps;
    if (query.q.includes('@')) {
      // One exact address: the email marker, then the person (two reads, whatever the size).
      if (query.cursor !== undefined)
        throw validationFailed([{ path: 'cursor', message: 'is not a valid cursor' }]);
      const userId = await getUserIdByEmail(db, query.q.toLowerCase());
      const user = userId ? await getUser(db, userId) : undefined;
      // Support staff belong to no centre: they are not among the people a centre has.
      const items: User[] = user?.centreId ? [user] : [];
      return { status: 200, body: { items: items.map(publicUser), nextCursor: null } };
    }
    const page = await findPeopleByName(db, query.q, query.limit, query.cursor);
    return {
      status: 200,
      body: { items: page.items.map(publicUser), nextCursor: page.nextCursor },
    };
  },

  updateCentre: async ({ params, body, caller }) => {
    const { db, clock } = deps;
    for (let attempt = 1; ; attempt++) {
      const before = await getCentre(db, params.centreId);
      if (!before) throw notFound('No such centre');
      const now = clock().toISOString();
      const after: Centre = {
        ...before,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.eligibleSites ? { eligibleSites: body.eligibleSites } : {}),
        updatedAt: now,
      };
      const removed = before.eligibleSites.filter((site) => !after.eligibleSites.includes(site));
      const running = before.siteRemoval;
      if (running) {
        const givenBack = running.sites.filter((site) => after.eligibleSites.includes(site));
        if (givenBack.length)
          throw new ProblemError(
            'CONFLICT',
            `${givenBack.join(', ')} is still being taken from the centre's users; give it back when operation ${running.operationId} has ended`,
          );
        if (removed.length)
          throw new ProblemError(
            'CONFLICT',
            `Another site removal (operation ${running.operationId}) is running for this centre; take ${removed.join(', ')} away when it has ended`,
          );
      }
      const removal: SiteRemoval | undefined = removed.length
        ? {
            operationId: newId(clock().getTime()),
            centreId: before.centreId,
            type: siteRemovalType,
            sites: removed,
            actorId: caller.userId,
            status: 'running',
            usersChecked: 0,
            usersUpdated: 0,
            page: 0,
            complete: false,
            resumes: 0,
            startedAt: now,
          }
        : undefined;
      const written = await transactWrite(
        db,
        changeCentreItems(db, before, after, caller.userId, removal),
      );
      if (!written.ok) {
        // Changed since it was read (another change, or the same one twice at once): the
        // rules again on what it is now.
        if (attempt < 3) continue;
        throw new ProblemError('CONFLICT', 'The centre was changed at the same time; try again');
      }
      if (removal) {
        countEvent('SiteRemovalsStarted');
        await startSiteRemoval(deps, removal);
        return accepted(after, removal.operationId);
      }
      // The same change again while its removal runs: the same operation, started again
      // if it had failed (it goes on from the page where it stopped).
      if (running && body.eligibleSites) {
        const operation = await getSiteRemoval(db, running.operationId);
        if (operation) {
          if (operation.status === 'failed' && (await resumeSiteRemoval(db, operation)))
            await startSiteRemoval(deps, { ...operation, resumes: operation.resumes + 1 });
          else if (operation.status === 'running') await startSiteRemoval(deps, operation);
          return accepted(after, operation.operationId);
        }
      }
      return { status: 200, body: publicCentre(after) };
    }
  },
});

const accepted = (centre: Centre, operationId: string) => ({
  status: 202 as const,
  headers: { location: `/centres/${centre.centreId}/operations/${operationId}` },
  body: { ...publicCentre(centre), operationId },
});

/**
 * Starts (or starts again: the execution is named, so a repeat is harmless) the workflow
 * that takes the sites from the users. If Step Functions cannot be reached, the centre's
 * eligibility is recorded all the same and the same request, sent again, starts it.
 */
async function startSiteRemoval(deps: SupportDeps, operation: SiteRemoval) {
  try {
    await deps.siteRemovals.start(operation.operationId, executionNameOf(operation));
  } catch (error) {
    logger.error('could not start the site removal workflow', {
      operationId: operation.operationId,
      error,
    });
    throw new ProblemError(
      'SERVICE_UNAVAILABLE',
      "The centre's sites are changed, but taking them from its users could not be started; send the same change again shortly",
    );
  }
}

/** The support area's routes: its implementations and the entries they answer. */
export const supportRoutes = areaRoutes(supportEntries, supportImplementations);
