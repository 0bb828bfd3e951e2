/**
 * What holds data and must outlive any deployment: the one table, the user pool and the
 * picture bucket. Everything here is RETAINed and deletion-protected.
 */
import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  UserPool,
  type UserPoolClient,
  UserPoolEmail,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import {
  AttributeType,
  Billing,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Bucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { tableSchema } from '../functions/core/data/table-schema.js';
import { passwordPolicy, supportGroup } from '../functions/core/domain.js';
import { HubFunction } from './hub-function.js';
import { configurationSetName } from './mail-stack.js';
import { privateBucket } from './private-bucket.js';
import { pictureBucketName, useConsoleUrl } from './resource-access.js';
import type { HubSettings } from './settings.js';
import { TableBackup } from './table-backup.js';

export interface StatefulStackProps extends StackProps {
  settings: HubSettings;
  /** The console's address (HubConsole): Cognito's emails link to it. */
  consoleUrl: string;
}

/** Cognito gives a trigger 5 s to answer. */
export const customMessageTimeout = Duration.seconds(5);

export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly tableBackup: TableBackup;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly pictureBucket: Bucket;
  readonly customMessageTrigger: HubFunction;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: tableSchema.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableSchema.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: tableSchema.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      })),
      timeToLiveAttribute: tableSchema.timeToLiveAttribute,
      // The outbox: the sender (HubStateless) reads new outbox items from the stream.
      dynamoStream: StreamViewType.NEW_IMAGE,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryptionV2.awsManagedKey(),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.tableBackup = new TableBackup(this, 'TableBackup', {
      table: this.table,
      backup: settings.backup,
    });

    this.userPool = new UserPool(this, 'UserPool', {
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      selfSignUpEnabled: false,
      passwordPolicy: {
        minLength: passwordPolicy.minLength,
        requireLowercase: passwordPolicy.requireLowercase,
        requireUppercase: passwordPolicy.requireUppercase,
        requireDigits: passwordPolicy.requireDigits,
        requireSymbols: passwordPolicy.requireSymbols,
        tempPasswordValidity: Duration.days(passwordPolicy.temporaryPasswordValidityDays),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      mfa: Mfa.OFF,
      featurePlan: FeaturePlan.ESSENTIALS,
      email: UserPoolEmail.withSES({
        fromEmail: settings.mailFrom,
        sesVerifiedDomain: settings.mailDomain,
        sesRegion: settings.region,
        // Cognito's emails are suppressed and reported like the API's (HubMail).
        configurationSetName,
      }),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG1',
        reason:
          'The password policy is the product rule in functions/core/domain.ts (passwordPolicy: 10+ characters, upper, lower and digit, no symbol requirement, per NIST SP 800-63B which advises length over composition rules); the API enforces the same policy.',
      },
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is not in the v1 product scope: staff sign in with email and password through the API (ADMIN_USER_PASSWORD_AUTH), and suspension/tokensValidAfter checks run on every request. MFA is a planned follow-up.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus feature plan only adds threat protection (adaptive auth, compromised-credential checks) at a per-MAU cost; with server-side ADMIN_USER_PASSWORD_AUTH it would also need client context data the API does not forward yet. The stage throttles and every bad login answers alike. Revisit with the Plus plan.',
      },
    );

    // Cognito's own emails (password reset codes) in the product's words, with the code alone
    // on a `Verification code:` line, as the local run relays them. It lives with the pool:
    // a trigger in the stateless stack would make the two stacks depend on each other.
    const customMessage = new HubFunction(this, 'CustomMessageTrigger', {
      entry: 'functions/triggers/custom-message.ts',
      description: "School Support Hub: Cognito's email wording",
      logRetention: settings.logRetention,
      // Cognito waits 5 s for a trigger (then retries): a longer timeout is never used.
      timeout: customMessageTimeout,
    });
    useConsoleUrl(customMessage, props.consoleUrl);
    this.customMessageTrigger = customMessage;
    this.userPool.addTrigger(UserPoolOperation.CUSTOM_MESSAGE, customMessage.function);

    this.userPool.addGroup('SupportGroup', {
      groupName: supportGroup,
      description: 'Customer-service staff: may act on any centre as its coordinator would',
    });

    const tokenValidity = Duration.minutes(settings.accessTokenMinutes);
    this.userPoolClient = this.userPool.addClient('ApiClient', {
      // The API signs users in server-side; no hosted UI, no OAuth flows.
      authFlows: { adminUserPassword: true, userPassword: true },
      disableOAuth: true,
      generateSecret: false,
      accessTokenValidity: tokenValidity,
      idTokenValidity: tokenValidity,
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });

    // Receives the picture bucket's server access logs (cdk-nag S1 exempts a log target).
    const accessLogBucket = new Bucket(this, 'AccessLogBucket', {
      ...privateBucket,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.pictureBucket = new Bucket(this, 'PictureBucket', {
      bucketName: pictureBucketName(),
      ...privateBucket,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogBucket,
      serverAccessLogsPrefix: 'pictures/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'PictureBucketName', { value: this.pictureBucket.bucketName });
  }
}
