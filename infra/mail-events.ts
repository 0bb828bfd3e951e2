/**
 * SES's bounce and complaint events (HubMail's topic) to the function that marks the users
 * (functions/mail-events). SNS retries a failed delivery to Lambda, then puts the message in
 * the subscription's dead-letter queue, which is alarmed.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SnsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './failed-executions.js';
import { HubFunction } from './hub-function.js';
import { useTable } from './resource-access.js';
import type { HubSettings } from './settings.js';

export interface MailEventsProps {
  settings: HubSettings;
  table: ITableV2;
  topic: ITopic;
}

export class MailEvents extends Construct {
  readonly fn: HubFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: MailEventsProps) {
    super(scope, id);
    this.fn = new HubFunction(this, 'Function', {
      entry: 'functions/mail-events/index.ts',
      description: 'School Support Hub: marks bounced and complaining addresses on the users',
      logRetention: props.settings.logRetention,
      timeout: Duration.seconds(10),
    });
    useTable(this.fn, props.table, ['GetItem', 'PutItem']);
    this.deadLetters = deadLetterQueue(
      this,
      'DeadLetters',
      'This queue IS the dead-letter queue of the SNS subscription that delivers SES bounce and complaint events to their function; nothing consumes it automatically. An alarm fires when it holds a message.',
    );
    this.fn.function.addEventSource(
      new SnsEventSource(props.topic, { deadLetterQueue: this.deadLetters }),
    );
  }
}
