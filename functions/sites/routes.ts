/**
 * "Teacher and learner management" on the Primary and Lower Secondary support sites:
 * learners, Progression Test results, and the site's teachers with their data.
 */
import { getCentre } from '../core/data/centre.js';
import { type Db, transactWrite } from '../core/data/db.js';
import {
  createLearnerItem,
  deleteLearner,
  getLearner,
  type Learner,
  listLearners,
  listResults,
  type ProgressionResult,
  progressionDataOfUsers,
  recordResultChecks,
  recordResultItems,
  updateLearner,
} from '../core/data/progression.js';
import { getUser, listCentreUsers, publicUser } from '../core/data/user.js';
import type { ProgressionSite } from '../core/domain.js';
import { notFound, ProblemError, validationFailed } from '../core/errors.js';
import { type AreaImplementations, areaRoutes } from '../core/http.js';
import { newId } from '../core/ids.js';
import { countEvent } from '../core/metrics.js';
import type { Clock } from '../core/ports.js';
import { sitesEntries } from '../core/route-table/sites.js';

export interface SitesDeps {
  db: Db;
  clock: Clock;
}

/** The stages each site teaches. */
export const stagesOf: Record<ProgressionSite, { from: number; to: number }> = {
  primary: { from: 1, to: 6 },
  'lower-secondary': { from: 7, to: 9 },
};

function assertStage(site: ProgressionSite, stage: number) {
  const { from, to } = stagesOf[site];
  if (stage < from || stage > to)
    throw validationFailed([{ path: 'stage', message: `must be ${from} to ${to} on ${site}` }]);
}

const publicLearner = ({ learnerId, name, stage, classGroup }: Learner) => ({
  learnerId,
  name,
  stage,
  ...(classGroup ? { classGroup } : {}),
});

const publicResult = (result: ProgressionResult) => ({
  resultId: result.resultId,
  learnerId: result.learnerId,
  subject: result.subject,
  stage: result.stage,
  series: result.series,
  score: result.score,
  maxScore: result.maxScore,
  teacherId: result.ownerId,
  createdAt: result.createdAt,
});

const sitesImplementations = ({ db, clock }: SitesDeps): AreaImplementations<'sites'> => {
  /** The site is one the centre is eligible for, or it does not exist here. */
  const eligibleCentre = async (centreId: string, site: ProgressionSite) => {
    const centre = await getCentre(db, centreId);
    if (!centre?.eligibleSites.includes(site)) throw notFound('No such site for this centre');
    return centre;
  };

  return {
    listSiteTeachers: async ({ params, query }) => {
      await eligibleCentre(params.centreId, params.site);
      const { limit, cursor, q, status } = query;
      const page = await listCentreUsers(
        db,
        params.centreId,
        { site: params.site, q, status },
        limit,
        cursor,
      );
      const data = await progressionDataOfUsers(
        db,
        page.items.map((user) => user.userId),
      );
      return {
        status: 200,
        body: {
          items: page.items.map((user) => ({
            ...publicUser(user),
            progressionData: data.get(user.userId) ?? {
              primary: 0,
              'lower-secondary': 0,
              total: 0,
            },
          })),
          nextCursor: page.nextCursor,
        },
      };
    },

    addLearner: async ({ params, body }) => {
      await eligibleCentre(params.centreId, params.site);
      assertStage(params.site, body.stage);
      const learner: Learner = {
        learnerId: newId(clock().getTime()),
        centreId: params.centreId,
        site: params.site,
        name: body.name,
        stage: body.stage,
        ...(body.classGroup ? { classGroup: body.classGroup } : {}),
        createdAt: clock().toISOString(),
      };
      await transactWrite(db, [createLearnerItem(db, learner)]);
      return { status: 201, body: publicLearner(learner) };
    },

    listLearners: async ({ params, query }) => {
      await eligibleCentre(params.centreId, params.site);
      const page = await listLearners(db, params.centreId, params.site, query.limit, query.cursor);
      return {
        status: 200,
        body: { items: page.items.map(publicLearner), nextCursor: page.nextCursor },
      };
    },

    getLearner: async ({ params }) => {
      // Both reads at once: the site must be one the centre is eligible for.
      const [, learner] = await Promise.all([
        eligibleCentre(params.centreId, params.site),
        getLearner(db, params.centreId, params.site, params.learnerId),
      ]);
      if (!learner) throw notFound('No such learner');
      return { status: 200, body: publicLearner(learner) };
    },

    updateLearner: async ({ params, body }) => {
      if (body.stage !== undefined) assertStage(params.site, body.stage);
      await eligibleCentre(params.centreId, params.site);
      const learner = await updateLearner(db, params, body, clock().toISOString());
      if (!learner) throw notFound('No such learner');
      return { status: 200, body: publicLearner(learner) };
    },

    deleteLearner: async ({ params }) => {
      await eligibleCentre(params.centreId, params.site);
      const outcome = await deleteLearner(db, params);
      if (outcome === 'not-found') throw notFound('No such learner');
      if (outcome === 'has-results') throw new ProblemError('LEARNER_HAS_RESULTS');
      return { status: 204 };
    },

    recordResult: async ({ params, body, caller }) => {
      await eligibleCentre(params.centreId, params.site);
      assertStage(params.site, body.stage);
      // Teachers record their own results; coordinators and support may name the teacher.
      const ownerId = body.teacherId ?? caller.userId;
      if (ownerId !== caller.userId && !caller.isAdmin && !caller.isSupport)
        throw new ProblemError(
          'FORBIDDEN',
          'Only a coordinator may record a result for another teacher',
        );
      const owner =
        ownerId === caller.userId && !caller.isSupport ? caller : await getUser(db, ownerId);
      if (
        !owner ||
        owner.centreId !== params.centreId ||
        owner.status === 'suspended' ||
        !owner.sites.includes(params.site)
      )
        throw validationFailed([
          {
            path: 'teacherId',
            message: 'must be an unsuspended teacher of the centre with access to the site',
          },
        ]);

      const result: ProgressionResult = {
        resultId: newId(clock().getTime()),
        centreId: params.centreId,
        site: params.site,
        learnerId: body.learnerId,
        subject: body.subject,
        stage: body.stage,
        series: body.series,
        score: body.score,
        maxScore: body.maxScore,
        ownerId,
        recordedBy: caller.userId,
        createdAt: clock().toISOString(),
      };
      // The transaction checks the learner exists (and counts the result on them).
      const written = await transactWrite(db, recordResultItems(db, result));
      if (!written.ok && written.failedIndex === recordResultChecks.learner)
        throw validationFailed([{ path: 'learnerId', message: 'is not a learner of this site' }]);
      // The teacher was suspended or deleted between the check and the write.
      if (!written.ok)
        throw validationFailed([
          { path: 'teacherId', message: 'must be an unsuspended teacher of the centre' },
        ]);
      countEvent('ResultsRecorded');
      return { status: 201, body: publicResult(result) };
    },

    listResults: async ({ params, query }) => {
      await eligibleCentre(params.centreId, params.site);
      const { limit, cursor, teacherId, learnerId } = query;
      const page = await listResults(
        db,
        params.centreId,
        params.site,
        { teacherId, learnerId },
        limit,
        cursor,
      );
      return {
        status: 200,
        body: { items: page.items.map(publicResult), nextCursor: page.nextCursor },
      };
    },
  };
};

/** The sites area's routes: its implementations and the entries they answer. */
export const sitesRoutes = areaRoutes(sitesEntries, sitesImplementations);
