/**
 * The site-removal workflow: sites taken away from a centre are taken from its users, a
 * bounded step at a time (Take sites → More? → Take sites … → Succeeded), as one Standard
 * state machine. Every step is the site-removal task function (workflows/site-removal),
 * told which step to run; each reads the operation (its cursor and counts) from the table,
 * so the state carries only the operation id and small answers, and a retried step, or a
 * resumed operation, goes on from the page the operation records. JSONPath, like the
 * removal workflow, so the local runner runs this same definition.
 */
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Choice, Condition, type StateMachine, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { loggedStateMachine, taskSteps, workflowLogGroup } from './removal-workflow.js';

export interface SiteRemovalWorkflowProps {
  /** The task function (workflows/site-removal/index.ts). */
  tasks: IFunction;
  /** @default RetentionDays.THREE_MONTHS */
  logRetention?: RetentionDays;
}

export class SiteRemovalWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: SiteRemovalWorkflowProps) {
    super(scope, id);

    this.logGroup = workflowLogGroup(this, id, props.logRetention);

    const { step, guarded } = taskSteps(this, props.tasks);

    const take = guarded(step('Take sites', 'takeSites', '$.taken'));
    const finish = guarded(step('Succeeded', 'finish', '$.finished'));
    finish.next(new Succeed(this, 'Done'));

    take.next(
      new Choice(this, 'Every user looked at?')
        .when(Condition.booleanEquals('$.taken.complete', true), finish)
        .otherwise(take),
    );

    this.stateMachine = loggedStateMachine(this, {
      definition: take,
      logGroup: this.logGroup,
      tasks: props.tasks,
      // 10,000 users take 12 steps of a few seconds; a day leaves room for throttling.
      timeout: Duration.hours(24),
    });
  }
}
