/**
 * The dead-letter path of the asynchronous pieces, the workflows: every execution
 * that ends FAILED, TIMED_OUT or ABORTED is delivered (the whole Step Functions status-change
 * event: execution ARN, input, error, cause) to an SQS queue, where operators find it and
 * redrive it (`aws stepfunctions redrive-execution`, Standard workflows, within 14 days).
 * An event EventBridge could not deliver there (after 185 tries over 24 hours) goes to a
 * second queue, `deliveryFailures`, rather than being dropped: both are alarmed.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** The execution statuses that end an execution unsuccessfully (the redrivable ones). */
export const failedExecutionStatuses = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** As long as SQS keeps a message: the same 14 days as Step Functions allows a redrive. */
export const failedExecutionRetention = Duration.days(14);

export interface FailedExecutionsProps {
  /** The workflows whose failed executions are delivered (removal, site removal). */
  stateMachines: IStateMachine[];
}

export class FailedExecutions extends Construct {
  readonly queue: Queue;
  /** The rule target's dead-letter queue: events EventBridge failed to deliver to `queue`. */
  readonly deliveryFailures: Queue;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: FailedExecutionsProps) {
    super(scope, id);

    // SSE-SQS, not a KMS key: EventBridge may send to it without a key policy, and the
    // messages hold only ids and error text (the workflow's input is ids).
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: failedExecutionRetention,
    });
    const isDeadLetterQueue =
      'This queue IS the dead-letter queue of the removal workflow (failed, timed-out and aborted executions, from EventBridge); nothing consumes it automatically, so a DLQ of its own would never receive anything. An alarm fires when it holds a message.';
    Validations.of(this.queue).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: isDeadLetterQueue },
      { id: 'Serverless-SQSRedrivePolicy', reason: isDeadLetterQueue },
    );

    this.deliveryFailures = new Queue(this, 'DeliveryFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: failedExecutionRetention,
    });
    const isTargetDeadLetterQueue =
      'This queue IS a dead-letter queue: that of the EventBridge target delivering failed workflow executions (events it could not deliver after 185 tries in 24 hours). Nothing consumes it; an alarm fires when it holds a message.';
    Validations.of(this.deliveryFailures).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: isTargetDeadLetterQueue },
      { id: 'Serverless-SQSRedrivePolicy', reason: isTargetDeadLetterQueue },
    );

    this.rule = new Rule(this, 'Rule', {
      description: 'Workflow executions that did not succeed, to the dead-letter queue',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: props.stateMachines.map((machine) => machine.stateMachineArn),
          status: [...failedExecutionStatuses],
        },
      },
      targets: [
        new SqsQueue(this.queue, {
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.deliveryFailures,
        }),
      ],
    });
  }
}
