import { listAudit } from '../core/data/audit.js';
import { type Centre, getCentre, publicCentre } from '../core/data/centre.js';
import { progressionDataOf } from '../core/data/progression.js';
import { listCentreUsers, publicUser } from '../core/data/user.js';
import { notFound } from '../core/errors.js';
import { type AreaImplementations, areaRoutes } from '../core/http.js';
import { centresEntries } from '../core/route-table/centres.js';
import { userOfCentre } from '../core/services/change-user.js';
import { addUsers } from './add-users.js';
import type { CentresDeps } from './deps.js';
import { deleteUser, offboardUser, operationOfCentre, transferData } from './removal.js';
import {
  editUser,
  resendInvitation,
  resetUserPassword,
  restoreUser,
  suspendUser,
} from './user-actions.js';

const centresImplementations = (deps: CentresDeps): AreaImplementations<'centres'> => {
  const centreOrNotFound = async (centreId: string): Promise<Centre> => {
    const centre = await getCentre(deps.db, centreId);
    if (!centre) throw notFound('No such centre');
    return centre;
  };
  const accepted = { status: 202 } as const;

  return {
    getCentre: async ({ params }) => ({
      status: 200,
      body: publicCentre(await centreOrNotFound(params.centreId)),
    }),

    listUsers: async ({ params, query, caller }) => {
      // A coordinator's own centre exists; support may name any, so check it for them.
      if (caller.isSupport) await centreOrNotFound(params.centreId);
      const { limit, cursor, ...filters } = query;
      const page = await listCentreUsers(deps.db, params.centreId, filters, limit, cursor);
      return {
        status: 200,
        body: { items: page.items.map(publicUser), nextCursor: page.nextCursor },
      };
    },

    addUsers: async ({ params, body, caller, remainingTimeMs }) => {
      const centre = await centreOrNotFound(params.centreId);
      return {
        status: 200,
        body: await addUsers(deps, centre, caller.userId, body.users, { remainingTimeMs }),
      };
    },

    getUser: async ({ params }) => ({
      status: 200,
      body: publicUser(await userOfCentre(deps.db, params.centreId, params.userId)),
    }),

    editUser: async ({ params, body, caller }) => ({
      status: 200,
      body: await editUser(deps, { ...params, actor: caller }, body),
    }),

    resetUserPassword: async ({ params, caller }) => {
      await resetUserPassword(deps, { ...params, actor: caller });
      return accepted;
    },

    resendInvitation: async ({ params, caller }) => {
      await resendInvitation(deps, { ...params, actor: caller });
      return accepted;
    },

    suspendUser: async ({ params, caller }) => ({
      status: 200,
      body: await suspendUser(deps, { ...params, actor: caller }),
    }),

    restoreUser: async ({ params, caller }) => ({
      status: 200,
      body: await restoreUser(deps, { ...params, actor: caller }),
    }),

    getProgressionData: async ({ params }) => {
      await userOfCentre(deps.db, params.centreId, params.userId);
      return { status: 200, body: await progressionDataOf(deps.db, params.userId) };
    },

    transferData: async ({ params, body, caller }) => ({
      status: 202,
      body: await transferData(deps, { ...params, actor: caller }, body.toUserId),
    }),

    deleteUser: async ({ params, caller }) => ({
      status: 202,
      body: await deleteUser(deps, { ...params, actor: caller }),
    }),

    offboardUser: async ({ params, body, caller }) => ({
      status: 202,
      body: await offboardUser(deps, { ...params, actor: caller }, body.transferTo),
    }),

    getOperation: async ({ params }) => ({
      status: 200,
      body: await operationOfCentre(deps, params.centreId, params.operationId),
    }),

    listAudit: async ({ params, query, caller }) => {
      if (caller.isSupport) await centreOrNotFound(params.centreId);
      const page = await listAudit(deps.db, params.centreId, query.limit, query.cursor);
      return { status: 200, body: page };
    },
  };
};

/** The centres area's routes: its implementations and the entries they answer. */
export const centresRoutes = areaRoutes(centresEntries, centresImplementations);
