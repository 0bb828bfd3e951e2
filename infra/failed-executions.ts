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

    this.queue = deadLetterQueue(
      this,
      'Queue',
      'This queue IS the dead-letter queue of the removal workflow (failed, timed-out and aborted executions, from EventBridge); nothing consumes it automatically, so a DLQ of its own would never receive anything. An alarm fires when it holds a message.',
    );
    this.deliveryFailures = deadLetterQueue(
      this,
      'DeliveryFailures',
      'This queue IS a dead-letter queue: that of the EventBridge target delivering failed workflow executions (events it could not deliver after 185 tries in 24 hours). Nothing consumes it; an alarm fires when it holds a message.',
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

/**
 * A dead-letter queue: SSE-SQS, not a KMS key (EventBridge may send to it without a key
 * policy, and the messages hold only ids and error text), TLS only, kept 14 days; the
 * findings asking a DLQ for a DLQ of its own acknowledged with `isDeadLetterQueue`.
 */
export function deadLetterQueue(scope: Construct, id: string, isDeadLetterQueue: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: failedExecutionRetention,
  });
  Validations.of(queue).acknowledge(
    { id: 'AwsSolutions-SQS3', reason: isDeadLetterQueue },
    { id: 'Serverless-SQSRedrivePolicy', reason: isDeadLetterQueue },
  );
  return queue;
}
