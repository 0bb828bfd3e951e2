import * as z from 'zod';
// Only domain.ts, never data/: the console imports these schemas, and data/ pulls in the AWS SDK.
import { operationTypes, progressionSites, subjects, userStatuses } from '../domain.js';
import {
  CentreIdSchema,
  freeText,
  PageQuerySchema,
  PersonNameSchema,
  patterned,
  UserIdSchema,
  UserSchema,
} from './common.js';
import { ProgressionDataSchema, UserSearchSchema } from './users.js';

const IdSchema = patterned(/^[0-9a-z]{10,40}$/, 'is not an id', {
  max: 40,
  example: '01jd5m8q2xc4v9b6n3k1h0',
});

export const SiteParamsSchema = z.strictObject({
  centreId: CentreIdSchema,
  site: z.enum(progressionSites),
});

export const OperationParamsSchema = z.strictObject({
  centreId: CentreIdSchema,
  operationId: IdSchema,
});

/** Shown on the learner's pages, as a name is. */
const ClassGroupSchema = freeText(50);

export const LearnerBodySchema = z.strictObject({
  name: PersonNameSchema,
  stage: z.number().int(),
  classGroup: ClassGroupSchema.optional(),
});

export const LearnerParamsSchema = SiteParamsSchema.extend({ learnerId: IdSchema });

/** A learner's changes: at least one field; `classGroup: null` clears the class. */
export const LearnerPatchBodySchema = z
  .strictObject({
    name: PersonNameSchema.optional(),
    stage: z.number().int().optional(),
    classGroup: ClassGroupSchema.nullable().optional(),
  })
  .refine(
    (body) => body.name !== undefined || body.stage !== undefined || body.classGroup !== undefined,
    { message: 'must change at least one of name, stage, classGroup' },
  );

export const LearnerSchema = z
  .object({
    learnerId: z.string(),
    name: z.string(),
    stage: z.number().int(),
    classGroup: z.string().optional(),
  })
  .meta({ id: 'Learner' });

export const ResultBodySchema = z
  .strictObject({
    learnerId: IdSchema,
    subject: z.enum(subjects),
    stage: z.number().int(),
    series: freeText(40),
    score: z.number().min(0),
    maxScore: z.number().positive().max(1000),
    teacherId: UserIdSchema.optional(),
  })
  .refine((body) => body.score <= body.maxScore, {
    path: ['score'],
    message: 'must not be more than maxScore',
  });

export const ResultSchema = z
  .object({
    resultId: z.string(),
    learnerId: z.string(),
    subject: z.enum(subjects),
    stage: z.number().int(),
    series: z.string(),
    score: z.number(),
    maxScore: z.number(),
    teacherId: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'ProgressionTestResult' });

export const ResultsQuerySchema = PageQuerySchema.extend({
  teacherId: UserIdSchema.optional(),
  learnerId: IdSchema.optional(),
});

export const SiteTeachersQuerySchema = PageQuerySchema.extend({
  q: UserSearchSchema.optional(),
  status: z.enum(userStatuses).optional(),
});

export const SiteTeacherSchema = UserSchema.extend({ progressionData: ProgressionDataSchema });

export const TransferBodySchema = z.strictObject({ toUserId: UserIdSchema });
export const OffboardingBodySchema = z.strictObject({ transferTo: UserIdSchema.optional() });

export const OperationIdSchema = z.object({ operationId: z.string() });

export const OperationSchema = z
  .object({
    operationId: z.string(),
    type: z.enum(operationTypes),
    userId: z.string(),
    toUserId: z.string().optional(),
    status: z.enum(['running', 'succeeded', 'needs_transfer', 'failed']),
    moved: z.number().int(),
    error: z.string().optional(),
    startedAt: z.iso.datetime(),
    endedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'Operation' });
