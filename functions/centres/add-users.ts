/**
 * "Add new users": up to 100 rows at once, each succeeding or failing on its own. Rows are
 * invited a few at a time, so a large batch stays within Cognito's request quotas.
 */
import type { Centre } from '../core/data/centre.js';
import { publicUser } from '../core/data/user.js';
import { type Problem, ProblemError, validationFailed } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { assertSitesEligible } from '../core/rules.js';
import { NewUserRowSchema } from '../core/schemas/users.js';
import { inviteUser } from '../core/services/invite-user.js';
import type { CentresDeps } from './deps.js';

const concurrency = 4;

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

  const invite = async ({ index, row }: (typeof pending)[number]): Promise<RowResult> => {
    try {
      const user = await inviteUser(deps, { centre, ...row, actorId });
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
  for (let start = 0; start < pending.length; start += concurrency)
    results.push(...(await Promise.all(pending.slice(start, start + concurrency).map(invite))));

  results.sort((a, b) => a.index - b.index);
  const created = results.filter((result) => result.status === 'created').length;
  return { results, created, failed: results.length - created };
}
