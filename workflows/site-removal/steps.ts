/**
 * The site-removal workflow's steps. Each reads the operation from the table and is safe
 * to run again: a page is one transaction conditional on the operation's page number, so a
 * step retried (or run twice at once) after a page was done does not do it again.
 */
import type { Db } from '../../functions/core/data/db.js';
import {
  endSiteRemoval,
  getSiteRemoval,
  type SiteRemoval,
  takeSitesPage,
} from '../../functions/core/data/site-removal.js';
import { logger } from '../../functions/core/logger.js';
import { countEvent } from '../../functions/core/metrics.js';
import type { Clock } from '../../functions/core/ports.js';
import { OperationRefused } from '../tasks/errors.js';

export interface SiteRemovalDeps {
  db: Db;
  clock: Clock;
  /** Users read per page (one transaction of at most 2 × pageSize + 1 items). */
  pageSize: number;
  /** Pages one Take sites step does at most (the state machine loops until none are left). */
  pagesPerStep: number;
  /** …and no new page once a step has run this long (a slow table still ends well in time). */
  stepBudgetMs?: number;
}

async function siteRemovalOf(db: Db, operationId: string): Promise<SiteRemoval> {
  const operation = await getSiteRemoval(db, operationId);
  if (!operation) throw new OperationRefused(`No site removal ${operationId}`);
  return operation;
}

/** Up to `pagesPerStep` pages of the centre's users, each saved as it is done. */
export async function takeSites(deps: SiteRemovalDeps, operationId: string) {
  const { db } = deps;
  let operation = await siteRemovalOf(db, operationId);
  const now = () => deps.clock().toISOString();
  const deadline = Date.now() + (deps.stepBudgetMs ?? 30_000);
  // At least one page a step, however slow, so every step moves the operation on.
  for (
    let pages = 0;
    pages < deps.pagesPerStep && (pages === 0 || Date.now() < deadline);
    pages++
  ) {
    if (operation.status !== 'running' || operation.complete) break;
    const outcome = await takeSitesPage(db, operation, deps.pageSize, now);
    if (!outcome.done) {
      // Another run did this page: go on from where the operation now is.
      operation = await siteRemovalOf(db, operationId);
      continue;
    }
    countEvent('SiteAccessRemoved', outcome.updated);
    const { cursor: _previous, ...rest } = operation;
    operation = {
      ...rest,
      page: operation.page + 1,
      usersChecked: operation.usersChecked + outcome.checked,
      usersUpdated: operation.usersUpdated + outcome.updated,
      complete: outcome.complete,
      ...(outcome.cursor ? { cursor: outcome.cursor } : {}),
    };
  }
  return {
    // An operation that has ended (failed, then resumed by another execution) stops here.
    complete: operation.complete || operation.status !== 'running',
    usersChecked: operation.usersChecked,
    usersUpdated: operation.usersUpdated,
  };
}

/** Ends the operation once every user was looked at; the sites may be given back again. */
export async function finish(deps: SiteRemovalDeps, operationId: string) {
  const operation = await siteRemovalOf(deps.db, operationId);
  if (operation.status === 'running')
    await endSiteRemoval(deps.db, operation, {
      status: 'succeeded',
      at: deps.clock().toISOString(),
    });
  return { status: 'succeeded' as const };
}

/**
 * Records that the operation stopped. Its cursor stays: the same change sent again resumes
 * it from that page, and until then the centre keeps refusing the sites back.
 */
export async function fail(
  deps: SiteRemovalDeps,
  operationId: string,
  error: { Error?: string; Cause?: string },
) {
  const operation = await siteRemovalOf(deps.db, operationId);
  logger.error('site removal workflow failed', { operationId, error: error.Error });
  await endSiteRemoval(deps.db, operation, {
    status: 'failed',
    error:
      'An unexpected error stopped the operation; send the same change to the centre again to go on from where it stopped',
    at: deps.clock().toISOString(),
  });
  return { status: 'failed' as const };
}
