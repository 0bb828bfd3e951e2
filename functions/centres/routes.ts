import { getCentre, publicCentre } from '../core/data/centre.js';
import type { Db } from '../core/data/db.js';
import { notFound } from '../core/errors.js';
import type { AreaImplementations } from '../core/http.js';

export const centresRoutes = (deps: { db: Db }): AreaImplementations<'centres'> => ({
  getCentre: async ({ params }) => {
    const centre = await getCentre(deps.db, params.centreId);
    if (!centre) throw notFound('No such centre');
    return { status: 200, body: publicCentre(centre) };
  },
});
