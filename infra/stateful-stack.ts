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
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolEmail,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import {
  AttributeType,
  Billing,
  type ITableV2,
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
import { useConsoleUrl } from './resource-access.js';
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
  /** The table this stack creates, or the restored one hub:tableName names. */
  readonly table: ITableV2;
  readonly tableBackup: TableBackup;
  readonly userPool: UserPool;
  /** The API's confidential app client (a secret, the server-side flows only). */
  readonly userPoolClient: UserPoolClient;
  /** The client it replaces, while `hub:legacyAppClient` keeps it for one deploy. */
  readonly legacyUserPoolClient?: UserPoolClient;
  readonly pictureBucket: Bucket;
  readonly customMessageTrigger: HubFunction;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { settings } = props;

    // hub:tableName: a table restored from a backup takes the place of the one created here
    // (README, "Restoring the table"); the stack then neither creates nor configures a table.
    // Its stream (hub:tableStreamArn, NEW_IMAGE, turned on after the restore) feeds the outbox.
    this.table = settings.tableName
      ? TableV2.fromTableAttributes(this, 'Table', {
          tableName: settings.tableName,
          tableStreamArn: settings.tableStreamArn,
        })
      : this.createTable();
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
      // OPTIONAL: Cognito asks for a code from everyone who set an authenticator app up, and
      // lets coordinators choose. ON would force an app on every teacher at once; support
      // staff's app is required by the API (functions/auth/routes.ts), before any token.
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      ...(settings.threatProtection
        ? {
            featurePlan: FeaturePlan.PLUS,
            standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
          }
        : { featurePlan: FeaturePlan.ESSENTIALS }),
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
          'MFA is OPTIONAL pool-wide on purpose: an authenticator app (TOTP) is required of support staff by the API, which hands them no token before they have set one up and answered its code, and offered to every other user from their profile. ON would force it on every teacher at once.',
      },
      ...(settings.threatProtection
        ? []
        : [
            {
              id: 'AwsSolutions-COG8',
              reason:
                'hub:threatProtection is off for this deployment (a test or development stage): the Plus plan is billed per monthly active user. Production turns it on (cdk.json).',
            },
          ]),
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
    const tokens = {
      accessTokenValidity: tokenValidity,
      idTokenValidity: tokenValidity,
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      // The API signs users in server-side; no hosted UI, no OAuth flows.
      disableOAuth: true,
    };
    // The client the API signs in with: the server-side flow alone (refresh is always on),
    // and a secret, read by the auth and me functions from Cognito (DescribeUserPoolClient)
    // and never put in their configuration. Cognito's public calls (ForgotPassword,
    // ConfirmForgotPassword, InitiateAuth, RespondToAuthChallenge) then need a SECRET_HASH
    // made with it, so the client id, which every token carries, lets nobody past the API's
    // counters and throttles. A new logical id: a secret cannot be added to a client.
    this.userPoolClient = this.userPool.addClient('ServerClient', {
      authFlows: { adminUserPassword: true },
      generateSecret: true,
      ...tokens,
    });
    // The client before it, kept for the one deploy that switches (README, "Replacing the
    // app client"): tokens it issued stay accepted and its refresh tokens keep working. Its
    // USER_PASSWORD_AUTH is gone at once (an in-place change of its flows).
    if (settings.legacyAppClient)
      this.legacyUserPoolClient = this.userPool.addClient('ApiClient', {
        authFlows: { adminUserPassword: true },
        generateSecret: false,
        ...tokens,
      });

    // Receives the picture bucket's server access logs (cdk-nag S1 exempts a log target).
    const accessLogBucket = new Bucket(this, 'AccessLogBucket', {
      ...privateBucket,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.pictureBucket = new Bucket(this, 'PictureBucket', {
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
    if (this.legacyUserPoolClient)
      new CfnOutput(this, 'LegacyUserPoolClientId', {
        value: this.legacyUserPoolClient.userPoolClientId,
      });
    new CfnOutput(this, 'PictureBucketName', { value: this.pictureBucket.bucketName });
    // The sender of the operator command's invitations (scripts/ops.ts), as of the user pool.
    new CfnOutput(this, 'MailFrom', { value: settings.mailFrom });
  }

  /** The one table: point-in-time recovery, deletion protection, retained. */
  private createTable(): TableV2 {
    return new TableV2(this, 'Table', {
      partitionKey: { name: tableSchema.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableSchema.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: tableSchema.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType[index.projection],
      })),
      timeToLiveAttribute: tableSchema.timeToLiveAttribute,
      // The outbox: the sender (the stateless stack) reads new outbox items from the stream.
      dynamoStream: StreamViewType.NEW_IMAGE,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryptionV2.awsManagedKey(),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
