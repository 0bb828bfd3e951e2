import { systemClock } from '../../functions/core/ports.js';
import { tableFromEnvironment } from '../../functions/core/wiring.js';
import { createSiteRemovalHandler } from './handler.js';

// A page reads 40 users and writes at most 81 items in one transaction (DynamoDB allows
// 100); a step does up to 25 pages (1,000 users, a few seconds), so 10,000 users take 10
// steps, each well inside the function's timeout.
export const handler = createSiteRemovalHandler({
  db: tableFromEnvironment(),
  clock: systemClock,
  pageSize: 40,
  pagesPerStep: 25,
});
