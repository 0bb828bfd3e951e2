import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Business events as CloudWatch metrics (embedded metric format, written with the logs, so
 * no API call on the request path). Flushed once per invocation by the pipeline.
 */
export const metrics = new Metrics({
  namespace: 'SchoolSupportHub',
  serviceName: 'school-support-hub',
});

export type BusinessEvent =
  | 'CentresCreated'
  | 'UsersAdded'
  | 'UsersSuspended'
  | 'UsersRestored'
  | 'UsersDeleted'
  | 'ResultsRecorded'
  | 'ResultsTransferred'
  | 'SiteRemovalsStarted'
  | 'SiteAccessRemoved'
  /** A notice the mailer refused (the change it tells of stands): alarmed. */
  | 'EmailsNotSent';

export function countEvent(event: BusinessEvent, count = 1) {
  if (count > 0) metrics.addMetric(event, MetricUnit.Count, count);
}

/**
 * Business metrics go out with the invocation's logs, only when there are some (Powertools'
 * own middleware would log a warning on every invocation that records none).
 */
export function flushMetrics() {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
