/**
 * The table's AWS Backup plan, beside its point-in-time recovery (35 days, to the second):
 * a daily backup kept `retentionDays` (hub:backupRetentionDays) in a vault of its own that
 * outlives the stack, and, when hub:backupCopyToVaultArn names one, a copy of each backup to
 * a vault in another account (the copy survives the loss of this account).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import type { HubSettings } from './settings.js';

export class TableBackup extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;

  constructor(
    scope: Construct,
    id: string,
    props: { table: ITableV2; backup: HubSettings['backup'] },
  ) {
    super(scope, id);
    const { backup } = props;
    this.vault = new BackupVault(this, 'Vault', { removalPolicy: RemovalPolicy.RETAIN });
    this.plan = new BackupPlan(this, 'Plan', { backupVault: this.vault });
    this.plan.addRule(
      new BackupPlanRule({
        ruleName: 'Daily',
        // AWS Backup's own six-field cron (UTC), as hub:backupSchedule writes it.
        scheduleExpression: Schedule.expression(`cron(${backup.schedule})`),
        deleteAfter: Duration.days(backup.retentionDays),
        ...(backup.copyToVaultArn
          ? {
              copyActions: [
                {
                  destinationBackupVault: BackupVault.fromBackupVaultArn(
                    this,
                    'CopyVault',
                    backup.copyToVaultArn,
                  ),
                  deleteAfter: Duration.days(backup.retentionDays),
                },
              ],
            }
          : {}),
      }),
    );
    const selection = this.plan.addSelection('Table', {
      resources: [BackupResource.fromDynamoDbTable(props.table)],
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        "AWS Backup's own service-role policy, assumed only by backup.amazonaws.com for this plan's selection (the one table): AWS maintains the per-service backup permissions it needs, which a hand-written copy would have to follow.",
    });
  }
}
