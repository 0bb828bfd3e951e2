import { randomUUID } from 'node:crypto';
import { auditItem, auditKey } from '../core/data/audit.js';
import {
  type Centre,
  centreKey,
  createCentreItem,
  getCentre,
  listCentres,
  publicCentre,
  updateCentreItem,
} from '../core/data/centre.js';
import { deleteItem, transactWrite } from '../core/data/db.js';
import {
  findPeopleByName,
  getUser,
  getUserIdByEmail,
  listCentreUsers,
  publicUser,
  type User,
} from '../core/data/user.js';
import type { Site } from '../core/domain.js';
import { notFound, ProblemError, validationFailed } from '../core/errors.js';
import { type AreaImplementations, areaRoutes } from '../core/http.js';
import { countEvent } from '../core/metrics.js';
import { supportEntries } from '../core/route-table/support.js';
import { changeUser } from '../core/services/change-user.js';
import { type InviteDeps, inviteUser } from '../core/services/invite-user.js';

const supportImplementations = (deps: InviteDeps): AreaImplementations<'support'> => ({
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
    const before = await getCentre(db, params.centreId);
    if (!before) throw notFound('No such centre');
    const now = clock().toISOString();
    const after: Centre = {
      ...before,
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.eligibleSites ? { eligibleSites: body.eligibleSites } : {}),
      updatedAt: now,
    };
    await transactWrite(db, [
      updateCentreItem(db, after),
      auditItem(db, before.centreId, {
        at: now,
        actorId: caller.userId,
        action: 'centre.updated',
        details: { before: publicCentre(before), after: publicCentre(after) },
      }),
    ]);
    const removed = before.eligibleSites.filter((site) => !after.eligibleSites.includes(site));
    if (removed.length) await takeSitesFromUsers(deps, before.centreId, removed, caller.userId);
    return { status: 200, body: publicCentre(after) };
  },
});

/** The support area's routes: its implementations and the entries they answer. */
export const supportRoutes = areaRoutes(supportEntries, supportImplementations);

/** A site the centre is no longer eligible for is taken from every user who had it. */
async function takeSitesFromUsers(
  deps: InviteDeps,
  centreId: string,
  removed: Site[],
  actorId: string,
) {
  for (const site of removed) {
    let cursor: string | undefined;
    do {
      const page = await listCentreUsers(deps.db, centreId, { site }, 100, cursor);
      // A few users at a time: each change is its own conditional transaction.
      for (let start = 0; start < page.items.length; start += 8)
        await Promise.all(
          page.items.slice(start, start + 8).map((user) =>
            changeUser(deps, {
              centreId,
              userId: user.userId,
              actorId,
              action: 'user.site_access_removed',
              change: (current) => ({
                next: {
                  ...current,
                  sites: current.sites.filter((held) => !removed.includes(held)),
                },
              }),
            }),
          ),
        );
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}
