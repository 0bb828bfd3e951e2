import { randomUUID } from 'node:crypto';
import { auditItem, auditKey } from '../core/data/audit.js';
import {
  type Centre,
  centreKey,
  createCentreItem,
  getCentre,
  listCentres,
  publicCentre,
} from '../core/data/centre.js';
import { deleteItem } from '../core/data/db.js';
import { publicUser } from '../core/data/user.js';
import { ProblemError } from '../core/errors.js';
import type { AreaImplementations } from '../core/http.js';
import { countEvent } from '../core/metrics.js';
import { type InviteDeps, inviteUser } from '../core/services/invite-user.js';

export const supportRoutes = (deps: InviteDeps): AreaImplementations<'support'> => ({
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
    const page = await listCentres(deps.db, query.limit, query.cursor);
    return {
      status: 200,
      body: { items: page.items.map(publicCentre), nextCursor: page.nextCursor },
    };
  },
});
