/**
 * One CloudWatch dashboard of the service, beside its alarms (infra/alarms.ts): the API
 * (requests, 4xx, 5xx, latency), every function (errors, throttles, p99 duration), the
 * workflows, the table, the dead-letter queues, SES and the business events.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  SingleValueWidget,
  Stats,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BusinessEvent } from '../functions/core/metrics.js';

export interface HubDashboardProps {
  stage: IHttpStage;
  functions: Record<string, IFunction>;
  stateMachines: Record<string, IStateMachine>;
  table: ITableV2;
  /** The dead-letter queues, by a readable name. */
  queues: Record<string, IQueue>;
}

/** The business events drawn (functions/core/metrics.ts). */
export const dashboardEvents: readonly BusinessEvent[] = [
  'CentresCreated',
  'UsersAdded',
  'UsersSuspended',
  'UsersRestored',
  'UsersDeleted',
  'ResultsRecorded',
  'ResultsTransferred',
  'SiteAccessRemoved',
  'EmailsNotSent',
];

export class HubDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: HubDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const sum = { period, statistic: Stats.SUM };
    const named = (metric: Metric, label: string) => metric.with({ label });
    const functions = Object.entries(props.functions);

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-service`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API: requests, 4xx, 5xx',
        width: 12,
        left: [
          named(props.stage.metricCount(sum), 'requests'),
          named(props.stage.metricClientError(sum), '4xx'),
          named(props.stage.metricServerError(sum), '5xx'),
        ],
      }),
      new GraphWidget({
        title: 'API: latency (ms)',
        width: 12,
        left: [
          named(props.stage.metricLatency({ period, statistic: Stats.p(50) }), 'p50'),
          named(props.stage.metricLatency({ period, statistic: Stats.p(99) }), 'p99'),
        ],
      }),
    );
    const perFunction = (title: string, metricOf: (fn: IFunction) => Metric) =>
      new GraphWidget({
        title,
        width: 8,
        left: functions.map(([name, fn]) => named(metricOf(fn), name)),
      });
    this.dashboard.addWidgets(
      perFunction('Functions: errors', (fn) => fn.metricErrors(sum)),
      perFunction('Functions: throttles', (fn) => fn.metricThrottles(sum)),
      perFunction('Functions: p99 duration (ms)', (fn) =>
        fn.metricDuration({ period, statistic: Stats.p(99) }),
      ),
    );
    const machines = Object.entries(props.stateMachines);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Workflows: executions',
        width: 8,
        left: machines.flatMap(([name, machine]): IMetric[] => [
          named(machine.metricStarted(sum), `${name} started`),
          named(machine.metricSucceeded(sum), `${name} succeeded`),
          named(machine.metricFailed(sum), `${name} failed`),
        ]),
      }),
      new GraphWidget({
        title: 'Table: consumed capacity',
        width: 8,
        left: [
          named(props.table.metricConsumedReadCapacityUnits(sum), 'read units'),
          named(props.table.metricConsumedWriteCapacityUnits(sum), 'write units'),
        ],
      }),
      new SingleValueWidget({
        title: 'Dead letters waiting',
        width: 8,
        metrics: Object.entries(props.queues).map(([name, queue]) =>
          named(
            queue.metricApproximateNumberOfMessagesVisible({ period, statistic: Stats.MAXIMUM }),
            name,
          ),
        ),
      }),
    );
    const ses = (metricName: string) => new Metric({ namespace: 'AWS/SES', metricName, ...sum });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Email (SES, this region)',
        width: 12,
        left: [
          named(ses('Send'), 'sent'),
          named(ses('Bounce'), 'bounced'),
          named(ses('Complaint'), 'complaints'),
        ],
      }),
      new GraphWidget({
        title: 'What the schools did',
        width: 12,
        left: dashboardEvents.map(
          (event) =>
            new Metric({
              namespace: 'SchoolSupportHub',
              metricName: event,
              dimensionsMap: { service: 'school-support-hub' },
              ...sum,
            }),
        ),
      }),
    );
  }
}
