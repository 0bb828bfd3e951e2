import {
  identityFromEnvironment,
  picturesFromEnvironment,
} from '../../functions/core/adapters/from-environment.js';
import { systemClock } from '../../functions/core/ports.js';
import { tableFromEnvironment } from '../../functions/core/wiring.js';
import { createTaskHandler } from './handler.js';

// A Transfer step moves at most 500 results (20 transactions of 25) and the state machine
// loops: 10,000 results take 20 steps, well inside the Lambda timeout each.
export const handler = createTaskHandler({
  db: tableFromEnvironment(),
  identity: identityFromEnvironment(),
  pictures: picturesFromEnvironment(),
  clock: systemClock,
  batchLimit: 500,
  perTransaction: 25,
});
