/** Progression Test learners, results and removal operations, over HTTP. */
import { allPages, api, sleep } from './hub.js';

export type ProgressionSite = 'primary' | 'lower-secondary';

export interface ProgressionData {
  primary: number;
  'lower-secondary': number;
  total: number;
}

export interface Operation {
  operationId: string;
  type: 'delete' | 'offboarding' | 'transfer';
  userId: string;
  toUserId?: string;
  status: 'running' | 'succeeded' | 'needs_transfer' | 'failed';
  moved: number;
  error?: string;
  startedAt: string;
  endedAt?: string;
}

/** `/centres/{centreId}/sites/{site}/{what}`. */
export const sitePath = (centreId: string, site: string, what: string) =>
  `/centres/${centreId}/sites/${site}/${what}`;

/** A stage the site teaches. */
export const stageOf = (site: ProgressionSite) => (site === 'primary' ? 4 : 8);

/** POST …/sites/{site}/learners; answers the learner. */
export async function addLearner(
  centreId: string,
  site: ProgressionSite,
  token: string,
  body: Record<string, unknown> = {},
) {
  const answer = await api('POST', sitePath(centreId, site, 'learners'), {
    token,
    body: { name: 'Mary Somerville', stage: stageOf(site), ...body },
  });
  if (answer.status !== 201) throw new Error(`addLearner: ${answer.status} ${answer.text}`);
  return answer.json as { learnerId: string; name: string; stage: number; classGroup?: string };
}

/** A valid body for POST …/progression-tests. */
export const resultBody = (
  site: ProgressionSite,
  learnerId: string,
  overrides: Record<string, unknown> = {},
) => ({
  learnerId,
  subject: 'mathematics',
  stage: stageOf(site),
  series: '2026 Series 1',
  score: 31,
  maxScore: 50,
  ...overrides,
});

/** Records `count` results (one after the other) and answers them. */
export async function recordResults(
  centreId: string,
  site: ProgressionSite,
  token: string,
  learnerId: string,
  count: number,
  overrides: Record<string, unknown> = {},
) {
  const results: { resultId: string; teacherId: string; learnerId: string }[] = [];
  for (let index = 0; index < count; index++) {
    const answer = await api('POST', sitePath(centreId, site, 'progression-tests'), {
      token,
      body: resultBody(site, learnerId, { score: index % 50, ...overrides }),
    });
    if (answer.status !== 201) throw new Error(`recordResult: ${answer.status} ${answer.text}`);
    results.push(answer.json);
  }
  return results;
}

/** GET …/users/{userId}/progression-data. */
export async function progressionDataOf(centreId: string, userId: string, token: string) {
  const answer = await api('GET', `/centres/${centreId}/users/${userId}/progression-data`, {
    token,
  });
  if (answer.status !== 200) throw new Error(`progression-data: ${answer.status} ${answer.text}`);
  return answer.json as ProgressionData;
}

/** Every result of a site (optionally `teacherId=…` or `learnerId=…`), every page. */
export const resultsOf = async (
  centreId: string,
  site: ProgressionSite,
  token: string,
  query = '',
) =>
  (
    await allPages<{ resultId: string; teacherId: string; learnerId: string; score: number }>(
      `${sitePath(centreId, site, 'progression-tests')}${query ? `?${query}` : ''}`,
      token,
    )
  ).items;

/** Polls GET …/operations/{operationId} until its status is no longer `running`. */
export async function waitForOperation(
  centreId: string,
  operationId: string,
  token: string,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await api<Operation>('GET', `/centres/${centreId}/operations/${operationId}`, {
      token,
    });
    if (answer.status !== 200) throw new Error(`operation: ${answer.status} ${answer.text}`);
    if (answer.json.status !== 'running') return answer.json;
    if (Date.now() > deadline)
      throw new Error(`Operation ${operationId} still running after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The result ids of a list, sorted, to compare lists whatever their order. */
export const resultIds = (list: { resultId: string }[]) =>
  list.map((result) => result.resultId).sort();
