/**
 * One helper per resource: each grants a function exactly what it needs AND sets the
 * environment variable its code reads (names from functions/core/config.ts), so a function
 * can never have a variable without the permission, or the permission without the variable.
 */
import { Arn, Aws, Stack, Validations } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { settingNames } from '../functions/core/config.js';
import { tableSchema } from '../functions/core/data/table-schema.js';
import type { HubFunction } from './hub-function.js';
import type { SharedBucketName } from './private-bucket.js';

/**
 * The DynamoDB actions a function may be granted, each named by the function that needs it:
 * what its code sends, nothing more (tests/infra/granted-actions.suite.ts compares them with
 * the commands the code builds). No Scan (no request path scans, see ARCHITECTURE.md), no
 * BatchWriteItem and no DescribeTable (no function sends them); TransactWriteItems has no
 * action of its own and is authorised through its items' PutItem, UpdateItem, DeleteItem and
 * ConditionCheckItem.
 */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'ConditionCheckItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem';

export type TableAccess = readonly TableAction[];

/**
 * Grants the listed actions on the table, and (when Query is one of them) on each index
 * named in tableSchema (by name, not `index/*`); sets TABLE_NAME.
 */
export function useTable(fn: HubFunction, table: ITableV2, access: TableAccess): void {
  if (access.length === 0) throw new Error('useTable needs at least one action');
  fn.function.addToRolePolicy(
    new PolicyStatement({
      actions: [...new Set(access)].map((action) => `dynamodb:${action}`),
      resources: [
        table.tableArn,
        ...(access.includes('Query')
          ? tableSchema.globalSecondaryIndexes.map(
              (index) => `${table.tableArn}/index/${index.indexName}`,
            )
          : []),
      ],
    }),
  );
  fn.setEnvironment(settingNames.tableName, table.tableName);
}

/** The Cognito actions a function may be granted; nothing broader than this list. */
export type CognitoAction =
  | 'AdminInitiateAuth'
  | 'AdminRespondToAuthChallenge'
  | 'AdminCreateUser'
  | 'AdminDeleteUser'
  | 'AdminGetUser'
  | 'AdminAddUserToGroup'
  | 'AdminRemoveUserFromGroup'
  | 'AdminSetUserPassword'
  | 'AdminResetUserPassword'
  | 'AdminUpdateUserAttributes'
  | 'AdminDisableUser'
  | 'AdminEnableUser'
  | 'AdminUserGlobalSignOut'
  | 'AdminListGroupsForUser'
  | 'AdminSetUserMFAPreference'
  | 'DescribeUserPoolClient';

/** Grants only the listed cognito-idp actions on the pool; sets USER_POOL_ID and USER_POOL_CLIENT_ID. */
export function useUserPool(
  fn: HubFunction,
  pool: IUserPool,
  client: IUserPoolClient,
  actions: readonly CognitoAction[],
): void {
  if (actions.length === 0) throw new Error('useUserPool needs at least one action');
  pool.grant(fn.function, ...actions.map((action) => `cognito-idp:${action}`));
  fn.setEnvironment(settingNames.userPoolId, pool.userPoolId);
  fn.setEnvironment(settingNames.userPoolClientId, client.userPoolClientId);
}

/**
 * Sets LEGACY_USER_POOL_CLIENT_ID: the app client being replaced, whose refresh tokens the
 * auth function refreshes with it (no grant: AdminInitiateAuth on the pool covers it).
 */
export function useLegacyUserPoolClient(fn: HubFunction, client: IUserPoolClient): void {
  fn.setEnvironment(settingNames.legacyUserPoolClientId, client.userPoolClientId);
}

/** The JWT authorizer's audience: the API's client, and the one it replaces while kept. */
export const appClientAudience = (client: IUserPoolClient, legacy?: IUserPoolClient) => [
  client.userPoolClientId,
  ...(legacy ? [legacy.userPoolClientId] : []),
];

export interface MailerSettings {
  mailFrom: string;
  mailDomain: string;
  /** `https://<console domain>`: every email links to a page of the console. */
  consoleUrl: string;
}

/** Sets CONSOLE_URL: for a function that writes emails (useMailer, Cognito's CustomMessage). */
export function useConsoleUrl(fn: HubFunction, consoleUrl: string): void {
  fn.setEnvironment(settingNames.consoleUrl, consoleUrl);
}

/** Grants ses:SendEmail from the noreply address only; sets MAIL_FROM and CONSOLE_URL. */
export function useMailer(fn: HubFunction, mail: MailerSettings): void {
  const stack = Stack.of(fn);
  // SES authorises against the identity the sender is verified under: the domain (or the
  // address itself, if that is verified too). Either way only MAIL_FROM may be the sender.
  const identity = (name: string) =>
    Arn.format({ service: 'ses', resource: 'identity', resourceName: name }, stack);
  fn.function.addToRolePolicy(
    new PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [identity(mail.mailDomain), identity(mail.mailFrom)],
      conditions: { StringEquals: { 'ses:FromAddress': mail.mailFrom } },
    }),
  );
  fn.setEnvironment(settingNames.mailFrom, mail.mailFrom);
  useConsoleUrl(fn, mail.consoleUrl);
}

/** Grants states:StartExecution on the removal workflow; sets REMOVAL_STATE_MACHINE_ARN. */
export function useRemovalWorkflow(fn: HubFunction, stateMachine: IStateMachine): void {
  stateMachine.grantStartExecution(fn.function);
  fn.setEnvironment(settingNames.removalStateMachineArn, stateMachine.stateMachineArn);
}

/** Grants states:StartExecution on the site-removal workflow; sets SITE_REMOVAL_STATE_MACHINE_ARN. */
export function useSiteRemovalWorkflow(fn: HubFunction, stateMachine: IStateMachine): void {
  stateMachine.grantStartExecution(fn.function);
  fn.setEnvironment(settingNames.siteRemovalStateMachineArn, stateMachine.stateMachineArn);
}

/** read: the coordinator's view; readWrite: the user's own; delete: the removal workflow's. */
export type PictureAccess = 'read' | 'readWrite' | 'delete';

/**
 * Profile pictures live under `pictures/<userId>` in the picture bucket: grants only object
 * reads (and, for readWrite, puts and deletes) under that prefix; sets PICTURE_BUCKET.
 */
export function usePictures(
  fn: HubFunction,
  pictureBucket: SharedBucketName,
  access: PictureAccess,
): void {
  const bucket = `arn:${Aws.PARTITION}:s3:::${pictureBucket.bucketName}`;
  const actions = {
    read: ['s3:GetObject'],
    readWrite: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
    delete: ['s3:DeleteObject'],
  }[access];
  fn.function.addToRolePolicy(
    new PolicyStatement({ actions, resources: [`${bucket}/pictures/*`] }),
  );
  // Without s3:ListBucket, S3 answers a GetObject of a missing key 403 AccessDenied rather
  // than 404 NoSuchKey, so "no picture yet" would look like a fault. It cannot be limited
  // to the pictures/ prefix: a GetObject request carries no s3:prefix for a condition.
  if (access !== 'delete')
    fn.function.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket] }),
    );
  fn.setEnvironment(settingNames.pictureBucket, pictureBucket.bucketName);
  Validations.of(fn).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${pictureBucket.exportName}/pictures/*]`,
    reason:
      'Profile pictures are one object per user under pictures/<userId>; the user id is known only per request, so the grant names the pictures/ prefix of the one picture bucket and no other object or bucket.',
  });
}
