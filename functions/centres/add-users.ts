/**
 * "Add new users": up to 100 rows at once, each succeeding or failing on its own.
 *
 * Rows are invited by a rolling pool: a few at a time, the next one starting as soon as any
 * ends, their starts paced to Cognito's quota. Every email is checked in one batch read
 * first, so a row then makes three calls one after another (Cognito, one transaction, SES).
 * The request stops starting rows once too little of the function's time is left for a row
 * to finish: those rows answer NOT_ATTEMPTED (nothing was done; send exactly them again).
 * A row that started always ends, created or cleanly undone (inviteUser), before the answer.
 */
import type { Centre } from '../core/data/centre.js';
import { batchGet } from '../core/data/db.js';
import { emailKey, publicUser } from '../core/data/user.js';
import { type Problem, ProblemError, validationFailed } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { type PoolClock, runPaced } from '../core/paced-pool.js';
import { assertSitesEligible } from '../core/rules.js';
import { NewUserRowSchema } from '../core/schemas/users.js';
import { inviteUser } from '../core/services/invite-user.js';
import type { CentresDeps } from './deps.js';

/**
 * Cognito's UserCreation category (AdminCreateUser, with SignUp and the confirmations) allows
 * 50 requests a second per account and Region by default. Each row makes one AdminCreateUser
 * when it starts, so one request starts at most 25 rows a second: half of the quota, so two
 * full imports at the same moment (and a centre being created) still fit in it.
 */
export const rowStartsPerSecond = 25;

/**
 * Rows in flight at once. A row takes about 0.2 s in AWS (three calls), so 8 keep the pace
 * above full (8 / 0.2 s = 40 starts a second, paced down to 25) without a burst: the pacing,
 * not this, is what holds the quota. Locally, where a row takes longer, this is the bound.
 */
export const rowConcurrency = 8;

/**
 * No row starts when less than this is left of the function's time: enough for a row started
 * just before to end (its three calls, with the SDK's retries, or its undo) and for the answer
 * to be written. With the 10 s timeout, rows start during the first 6 s at most.
 */
export const finishReserveMs = 4_000;

/** When to stop starting rows, and the clock pacing them (tests hand in fakes). */
export interface AddUsersTiming {
  remainingTimeMs(): number;
  clock?: PoolClock;
}

type RowResult =
  | { index: number; status: 'created'; user: ReturnType<typeof publicUser> }
  | { index: number; status: 'failed'; error: Problem };

const failed = (index: number, error: ProblemError): RowResult => ({
  index,
  status: 'failed',
  error: error.toProblem(),
});

export async function addUsers(
  deps: CentresDeps,
  centre: Centre,
  actorId: string,
  rows: Record<string, unknown>[],
  timing: AddUsersTiming,
) {
  const results: RowResult[] = [];
  const pending: { index: number; row: ReturnType<typeof NewUserRowSchema.parse> }[] = [];
  const emails = new Set<string>();

  rows.forEach((raw, index) => {
    const parsed = NewUserRowSchema.safeParse(raw);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        path: `users.${index}${issue.path.length ? `.${issue.path.join('.')}` : ''}`,
        message:
          issue.code === 'unrecognized_keys'
            ? `is not a known field: ${issue.keys.join(', ')}`
            : issue.message,
      }));
      results.push(failed(index, validationFailed(errors, 'This row is not valid')));
      return;
    }
    const row = parsed.data;
    if (emails.has(row.email)) {
      results.push(
        failed(
          index,
          new ProblemError('EMAIL_TAKEN', 'This email appears earlier in the same request'),
        ),
      );
      return;
    }
    emails.add(row.email);
    try {
      assertSitesEligible(row.sites, centre.eligibleSites);
    } catch (error) {
      results.push(failed(index, error as ProblemError));
      return;
    }
    pending.push({ index, row });
  });

  // Every email's uniqueness marker in one read (at most 100 keys: one request), so a taken
  // email is refused before Cognito is asked and no row spends a call on it.
  const taken = new Set<string>();
  const unknown = new Set<string>();
  try {
    const { found, unread } = await batchGet(
      deps.db,
      pending.map(({ row }) => emailKey(row.email)),
      'PK',
    );
    for (const item of found) taken.add(String(item.PK).slice('EMAIL#'.length));
    for (const key of unread) unknown.add(key.PK.slice('EMAIL#'.length));
  } catch (error) {
    // Each row then reads its own marker, and fails alone if DynamoDB is still down.
    logger.warn('the emails could not be read in one batch', { error });
    for (const { row } of pending) unknown.add(row.email);
  }
  const toInvite: typeof pending = [];
  for (const entry of pending)
    if (taken.has(entry.row.email))
      results.push(failed(entry.index, new ProblemError('EMAIL_TAKEN')));
    else toInvite.push(entry);

  const invite = async ({ index, row }: (typeof pending)[number]): Promise<RowResult> => {
    try {
      const user = await inviteUser(
        deps,
        { centre, ...row, actorId },
        { emailCheckedFree: !unknown.has(row.email) },
      );
      return { index, status: 'created', user: publicUser(user) };
    } catch (error) {
      if (error instanceof ProblemError) return failed(index, error);
      // One row's outage (Cognito, DynamoDB) must not sink the rows that can still succeed.
      logger.error('a row could not be added', { index, error });
      return failed(
        index,
        new ProblemError('SERVICE_UNAVAILABLE', 'This user could not be added now; try again'),
      );
    }
  };
  const settled = await runPaced(toInvite, invite, {
    concurrency: rowConcurrency,
    minStartIntervalMs: 1000 / rowStartsPerSecond,
    mayStart: () => timing.remainingTimeMs() > finishReserveMs,
    ...(timing.clock ? { clock: timing.clock } : {}),
  });
  let notAttempted = 0;
  settled.forEach((outcome, at) => {
    const { index } = toInvite[at] as (typeof toInvite)[number];
    if (outcome?.status === 'fulfilled') results.push(outcome.value);
    else if (outcome === undefined) {
      notAttempted++;
      results.push(failed(index, notAttemptedError));
    } else
      results.push(
        failed(index, new ProblemError('SERVICE_UNAVAILABLE', 'This user could not be added now')),
      );
  });
  if (notAttempted)
    logger.warn('rows not attempted: the request ran out of time', {
      notAttempted,
      rows: rows.length,
    });

  results.sort((a, b) => a.index - b.index);
  const created = results.filter((result) => result.status === 'created').length;
  return { results, created, failed: results.length - created };
}

const notAttemptedError = new ProblemError(
  'NOT_ATTEMPTED',
  'There was no time left in this request to add this user, so nothing was done. Send this row again.',
);
