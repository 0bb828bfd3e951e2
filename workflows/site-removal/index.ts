import { systemClock } from '../../functions/core/ports.js';
import { tableFromEnvironment } from '../../functions/core/wiring.js';
import { createSiteRemovalHandler } from './handler.js';

// A page reads 40 users and writes at most 81 items in one transaction (DynamoDB allows
// 100); a step does up to 25 pages (1,000 users) and starts no page after 30 s, so 10,000
// users take about 11 steps, each well inside the function's 60 s timeout.
export const handler = createSiteRemovalHandler({
  db: tableFromEnvironment(),
  clock: systemClock,
  pageSize: 40,
  pagesPerStep: 25,
  stepBudgetMs: 30_000,
});
