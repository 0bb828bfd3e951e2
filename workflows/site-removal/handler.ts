/**
 * The site-removal workflow's task function: the state machine names the step in `task`.
 * Passing failures leave as TransientError (retried by the state machine); anything else
 * is caught by it and recorded on the operation.
 */
import { UsersKeptChanging } from '../../functions/core/data/site-removal.js';
import { flushMetrics } from '../../functions/core/metrics.js';
import { classify, TransientError } from '../tasks/errors.js';
import { fail, finish, type SiteRemovalDeps, takeSites } from './steps.js';

export type SiteRemovalTaskEvent =
  | { task: 'takeSites' | 'finish'; operationId: string }
  | { task: 'fail'; operationId: string; error: { Error?: string; Cause?: string } };

export function createSiteRemovalHandler(deps: SiteRemovalDeps) {
  return async (event: SiteRemovalTaskEvent) => {
    try {
      switch (event.task) {
        case 'takeSites':
          return await takeSites(deps, event.operationId);
        case 'finish':
          return await finish(deps, event.operationId);
        case 'fail':
          return await fail(deps, event.operationId, event.error);
      }
    } catch (error) {
      if (error instanceof UsersKeptChanging)
        throw new TransientError('Users kept changing while their sites were taken');
      throw classify(error);
    } finally {
      flushMetrics();
    }
  };
}
