/** The route table's entries for Teacher and learner management on the Primary and Lower Secondary sites. */

import { route } from '../route-spec.js';
import { PageQuerySchema, pageOf } from '../schemas/common.js';
import {
  LearnerBodySchema,
  LearnerParamsSchema,
  LearnerPatchBodySchema,
  LearnerSchema,
  ResultBodySchema,
  ResultSchema,
  ResultsQuerySchema,
  SiteParamsSchema,
  SiteTeacherSchema,
  SiteTeachersQuerySchema,
} from '../schemas/progression.js';

export const sitesEntries = {
  listSiteTeachers: route({
    method: 'GET',
    path: '/centres/{centreId}/sites/{site}/teachers',
    area: 'sites',
    access: 'siteMember',
    summary: 'The users with access to the site, each with their Progression Test data',
    description:
      'Ordered by name. `q` is one or more words, each the start of a word of the name or email address, as on the Users list (see "Searching users"); `status` keeps only the users with that status (e.g. `active`, for choosing who receives transferred data). With `q`, a page may hold fewer than `limit` users while `nextCursor` is not null.',
    params: SiteParamsSchema,
    query: SiteTeachersQuerySchema,
    success: { status: 200, description: 'A page of teachers', schema: pageOf(SiteTeacherSchema) },
  }),
  addLearner: route({
    method: 'POST',
    path: '/centres/{centreId}/sites/{site}/learners',
    area: 'sites',
    access: 'siteMember',
    summary: 'Add a learner (stage 1–6 on primary, 7–9 on lower-secondary)',
    params: SiteParamsSchema,
    body: LearnerBodySchema,
    success: { status: 201, description: 'The learner', schema: LearnerSchema },
    idempotent: true,
  }),
  listLearners: route({
    method: 'GET',
    path: '/centres/{centreId}/sites/{site}/learners',
    area: 'sites',
    access: 'siteMember',
    summary: 'The learners of the site',
    params: SiteParamsSchema,
    query: PageQuerySchema,
    success: { status: 200, description: 'A page of learners', schema: pageOf(LearnerSchema) },
  }),
  getLearner: route({
    method: 'GET',
    path: '/centres/{centreId}/sites/{site}/learners/{learnerId}',
    area: 'sites',
    access: 'siteMember',
    summary: 'A learner of the site',
    params: LearnerParamsSchema,
    success: { status: 200, description: 'The learner', schema: LearnerSchema },
  }),
  updateLearner: route({
    method: 'PATCH',
    path: '/centres/{centreId}/sites/{site}/learners/{learnerId}',
    area: 'sites',
    access: 'siteMember',
    summary: "Change a learner's name, stage or class",
    description:
      'At least one field. `stage` must be one the site teaches (1–6 on primary, 7–9 on lower-secondary); `classGroup: null` clears the class.',
    params: LearnerParamsSchema,
    body: LearnerPatchBodySchema,
    success: { status: 200, description: 'The learner', schema: LearnerSchema },
  }),
  deleteLearner: route({
    method: 'DELETE',
    path: '/centres/{centreId}/sites/{site}/learners/{learnerId}',
    area: 'sites',
    access: 'siteMember',
    summary: 'Remove a learner who has no Progression Test results',
    description:
      'A learner with Progression Test results cannot be removed (409 LEARNER_HAS_RESULTS): results are kept.',
    params: LearnerParamsSchema,
    success: { status: 204, description: 'The learner was removed' },
    errors: ['LEARNER_HAS_RESULTS'],
  }),
  recordResult: route({
    method: 'POST',
    path: '/centres/{centreId}/sites/{site}/progression-tests',
    area: 'sites',
    access: 'siteMember',
    summary:
      'Record a Progression Test result, owned by the caller (or teacherId, coordinators only)',
    params: SiteParamsSchema,
    body: ResultBodySchema,
    success: { status: 201, description: 'The result', schema: ResultSchema },
    errors: ['FORBIDDEN'],
    idempotent: true,
  }),
  listResults: route({
    method: 'GET',
    path: '/centres/{centreId}/sites/{site}/progression-tests',
    area: 'sites',
    access: 'siteMember',
    summary: 'Progression Test results of the site, by teacher or by learner',
    params: SiteParamsSchema,
    query: ResultsQuerySchema,
    success: { status: 200, description: 'A page of results', schema: pageOf(ResultSchema) },
  }),
} as const;
