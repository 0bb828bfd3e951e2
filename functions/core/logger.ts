import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per function. Bodies, passwords, codes and tokens are never
 * passed to it: the pipeline logs only the route, the status, the caller's id and timings.
 */
export const logger = new Logger({ serviceName: 'school-support-hub' });
