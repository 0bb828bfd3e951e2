/**
 * The removal workflow: suspend → check data → transfer (a loop of batches) → delete, as
 * one Standard state machine. Every step is the one task function (workflows/tasks), told
 * which step to run; each reads the operation from the table, so the state carries only
 * ids and small answers. Written in JSONPath on purpose: the local runner
 * (aws-local-stepfunctions) runs this same definition and ignores JSONata.
 */
import { type CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  type IChainable,
  JitterType,
  LogLevel,
  QueryLanguage,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  type TaskStateBase,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface RemovalWorkflowProps {
  /** The task function (workflows/tasks/index.ts). */
  tasks: IFunction;
  /** @default RetentionDays.THREE_MONTHS */
  logRetention?: RetentionDays;
}

/** Errors worth another try: ours (TransientError) and Lambda's own passing failures. */
export const retriedErrors = [
  'TransientError',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

export class RemovalWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: RemovalWorkflowProps) {
    super(scope, id);

    this.logGroup = workflowLogGroup(this, id, props.logRetention);

    const { step, guarded } = taskSteps(this, props.tasks);

    const prepare = guarded(step('Suspend', 'prepare', '$.prepared'));
    const checkData = guarded(step('Check data', 'checkData', '$.data'));
    const transfer = guarded(step('Transfer', 'transfer', '$.transferred'));
    const remove = guarded(step('Delete', 'delete', '$.deleted'));
    const done = guarded(step('Succeeded', 'finish', '$.finished', { status: 'succeeded' })).next(
      new Succeed(this, 'Done'),
    );
    const needsTransfer = guarded(
      step('Needs transfer', 'finish', '$.finished', { status: 'needs_transfer' }),
    ).next(new Succeed(this, 'Left suspended'));

    const afterData: IChainable = new Choice(this, 'Transfer only?')
      .when(Condition.stringEquals('$.prepared.type', 'transfer'), done)
      .otherwise(remove);

    transfer.next(
      new Choice(this, 'More to move?')
        .when(Condition.numberGreaterThan('$.transferred.remaining', 0), transfer)
        .otherwise(afterData),
    );
    // A result recorded just before the delete stops it: look at the data again.
    remove.next(
      new Choice(this, 'Deleted?')
        .when(Condition.booleanEquals('$.deleted.deleted', true), done)
        .otherwise(checkData),
    );

    const definition = prepare
      .next(checkData)
      .next(
        new Choice(this, 'Has data?')
          .when(
            Condition.numberGreaterThan('$.data.total', 0),
            new Choice(this, 'Has a target?')
              .when(Condition.booleanEquals('$.prepared.hasTarget', true), transfer)
              .otherwise(needsTransfer),
          )
          .otherwise(afterData),
      );

    this.stateMachine = loggedStateMachine(this, {
      definition,
      logGroup: this.logGroup,
      tasks: props.tasks,
      timeout: Duration.hours(2),
    });
  }
}

/**
 * A workflow's log group. Step Functions log delivery: a /aws/vendedlogs/ name keeps
 * CloudWatch Logs' resource policy small (AWS's advice for vended logs). Shared by the
 * removal and the site-removal workflows.
 */
export function workflowLogGroup(
  scope: Construct,
  id: string,
  retention = RetentionDays.THREE_MONTHS,
): LogGroup {
  return new LogGroup(scope, 'LogGroup', {
    logGroupName: `/aws/vendedlogs/states/${Stack.of(scope).stackName}-${id}`,
    retention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/** What a task throws when no retry can change the answer (workflows/tasks/errors.ts). */
export const refusalError = 'OperationRefused';

/**
 * The steps of a workflow whose every state is the one task function, told which task to
 * run on the operation (`operationId` from the input), retried on `retriedErrors` with
 * backoff and full jitter (executions retrying together spread out); and `guarded`, which
 * catches what a step leaves with:
 *
 * - a refusal (`OperationRefused`: the user was restored meanwhile, the colleague lost the
 *   site) is the answer of the operation, not a fault: it is recorded on the operation and
 *   the execution ends SUCCEEDED, so it pages nobody and reaches no dead-letter queue;
 * - anything else is recorded too, then the execution ends FAILED (the dead-letter queue
 *   and the alarms: someone must look).
 *
 * Shared by the removal and the site-removal workflows.
 */
export function taskSteps(scope: Construct, tasks: IFunction) {
  const step = (
    name: string,
    task: string,
    resultPath: string,
    extra: Record<string, unknown> = {},
  ) =>
    new LambdaInvoke(scope, name, {
      lambdaFunction: tasks,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({ task, 'operationId.$': '$.operationId', ...extra }),
      resultPath,
      retryOnServiceExceptions: false,
    }).addRetry({
      errors: retriedErrors,
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 4,
      jitterStrategy: JitterType.FULL,
    });
  const recordRefusal = step('Record refusal', 'fail', '$.failure', {
    'error.$': '$.error',
  }).next(new Succeed(scope, 'Refused'));
  const recordFailure = step('Record failure', 'fail', '$.failure', {
    'error.$': '$.error',
  }).next(
    new Fail(scope, 'Failed', {
      error: 'OperationFailed',
      cause: 'The operation failed; see the operation record',
    }),
  );
  const guarded = <T extends TaskStateBase>(task: T): T => {
    task.addCatch(recordRefusal, { errors: [refusalError], resultPath: '$.error' });
    task.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    return task;
  };
  return { step, guarded };
}

/**
 * A workflow's Standard state machine (JSONPath, every state logged with its data, traced)
 * that invokes one task function, with the cdk-nag findings that shape always raises
 * acknowledged and their reasons. Shared by the removal and the site-removal workflows.
 */
export function loggedStateMachine(
  scope: Construct,
  props: { definition: IChainable; logGroup: LogGroup; tasks: IFunction; timeout: Duration },
): StateMachine {
  const stateMachine = new StateMachine(scope, 'StateMachine', {
    stateMachineType: StateMachineType.STANDARD,
    queryLanguage: QueryLanguage.JSON_PATH,
    definitionBody: DefinitionBody.fromChainable(props.definition),
    logs: { destination: props.logGroup, level: LogLevel.ALL, includeExecutionData: true },
    tracingEnabled: true,
    timeout: props.timeout,
  });
  const stack = Stack.of(scope);
  const tasksResource = props.tasks.node.defaultChild as CfnResource;
  const tasksLogicalId = stack.resolve(stack.getLogicalId(tasksResource)) as string;
  Validations.of(stateMachine).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${tasksLogicalId}.Arn>:*]`,
    reason:
      'Step Functions invokes the one task function; CDK grants lambda:InvokeFunction on it and on its versions (<arn>:*), nothing else.',
  });
  Validations.of(stateMachine).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Step Functions logging (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) support no resource-level permissions; AWS documents Resource "*".',
  });
  return stateMachine;
}
