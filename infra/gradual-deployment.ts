/**
 * Gradual deployment of an API function: the HTTP API calls the function's `live` alias,
 * and a new version reaches it through CodeDeploy (10 % of requests for 5 minutes, then
 * all), rolled back by itself when the alias's errors or p99 duration alarm during the
 * deployment, or when the deployment fails. Only AWS is concerned: the local runtime
 * (infra/local) calls the handlers in-process.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import {
  type ILambdaApplication,
  LambdaDeploymentConfig,
  LambdaDeploymentGroup,
} from 'aws-cdk-lib/aws-codedeploy';
import { Alias } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { HubFunction } from './hub-function.js';

/** The alias the API's integrations invoke. */
export const liveAliasName = 'live';

/** How a new version takes the traffic, and what rolls it back. */
export const gradualDeployment = {
  config: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  /** One-minute periods: a canary of 5 minutes must be able to see its own errors. */
  period: Duration.minutes(1),
  /** Any unhandled error (a thrown exception or a timeout) through the alias: roll back. */
  errorsThreshold: 0,
  /** p99 duration through the alias above this for 3 minutes running: roll back. */
  p99DurationMs: 3000,
  p99DurationPeriods: 3,
} as const;

export interface GradualDeploymentProps {
  fn: HubFunction;
  /** One CodeDeploy application for all the stack's deployment groups. */
  application: ILambdaApplication;
}

export class GradualDeployment extends Construct {
  readonly alias: Alias;
  readonly deploymentGroup: LambdaDeploymentGroup;
  readonly errorsAlarm: Alarm;
  readonly durationAlarm: Alarm;

  constructor(scope: Construct, id: string, props: GradualDeploymentProps) {
    super(scope, id);
    const { fn } = props;
    this.alias = new Alias(this, 'Alias', {
      aliasName: liveAliasName,
      version: fn.function.currentVersion,
      description: 'What the HTTP API invokes; moved to a new version by CodeDeploy',
    });

    const { period } = gradualDeployment;
    // The alias's own metrics (dimension Resource = <function>:live): what the API sent to it.
    this.errorsAlarm = new Alarm(this, 'ErrorsAlarm', {
      metric: this.alias.metricErrors({ period, statistic: Stats.SUM }),
      threshold: gradualDeployment.errorsThreshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `Rolls back a deployment of ${fn.node.id}: an unhandled error or a timeout through the ${liveAliasName} alias`,
    });
    this.durationAlarm = new Alarm(this, 'DurationAlarm', {
      metric: this.alias.metricDuration({ period, statistic: Stats.p(99) }),
      threshold: gradualDeployment.p99DurationMs,
      evaluationPeriods: gradualDeployment.p99DurationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `Rolls back a deployment of ${fn.node.id}: p99 duration through the ${liveAliasName} alias above ${gradualDeployment.p99DurationMs} ms for ${gradualDeployment.p99DurationPeriods} minutes`,
    });

    this.deploymentGroup = new LambdaDeploymentGroup(this, 'DeploymentGroup', {
      application: props.application,
      alias: this.alias,
      deploymentConfig: gradualDeployment.config,
      alarms: [this.errorsAlarm, this.durationAlarm],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    Validations.of(this.deploymentGroup).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason:
        "CodeDeploy's role for Lambda deployments: CDK always attaches AWS's own limited policy for it (get and update an alias, read the alarms, invoke only functions named CodeDeployHook_*), which AWS keeps in step with what CodeDeploy calls. The role can be assumed by CodeDeploy alone.",
    });
  }
}
