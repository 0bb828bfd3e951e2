/**
 * The CloudWatch alarms of the stateless stack, always there: each is routed to the SNS topic
 * named by `hub:alarmTopicArn`, or else to the stack's own topic (with an email subscription
 * when `hub:alarmEmail` is set). Missing data never breaches: a quiet hour is not an incident.
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Operation } from 'aws-cdk-lib/aws-dynamodb';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** The thresholds, in one place (README "Deploy to AWS" lists them). */
export const alarmThresholds = {
  /** Percentage of the API's requests answered 5xx in 5 minutes. */
  api5xxPercent: 5,
  /** SES reputation: AWS reviews an account at a 5 % bounce rate (pauses sending at 10 %). */
  sesBounceRate: 0.05,
  /** SES reputation: AWS reviews an account at a 0.1 % complaint rate (pauses at 0.5 %). */
  sesComplaintRate: 0.001,
  /** The API's p99 latency, in ms, three 5-minute periods running (routes time out at 10 s). */
  apiP99LatencyMs: 3000,
  /** 4xx answers in 5 minutes: a burst of refusals (429 floods, a client gone wrong, probing). */
  api4xxCount: 1000,
} as const;

export interface HubAlarmsProps {
  topic: ITopic;
  stage: IHttpStage;
  /** Every Lambda function, by a readable name (areas, the workflows' task functions, the trigger). */
  functions: Record<string, IFunction>;
  /** The workflows, by a readable name. */
  stateMachines: Record<string, IStateMachine>;
  /** The rule delivering failed executions to `deadLetterQueue`. */
  failedExecutionsRule: IRule;
  table: ITableV2;
  deadLetterQueue: IQueue;
  /** Where EventBridge puts what it could not deliver to `deadLetterQueue`. */
  deliveryFailures: IQueue;
  /** The outbox sender's on-failure destination: stream batches it gave up on. */
  outboxDeadLetters: IQueue;
  /** SES bounce and complaint events SNS could not deliver to their function. */
  mailEventsDeadLetters: IQueue;
}

export class HubAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: HubAlarmsProps) {
    super(scope, id);
    this.action = new SnsAction(props.topic);
    const period = Duration.minutes(5);

    // 5xx as a share of all requests: a count would page on a busy day and sleep on a quiet one.
    this.add('Api5xxRate', {
      metric: new MathExpression({
        expression: '100 * FILL(errors, 0) / requests',
        usingMetrics: {
          errors: props.stage.metricServerError({ period, statistic: Stats.SUM }),
          requests: props.stage.metricCount({ period, statistic: Stats.SUM }),
        },
        label: 'API 5xx (% of requests)',
        period,
      }),
      threshold: alarmThresholds.api5xxPercent,
      description: `More than ${alarmThresholds.api5xxPercent} % of API requests answered 5xx in 5 minutes`,
    });

    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${name}Errors`, {
        metric: fn.metricErrors({ period, statistic: Stats.SUM }),
        threshold: 0,
        description: `The ${name} Lambda threw (an unhandled error or a timeout)`,
      });
      this.add(`${name}Throttles`, {
        metric: fn.metricThrottles({ period, statistic: Stats.SUM }),
        threshold: 0,
        description: `The ${name} Lambda was throttled (reserved or account concurrency reached)`,
      });
    }

    this.add('ApiP99Latency', {
      metric: props.stage.metricLatency({ period, statistic: Stats.p(99) }),
      threshold: alarmThresholds.apiP99LatencyMs,
      evaluationPeriods: 3,
      description: `The API's p99 latency above ${alarmThresholds.apiP99LatencyMs} ms for 15 minutes`,
    });
    this.add('Api4xxBurst', {
      metric: props.stage.metricClientError({ period, statistic: Stats.SUM }),
      threshold: alarmThresholds.api4xxCount,
      description: `More than ${alarmThresholds.api4xxCount} API answers 4xx in 5 minutes (429 floods, a broken client, probing)`,
    });

    for (const [name, machine] of Object.entries(props.stateMachines)) {
      this.add(`${name}ExecutionsFailed`, {
        metric: machine.metricFailed({ period, statistic: Stats.SUM }),
        threshold: 0,
        description: `A ${name} workflow execution failed (see the dead-letter queue)`,
      });
      this.add(`${name}ExecutionsTimedOut`, {
        metric: machine.metricTimedOut({ period, statistic: Stats.SUM }),
        threshold: 0,
        description: `A ${name} workflow execution timed out (see the dead-letter queue)`,
      });
      this.add(`${name}ExecutionsAborted`, {
        metric: machine.metricAborted({ period, statistic: Stats.SUM }),
        threshold: 0,
        description: `A ${name} workflow execution was aborted (see the dead-letter queue)`,
      });
    }
    this.add('EmailsNotSent', {
      metric: new Metric({
        namespace: 'SchoolSupportHub',
        metricName: 'EmailsNotSent',
        dimensionsMap: { service: 'school-support-hub' },
        period,
        statistic: Stats.SUM,
      }),
      threshold: 0,
      description:
        'An email the hub owed someone finally failed (the outbox sender\'s "email not sent, for good" log lines); it shows on the user as emailStatus failed',
    });
    this.add('FailedExecutionsRuleFailedInvocations', {
      metric: new Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { RuleName: props.failedExecutionsRule.ruleName },
        period,
        statistic: Stats.SUM,
      }),
      threshold: 0,
      description:
        'EventBridge failed to deliver a failed workflow execution to the dead-letter queue (it retries, then the delivery-failures queue)',
    });

    // The table: requests throttled or failed by DynamoDB itself, for the operations the code sends.
    const operations = [
      Operation.GET_ITEM,
      Operation.BATCH_GET_ITEM,
      Operation.QUERY,
      Operation.PUT_ITEM,
      Operation.UPDATE_ITEM,
      Operation.DELETE_ITEM,
      Operation.TRANSACT_WRITE_ITEMS,
    ];
    this.add('TableThrottledRequests', {
      metric: props.table.metricThrottledRequestsForOperations({ operations, period }),
      threshold: 0,
      description: 'DynamoDB throttled requests to the table',
    });
    this.add('TableSystemErrors', {
      metric: props.table.metricSystemErrorsForOperations({ operations, period }),
      threshold: 0,
      description: 'DynamoDB answered requests to the table with a system error (500)',
    });

    // Account-wide reputation of this region's SES; published about hourly as a ratio (0..1).
    const reputation = (metricName: string) =>
      new Metric({
        namespace: 'AWS/SES',
        metricName,
        statistic: Stats.MAXIMUM,
        period: Duration.hours(1),
      });
    this.add('SesBounceRate', {
      metric: reputation('Reputation.BounceRate'),
      threshold: alarmThresholds.sesBounceRate,
      description: 'SES bounce rate above 5 % (AWS reviews the account; 10 % pauses sending)',
    });
    this.add('SesComplaintRate', {
      metric: reputation('Reputation.ComplaintRate'),
      threshold: alarmThresholds.sesComplaintRate,
      description: 'SES complaint rate above 0.1 % (AWS reviews the account; 0.5 % pauses sending)',
    });

    this.add('DeadLetterQueueNotEmpty', {
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: Stats.MAXIMUM,
      }),
      threshold: 0,
      description:
        'A removal or site-removal workflow execution did not succeed and waits in the dead-letter queue: redrive it or clear it',
    });
    this.add('DeliveryFailuresNotEmpty', {
      metric: props.deliveryFailures.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: Stats.MAXIMUM,
      }),
      threshold: 0,
      description:
        'EventBridge could not deliver a failed workflow execution to the dead-letter queue: the event waits in the delivery-failures queue',
    });
    this.add('MailEventsDeadLettersNotEmpty', {
      metric: props.mailEventsDeadLetters.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: Stats.MAXIMUM,
      }),
      threshold: 0,
      description:
        'An SES bounce or complaint event could not be recorded on its user (SNS gave up): it waits in the queue',
    });
    this.add('OutboxDeadLettersNotEmpty', {
      metric: props.outboxDeadLetters.metricApproximateNumberOfMessagesVisible({
        period,
        statistic: Stats.MAXIMUM,
      }),
      threshold: 0,
      description:
        "The outbox sender's stream gave up on a batch of emails (see the queue's message for its sequence numbers; the outbox items stay pending in the table)",
    });
  }

  /** One alarm: above the threshold in one period; missing data is not breaching. */
  private add(
    id: string,
    options: {
      metric: IMetric;
      threshold: number;
      description: string;
      evaluationPeriods?: number;
    },
  ): void {
    const alarm = new Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
  }
}
