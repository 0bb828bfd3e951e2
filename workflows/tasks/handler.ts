/**
 * The removal workflow's one task function: the state machine names the step in `task`.
 * Errors leave with a name the state machine's Retry and Catch understand: TransientError
 * is retried, OperationRefused is recorded on the operation and ends it.
 */

import { flushMetrics } from '../../functions/core/metrics.js';
import { classify } from './errors.js';
import { checkData, fail, finish, prepare, remove, type StepDeps, transfer } from './steps.js';

export type TaskEvent =
  | { task: 'prepare' | 'checkData' | 'transfer' | 'delete'; operationId: string }
  | { task: 'finish'; operationId: string; status: 'succeeded' | 'needs_transfer' }
  | { task: 'fail'; operationId: string; error: { Error?: string; Cause?: string } };

export function createTaskHandler(deps: StepDeps) {
  return async (event: TaskEvent) => {
    try {
      switch (event.task) {
        case 'prepare':
          return await prepare(deps, event.operationId);
        case 'checkData':
          return await checkData(deps, event.operationId);
        case 'transfer':
          return await transfer(deps, event.operationId);
        case 'delete':
          return await remove(deps, event.operationId);
        case 'finish':
          return await finish(deps, event.operationId, event.status);
        case 'fail':
          return await fail(deps, event.operationId, event.error);
      }
    } catch (error) {
      throw classify(error);
    } finally {
      flushMetrics();
    }
  };
}
