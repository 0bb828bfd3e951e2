/**
 * The outbox's sender (issue 12 item 12): the table's stream, filtered to new outbox items,
 * drives one Lambda that sends each email through SES at `hub:mailSendRate` a second.
 *
 * - Reserved concurrency 1: one batch at a time across every stream shard, so the rate holds
 *   for the whole account, not per shard.
 * - Each batch reports the first record to try again (ReportBatchItemFailures); the stream
 *   retries from it, halving a failing batch (bisect), up to `retryAttempts` times. The
 *   handler itself counts each email's attempts and gives up after 5, recording the failure
 *   on the user, so the stream's retries are the backstop for a crash or a timeout.
 * - A batch the stream finally gives up on is described (shard, sequence numbers) in a
 *   dead-letter queue, alarmed: the outbox items it names are still in the table
 *   (status `pending`) for an operator to look at.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { settingNames } from '../functions/core/config.js';
import { outboxItemType } from '../functions/core/data/outbox.js';
import { deadLetterQueue } from './failed-executions.js';
import { HubFunction } from './hub-function.js';
import { type MailerSettings, useMailer, useTable, useUserPool } from './resource-access.js';
import type { HubSettings } from './settings.js';

/** Stream records a batch holds at most: 10 emails take 1 s at 10 a second. */
export const outboxBatchSize = 10;
/** The stream's retries of a failing batch before it goes to the dead-letter queue. */
export const outboxStreamRetries = 10;

export interface OutboxSenderProps {
  settings: HubSettings;
  table: ITableV2;
  userPool: IUserPool;
  userPoolClient: IUserPoolClient;
  mailer: MailerSettings;
}

export class OutboxSender extends Construct {
  readonly fn: HubFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: OutboxSenderProps) {
    super(scope, id);
    const { settings } = props;
    this.fn = new HubFunction(this, 'Function', {
      entry: 'functions/outbox/index.ts',
      description: 'School Support Hub: sends the outbox emails (table stream)',
      logRetention: settings.logRetention,
      // A batch of 10 at the rate, plus waits for SES throttling (1 + 2 + 4 s) per email.
      timeout: Duration.seconds(90),
      reservedConcurrentExecutions: 1,
    });
    useTable(this.fn, props.table, ['GetItem', 'PutItem', 'UpdateItem']);
    // An invitation's temporary password is set at the moment it is sent.
    useUserPool(this.fn, props.userPool, props.userPoolClient, ['AdminSetUserPassword']);
    useMailer(this.fn, props.mailer);
    this.fn.setEnvironment(settingNames.mailSendRate, String(settings.mailSendRate));

    this.deadLetters = deadLetterQueue(
      this,
      'DeadLetters',
      "This queue IS the on-failure destination of the outbox sender's stream (batches the stream gave up on, described by shard and sequence numbers); nothing consumes it automatically. An alarm fires when it holds a message.",
    );
    this.fn.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: outboxBatchSize,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: outboxStreamRetries,
        maxRecordAge: Duration.days(1),
        reportBatchItemFailures: true,
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.deadLetters),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { type: { S: FilterRule.isEqual(outboxItemType) } } },
          }),
        ],
      }),
    );
    Validations.of(this.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        "The sender is invoked by a stream event source mapping, not asynchronously: a function DLQ never receives anything. Its failures go to the mapping's on-failure destination (the DeadLetters queue), which is alarmed.",
    });
  }
}
