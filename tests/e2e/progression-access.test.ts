/**
 * Issue 5: who may call each new route (site routes: users with access to the site, the
 * centre's coordinators and support; removal routes: coordinators and support), and bad
 * input of every kind on each of them. Every refusal is a documented problem and changes
 * nothing: the learners, results, the user acted on and the audit log are read before and
 * after.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeUser,
  allPages,
  api,
  auditOf,
  centreWithCoordinator,
  problem,
  problemOf,
} from '../support/hub.js';
import {
  addLearner,
  progressionDataOf,
  recordResults,
  resultBody,
  sitePath,
  waitForOperation,
} from '../support/progression.js';

type Caller =
  | 'no token'
  | 'malformed token'
  | 'teacher with the site'
  | 'teacher without the site'
  | 'coordinator of another centre'
  | 'coordinator'
  | 'support';

let centreId: string;
let tokens: Record<Caller, string | undefined>;
let coordinatorToken: string;
let teacherWith: { userId: string; token: string };
let subjectId: string;
let learnerId: string;
let operationId: string;

beforeAll(async () => {
  const centre = await centreWithCoordinator(['primary', 'lower-secondary']);
  const other = await centreWithCoordinator(['primary', 'lower-secondary']);
  centreId = centre.centreId;
  coordinatorToken = centre.tokens.accessToken;
  const [withSite, withoutSite, subject] = await Promise.all([
    activeUser(centreId, coordinatorToken, { sites: ['primary'] }),
    activeUser(centreId, coordinatorToken, { sites: ['lower-secondary'] }),
    activeUser(centreId, coordinatorToken, { sites: ['primary'] }),
  ]);
  teacherWith = { userId: withSite.user.userId, token: withSite.tokens.accessToken };
  subjectId = subject.user.userId;
  learnerId = (await addLearner(centreId, 'primary', coordinatorToken)).learnerId;
  await recordResults(centreId, 'primary', teacherWith.token, learnerId, 1);
  // A finished operation to read: a transfer of no data.
  const transfer = await api('POST', `/centres/${centreId}/users/${subjectId}/transfer`, {
    token: coordinatorToken,
    body: { toUserId: teacherWith.userId },
  });
  operationId = transfer.json.operationId;
  await waitForOperation(centreId, operationId, coordinatorToken);
  tokens = {
    'no token': undefined,
    'malformed token': 'not-a-jwt',
    'teacher with the site': teacherWith.token,
    'teacher without the site': withoutSite.tokens.accessToken,
    'coordinator of another centre': other.tokens.accessToken,
    coordinator: coordinatorToken,
    support: centre.supportToken,
  };
});

const snapshot = async () => ({
  learners: (await allPages(sitePath(centreId, 'primary', 'learners'), coordinatorToken)).items,
  results: (await allPages(sitePath(centreId, 'primary', 'progression-tests'), coordinatorToken))
    .items,
  subject: (
    await api('GET', `/centres/${centreId}/users/${subjectId}`, { token: coordinatorToken })
  ).json,
  subjectData: await progressionDataOf(centreId, subjectId, coordinatorToken),
  audit: await auditOf(centreId, coordinatorToken),
});

interface Route {
  name: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  /** What a caller allowed to use the route gets. */
  allowed: { status: number; code?: string };
  siteRoute: boolean;
}

const user = (action = '') => `/centres/${centreId}/users/${subjectId}${action}`;
const routes: Route[] = [
  {
    name: 'GET site teachers',
    method: 'GET',
    path: () => sitePath(centreId, 'primary', 'teachers'),
    allowed: { status: 200 },
    siteRoute: true,
  },
  {
    name: 'POST learner',
    method: 'POST',
    path: () => sitePath(centreId, 'primary', 'learners'),
    body: () => ({ name: 'Table Learner', stage: 2 }),
    allowed: { status: 201 },
    siteRoute: true,
  },
  {
    name: 'GET learners',
    method: 'GET',
    path: () => sitePath(centreId, 'primary', 'learners'),
    allowed: { status: 200 },
    siteRoute: true,
  },
  {
    name: 'POST progression test',
    method: 'POST',
    path: () => sitePath(centreId, 'primary', 'progression-tests'),
    body: () => resultBody('primary', learnerId, { teacherId: teacherWith.userId }),
    allowed: { status: 201 },
    siteRoute: true,
  },
  {
    name: 'GET progression tests',
    method: 'GET',
    path: () =>
      `${sitePath(centreId, 'primary', 'progression-tests')}?teacherId=${teacherWith.userId}`,
    allowed: { status: 200 },
    siteRoute: true,
  },
  {
    name: 'GET progression-data',
    method: 'GET',
    path: () => user('/progression-data'),
    allowed: { status: 200 },
    siteRoute: false,
  },
  {
    name: 'DELETE user (active: refused after authorization)',
    method: 'DELETE',
    path: () => user(),
    allowed: { status: 409, code: 'USER_NOT_SUSPENDED' },
    siteRoute: false,
  },
  {
    name: 'POST transfer (to the user: refused after authorization)',
    method: 'POST',
    path: () => user('/transfer'),
    body: () => ({ toUserId: subjectId }),
    allowed: { status: 409, code: 'INVALID_TRANSFER_TARGET' },
    siteRoute: false,
  },
  {
    name: 'POST offboarding (to the user: refused after authorization)',
    method: 'POST',
    path: () => user('/offboarding'),
    body: () => ({ transferTo: subjectId }),
    allowed: { status: 409, code: 'INVALID_TRANSFER_TARGET' },
    siteRoute: false,
  },
  {
    name: 'GET operation',
    method: 'GET',
    path: () => `/centres/${centreId}/operations/${operationId}`,
    allowed: { status: 200 },
    siteRoute: false,
  },
];

const expected = (caller: Caller, route: Route): { status: number; code?: string } => {
  switch (caller) {
    case 'no token':
    case 'malformed token':
      return { status: 401, code: 'UNAUTHENTICATED' };
    case 'coordinator of another centre':
      return { status: 404, code: 'NOT_FOUND' };
    case 'teacher without the site':
      return { status: 403, code: 'FORBIDDEN' };
    case 'teacher with the site':
      return route.siteRoute ? route.allowed : { status: 403, code: 'FORBIDDEN' };
    default:
      return route.allowed;
  }
};

const callers: Caller[] = [
  'no token',
  'malformed token',
  'teacher with the site',
  'teacher without the site',
  'coordinator of another centre',
  'coordinator',
  'support',
];
const table = callers.flatMap((caller) =>
  routes.map((route) => ({
    caller,
    route,
    label: `${route.name} as ${caller}`,
  })),
);

describe('who may call the new routes', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    before = await snapshot();
  });

  it.each(table)('$label', async ({ caller, route }) => {
    const want = expected(caller, route);

    const answer = await api(route.method, route.path(), {
      token: tokens[caller],
      body: route.body?.(),
    });

    expect(answer.status, answer.text).toBe(want.status);
    if (want.code) {
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.json.code).toBe(want.code);
    }
  });

  it('changed only what the allowed callers created: three learners and three results', async () => {
    const after = await snapshot();
    expect(after.learners).toHaveLength(before.learners.length + 3);
    expect(after.results).toHaveLength(before.results.length + 3);
    expect(after.subject).toEqual(before.subject);
    expect(after.subjectData).toEqual(before.subjectData);
    expect(
      after.results
        .slice(before.results.length)
        .every((result: any) => result.teacherId === teacherWith.userId),
    ).toBe(true);
  });
});

interface BadCase {
  method: string;
  path: () => string;
  /** A function when the body names ids only known once the centre exists. */
  body?: unknown;
  rawBody?: string;
  query?: string;
  status: number;
  code: string;
  /** A word the problem's `errors` must name (the bad path, or the unknown field). */
  names?: string;
}

const json = { 'content-type': 'application/json' };
const learners = () => sitePath(centreId, 'primary', 'learners');
const results = () => sitePath(centreId, 'primary', 'progression-tests');
const teachers = () => sitePath(centreId, 'primary', 'teachers');
const goodResult = () => resultBody('primary', learnerId);

const badCases: [string, BadCase][] = [
  // POST learners
  [
    'learner: malformed JSON',
    {
      method: 'POST',
      path: learners,
      rawBody: '{"name": "A',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  ['learner: no body', { method: 'POST', path: learners, status: 400, code: 'VALIDATION_FAILED' }],
  [
    'learner: an array',
    { method: 'POST', path: learners, body: [], status: 400, code: 'VALIDATION_FAILED' },
  ],
  [
    'learner: an unknown field',
    {
      method: 'POST',
      path: learners,
      body: { name: 'A B', stage: 2, colour: 'red' },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'colour',
    },
  ],
  [
    'learner: stage as a string',
    {
      method: 'POST',
      path: learners,
      body: { name: 'A B', stage: '2' },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'stage',
    },
  ],
  [
    'learner: stage 2.5',
    {
      method: 'POST',
      path: learners,
      body: { name: 'A B', stage: 2.5 },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'stage',
    },
  ],
  [
    'learner: no stage',
    {
      method: 'POST',
      path: learners,
      body: { name: 'A B' },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'stage',
    },
  ],
  [
    'learner: empty name',
    {
      method: 'POST',
      path: learners,
      body: { name: '  ', stage: 2 },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'name',
    },
  ],
  [
    'learner: name as a number',
    {
      method: 'POST',
      path: learners,
      body: { name: 42, stage: 2 },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'name',
    },
  ],
  [
    'learner: name with markup',
    {
      method: 'POST',
      path: learners,
      body: { name: '<script>', stage: 2 },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'name',
    },
  ],
  [
    'learner: classGroup as a number',
    {
      method: 'POST',
      path: learners,
      body: { name: 'A B', stage: 2, classGroup: 4 },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'classGroup',
    },
  ],
  [
    'learner: classGroup too long',
    {
      method: 'POST',
      path: learners,
      body: { name: 'A B', stage: 2, classGroup: 'x'.repeat(51) },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'classGroup',
    },
  ],
  // POST progression-tests
  [
    'result: malformed JSON',
    {
      method: 'POST',
      path: results,
      rawBody: '{"learnerId": ',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  [
    'result: an unknown field',
    {
      method: 'POST',
      path: results,
      body: () => ({ ...goodResult(), grade: 'A' }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'grade',
    },
  ],
  [
    'result: score as a string',
    {
      method: 'POST',
      path: results,
      body: () => ({ ...goodResult(), score: '30' }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'score',
    },
  ],
  [
    'result: maxScore 0',
    {
      method: 'POST',
      path: results,
      body: () => ({ ...goodResult(), score: 0, maxScore: 0 }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'maxScore',
    },
  ],
  [
    'result: stage null',
    {
      method: 'POST',
      path: results,
      body: () => ({ ...goodResult(), stage: null }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'stage',
    },
  ],
  [
    'result: empty series',
    {
      method: 'POST',
      path: results,
      body: () => ({ ...goodResult(), series: '' }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'series',
    },
  ],
  [
    'result: no subject',
    {
      method: 'POST',
      path: results,
      body: () => ({ ...goodResult(), subject: undefined }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'subject',
    },
  ],
  [
    'result: a malformed learnerId',
    {
      method: 'POST',
      path: results,
      body: () => ({ ...goodResult(), learnerId: '../LEARNER#x' }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'learnerId',
    },
  ],
  [
    'result: a malformed teacherId',
    {
      method: 'POST',
      path: results,
      body: () => ({ ...goodResult(), teacherId: 'USER#x/y' }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'teacherId',
    },
  ],
  [
    'result: teacherId as a number',
    {
      method: 'POST',
      path: results,
      body: () => ({ ...goodResult(), teacherId: 7 }),
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'teacherId',
    },
  ],
  // List queries
  [
    'results: limit 0',
    {
      method: 'GET',
      path: results,
      query: 'limit=0',
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'limit',
    },
  ],
  [
    'results: limit 101',
    {
      method: 'GET',
      path: results,
      query: 'limit=101',
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'limit',
    },
  ],
  [
    'results: limit abc',
    {
      method: 'GET',
      path: results,
      query: 'limit=abc',
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'limit',
    },
  ],
  [
    'results: an unknown parameter',
    {
      method: 'GET',
      path: results,
      query: 'subject=science',
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'subject',
    },
  ],
  [
    'results: a malformed teacherId',
    {
      method: 'GET',
      path: results,
      query: 'teacherId=a%23b',
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'teacherId',
    },
  ],
  [
    'results: a malformed learnerId',
    {
      method: 'GET',
      path: results,
      query: 'learnerId=ABC',
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'learnerId',
    },
  ],
  [
    'results: a made-up cursor',
    {
      method: 'GET',
      path: results,
      query: 'cursor=bm90LWEtY3Vyc29y',
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'cursor',
    },
  ],
  [
    'learners: limit 500',
    {
      method: 'GET',
      path: learners,
      query: 'limit=500',
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'limit',
    },
  ],
  [
    'learners: a made-up cursor',
    {
      method: 'GET',
      path: learners,
      query: 'cursor=%%%',
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'cursor',
    },
  ],
  [
    'teachers: limit -1',
    {
      method: 'GET',
      path: teachers,
      query: 'limit=-1',
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'limit',
    },
  ],
  [
    'teachers: an unknown parameter',
    {
      method: 'GET',
      path: teachers,
      query: 'role=teacher',
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'role',
    },
  ],
  // Removal routes
  [
    'transfer: malformed JSON',
    {
      method: 'POST',
      path: () => user('/transfer'),
      rawBody: '{"toUserId"',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  [
    'transfer: no body',
    { method: 'POST', path: () => user('/transfer'), status: 400, code: 'VALIDATION_FAILED' },
  ],
  [
    'transfer: toUserId as an array',
    {
      method: 'POST',
      path: () => user('/transfer'),
      body: { toUserId: ['x'] },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'toUserId',
    },
  ],
  [
    'offboarding: malformed JSON',
    {
      method: 'POST',
      path: () => user('/offboarding'),
      rawBody: '{',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  [
    'offboarding: an unknown field',
    {
      method: 'POST',
      path: () => user('/offboarding'),
      body: { transferTo: undefined, notify: false },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'notify',
    },
  ],
  [
    'offboarding: transferTo as a number',
    {
      method: 'POST',
      path: () => user('/offboarding'),
      body: { transferTo: 5 },
      status: 400,
      code: 'VALIDATION_FAILED',
      names: 'transferTo',
    },
  ],
  [
    'offboarding: a body that is not an object',
    {
      method: 'POST',
      path: () => user('/offboarding'),
      body: 'now',
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  [
    'delete: a body',
    {
      method: 'DELETE',
      path: () => user(),
      body: { force: true },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ],
  // Bad ids in the path
  [
    'a user id with forbidden characters',
    {
      method: 'GET',
      path: () => `/centres/${centreId}/users/a_b!/progression-data`,
      status: 404,
      code: 'NOT_FOUND',
    },
  ],
  [
    'an unknown user',
    {
      method: 'POST',
      path: () => `/centres/${centreId}/users/no-such-user/transfer`,
      body: () => ({ toUserId: subjectId }),
      status: 404,
      code: 'NOT_FOUND',
    },
  ],
  [
    'a lower-case centre id',
    {
      method: 'GET',
      path: () => sitePath(centreId.toLowerCase(), 'primary', 'learners'),
      status: 404,
      code: 'NOT_FOUND',
    },
  ],
  [
    'an operation id with capitals',
    {
      method: 'GET',
      path: () => `/centres/${centreId}/operations/ABCDEFGHIJKL`,
      status: 404,
      code: 'NOT_FOUND',
    },
  ],
];

describe('bad input is refused with a documented problem and changes nothing', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    before = await snapshot();
  });

  it.each(badCases)('%s', async (_label, bad) => {
    const answer = await api(bad.method, `${bad.path()}${bad.query ? `?${bad.query}` : ''}`, {
      token: coordinatorToken,
      body: typeof bad.body === 'function' ? bad.body() : bad.body,
      rawBody: bad.rawBody,
      headers: bad.rawBody !== undefined ? json : undefined,
    });

    expect(problemOf(answer), answer.text).toEqual(problem(bad.status, bad.code));
    expect(answer.json).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status: bad.status,
      detail: expect.any(String),
    });
    if (bad.status === 400) expect(answer.json.errors?.length).toBeGreaterThan(0);
    // Every error names the bad field, so the refusal is for the reason the case is about.
    if (bad.names)
      for (const error of answer.json.errors) expect(JSON.stringify(error)).toContain(bad.names);
  });

  it("refuses a cursor taken from another centre's list with 400", async () => {
    const other = await centreWithCoordinator(['primary']);
    const token = other.tokens.accessToken;
    await addLearner(other.centreId, 'primary', token);
    await addLearner(other.centreId, 'primary', token);
    const page = await api('GET', `${sitePath(other.centreId, 'primary', 'learners')}?limit=1`, {
      token,
    });
    expect(page.json.nextCursor).toEqual(expect.any(String));

    const answer = await api(
      'GET',
      `${learners()}?limit=1&cursor=${encodeURIComponent(page.json.nextCursor)}`,
      { token: coordinatorToken },
    );

    expect(problemOf(answer)).toEqual(problem(400, 'VALIDATION_FAILED'));
  });

  it('changed nothing: learners, results, the user acted on and the audit log are as before', async () => {
    const after = await snapshot();
    expect(after).toEqual(before);
  });
});
