/** The route table's entries for Teacher and learner management on the Primary and Lower Secondary sites. */

import { route } from '../route-spec.js';
import { PageQuerySchema, pageOf } from '../schemas/common.js';
import {
  LearnerBodySchema,
  LearnerSchema,
  ResultBodySchema,
  ResultSchema,
  ResultsQuerySchema,
  SiteParamsSchema,
  SiteTeacherSchema,
} from '../schemas/progression.js';

export const sitesEntries = {
  listSiteTeachers: route({
    method: 'GET',
    path: '/centres/{centreId}/sites/{site}/teachers',
    area: 'sites',
    access: 'siteMember',
    summary: 'The users with access to the site, each with their Progression Test data',
    params: SiteParamsSchema,
    query: PageQuerySchema,
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
