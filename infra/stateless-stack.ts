/**
 * What can be replaced at any time: one Lambda per area (from the route table), the HTTP
 * API with one route per routeList entry, the removal workflow and the site-removal
 * workflow.
 */
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { LambdaApplication } from 'aws-cdk-lib/aws-codedeploy';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { originSecretVariable } from '../functions/core/edge.js';
import { type Area, areas, type OperationId, routeList } from '../functions/core/routes.js';
import { removalTasksId, siteRemovalTasksId } from '../workflows/names.js';
import { RemovalWorkflow } from '../workflows/removal-workflow.js';
import { SiteRemovalWorkflow } from '../workflows/site-removal-workflow.js';
import { HubAlarms } from './alarms.js';
import { ConsoleDeployment } from './console-deployment.js';
import type { ApiEdge } from './console-stack.js';
import { cors } from './cors.js';
import { HubDashboard } from './dashboard.js';
import { FailedExecutions } from './failed-executions.js';
import { GradualDeployment } from './gradual-deployment.js';
import { HubFunction } from './hub-function.js';
import { MailEvents } from './mail-events.js';
import { OutboxSender } from './outbox-sender.js';
import type { SharedBucketName } from './private-bucket.js';
import {
  appClientAudience,
  type CognitoAction,
  type PictureAccess,
  type TableAccess,
  useLegacyUserPoolClient,
  useMailer,
  usePictures,
  useRemovalWorkflow,
  useSiteRemovalWorkflow,
  useTable,
  useUserPool,
} from './resource-access.js';
import type { HubSettings } from './settings.js';

/** What an area's Lambda may use. Each entry becomes one `use…` helper call. */
export interface AreaResources {
  table?: TableAccess;
  userPool?: readonly CognitoAction[];
  mailer?: boolean;
  pictures?: PictureAccess;
  removalWorkflow?: boolean;
  siteRemovalWorkflow?: boolean;
}

/**
 * The table actions each function's code sends (tests/infra/granted-actions.suite.ts finds
 * them in the code and fails on any missing or extra). Every function reads and writes
 * single items (the caller's record, idempotency and rate-limit records, transactions).
 */
const itemReadWrite = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] as const;
export const tableAccess = {
  // Sign-in, session and profile routes: items by key only, no query.
  itemsOnly: itemReadWrite,
  // Listing and finding (users, audit, results): queries, and users by key in batches.
  withQueries: [...itemReadWrite, 'Query', 'BatchGetItem'],
  // The removal steps and the sites routes also check a teacher in a transaction.
  withQueriesAndChecks: [...itemReadWrite, 'Query', 'BatchGetItem', 'ConditionCheckItem'],
  // The site-removal steps: pages of users by query, written back one transaction a page;
  // they change users and never delete an item.
  siteRemoval: ['GetItem', 'PutItem', 'UpdateItem', 'Query'],
  // Support: finds centres and people by query, never reads keys in batches.
  support: [...itemReadWrite, 'Query'],
} as const satisfies Record<string, TableAccess>;

/** The per-area wiring. Typed by Area: adding an area to `areas` without a line here fails to compile. */
export const areaResources = {
  system: {},
  // ForgotPassword and ConfirmForgotPassword are public Cognito calls: no grant needed (the
  // client secret, read with DescribeUserPoolClient, is what keeps them to the API), nor for
  // AssociateSoftwareToken / VerifySoftwareToken (the user's access token authorises them).
  // A forgotten password of an invited user writes a fresh invitation to the outbox.
  // AdminSetUserPassword: a password reset. AdminUserGlobalSignOut: sign-out revokes every refresh token.
  // AdminRespondToAuthChallenge answers the authenticator code; AdminGetUser tells whether
  // a support account still has its app before a refresh.
  auth: {
    table: tableAccess.itemsOnly,
    userPool: [
      'AdminInitiateAuth',
      'AdminRespondToAuthChallenge',
      'AdminGetUser',
      'AdminSetUserPassword',
      'AdminUserGlobalSignOut',
      'DescribeUserPoolClient',
    ],
  },
  // AdminInitiateAuth checks the current password before an email or password change (or
  // turning two-step sign-in off); AdminGetUser and AdminSetUserMFAPreference read and turn
  // off the authenticator app (SetUserMFAPreference, turning it on, takes the user's token).
  // The mailer: the code that confirms a new address is sent inline (the person waits for
  // it, and a code not sent fails the request); every notice goes through the outbox.
  me: {
    table: tableAccess.itemsOnly,
    userPool: [
      'AdminInitiateAuth',
      'AdminSetUserPassword',
      'AdminUpdateUserAttributes',
      'AdminGetUser',
      'AdminSetUserMFAPreference',
      'DescribeUserPoolClient',
    ],
    mailer: true,
  },
  // Pictures have their own Lambda, so only it carries the S3 client.
  pictures: { table: tableAccess.itemsOnly, pictures: 'readWrite' },
  centres: {
    table: tableAccess.withQueries,
    userPool: [
      'AdminCreateUser',
      'AdminDeleteUser',
      'AdminGetUser',
      'AdminUpdateUserAttributes',
      'AdminDisableUser',
      'AdminEnableUser',
      // The coordinator's Reset password is ForgotPassword, whose SECRET_HASH needs the
      // server client's secret, read from Cognito.
      'DescribeUserPoolClient',
    ],
    removalWorkflow: true,
  },
  sites: { table: tableAccess.withQueriesAndChecks },
  // Creating a centre invites its coordinator (inviteUser: find, delete a stale login,
  // create). The support account's group is set by whoever creates support staff, not here.
  // AdminSetUserMFAPreference: support turns off the authenticator app of a user who lost it.
  support: {
    table: tableAccess.support,
    userPool: ['AdminCreateUser', 'AdminDeleteUser', 'AdminGetUser', 'AdminSetUserMFAPreference'],
    // Taking a site away from a centre starts the site-removal workflow.
    siteRemovalWorkflow: true,
  },
} as const satisfies Record<Area, AreaResources>;

/**
 * One JSON line per request, with HTTP API ($context) variables: who called (the token's
 * `sub`, empty on public routes) and API Gateway's own error message beside the status.
 */
export const accessLogFields = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  sub: '$context.authorizer.claims.sub',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
  authorizerError: '$context.authorizer.error',
  userAgent: '$context.identity.userAgent',
};

/** The stage's default throttling: every route, from README's load model (hub:stage…Limit). */
export const stageThrottle = (settings: HubSettings) => ({
  burstLimit: settings.stageBurstLimit,
  rateLimit: settings.stageRateLimit,
});

/** The public sign-in routes (`/auth/*`): throttled tighter than the stage (hub:auth…Limit). */
export const publicAuthRoutes = routeList.filter(
  (entry) => entry.access === 'public' && entry.path.startsWith('/auth/'),
);

/**
 * Cognito's account-recovery category (ForgotPassword, ConfirmForgotPassword) allows 30
 * requests per second per account and cannot be raised; these routes call it.
 */
export const accountRecoveryRoutes: readonly OperationId[] = ['forgottenPassword', 'resetPassword'];
export const cognitoAccountRecoveryRps = 30;

/** API Gateway ends every integration after 30 s; an area function must finish before. */
export const apiIntegrationTimeoutSeconds = 30;

export interface StatelessStackProps extends StackProps {
  settings: HubSettings;
  table: ITableV2;
  userPool: IUserPool;
  userPoolClient: IUserPoolClient;
  /**
   * The app client being replaced (hub:legacyAppClient): its tokens are accepted, and the
   * auth function refreshes its refresh tokens with it, for the deploy that switches.
   */
  legacyUserPoolClient?: IUserPoolClient;
  /** The console's distribution and address (HubConsole): this stack uploads the console. */
  console: { distribution: IDistribution; url: string; bucket: SharedBucketName };
  /** With hub:apiDomain (HubConsole): the API's distribution, custom domain and origin secret. */
  apiEdge?: ApiEdge;
  /** The picture bucket's generated name (HubStateful). */
  pictureBucket: SharedBucketName;
  /** Cognito's CustomMessage trigger (HubStateful), alarmed here with every other function. */
  customMessageTrigger: IFunction;
  /** SES's bounce and complaint events (HubMail). */
  mailEvents: ITopic;
}

export class StatelessStack extends Stack {
  readonly functions: Record<Area, HubFunction>;
  /** Each API function's `live` alias and its CodeDeploy deployment group (what the API calls). */
  readonly deployments: Record<Area, GradualDeployment>;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly removalWorkflow: RemovalWorkflow;
  readonly removalTasks: HubFunction;
  readonly siteRemovalWorkflow: SiteRemovalWorkflow;
  readonly siteRemovalTasks: HubFunction;
  readonly failedExecutions: FailedExecutions;
  readonly alarms: HubAlarms;
  readonly dashboard: HubDashboard;
  /** Where the alarms go: hub:alarmTopicArn's topic, or this stack's own. */
  readonly alarmTopic: ITopic;
  readonly consoleDeployment: ConsoleDeployment;
  readonly outboxSender: OutboxSender;
  readonly mailEvents: MailEvents;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { settings } = props;
    checkAuthLimits(settings);
    const mailer = { ...settings, consoleUrl: props.console.url };

    // The workflow's steps: they delete logins, pictures and records, and move results.
    const tasks = new HubFunction(this, removalTasksId, {
      entry: 'workflows/tasks/index.ts',
      description: 'School Support Hub: the removal workflow steps',
      logRetention: settings.logRetention,
      // A Transfer step moves up to 500 results; nothing waits on it but the workflow.
      timeout: Duration.seconds(60),
    });
    useTable(tasks, props.table, tableAccess.withQueriesAndChecks);
    useUserPool(tasks, props.userPool, props.userPoolClient, [
      'AdminDeleteUser',
      'AdminDisableUser',
    ]);
    usePictures(tasks, props.pictureBucket, 'delete');
    this.removalTasks = tasks;
    this.removalWorkflow = new RemovalWorkflow(this, 'RemovalWorkflow', {
      tasks: tasks.function,
      logRetention: settings.logRetention,
    });

    // Taking sites from a centre's users: pages of users, so the table alone, nothing else.
    const siteTasks = new HubFunction(this, siteRemovalTasksId, {
      entry: 'workflows/site-removal/index.ts',
      description: 'School Support Hub: the site-removal workflow steps',
      logRetention: settings.logRetention,
      // A Take sites step does up to 25 pages of 40 users; nothing waits on it but the workflow.
      timeout: Duration.seconds(60),
    });
    useTable(siteTasks, props.table, tableAccess.siteRemoval);
    this.siteRemovalTasks = siteTasks;
    this.siteRemovalWorkflow = new SiteRemovalWorkflow(this, 'SiteRemovalWorkflow', {
      tasks: siteTasks.function,
      logRetention: settings.logRetention,
    });

    // Every email the API and the workflow owe someone, from the table's outbox.
    this.outboxSender = new OutboxSender(this, 'OutboxSender', {
      settings,
      table: props.table,
      userPool: props.userPool,
      userPoolClient: props.userPoolClient,
      mailer,
    });

    // SES's bounces and complaints, marked on the users.
    this.mailEvents = new MailEvents(this, 'MailEvents', {
      settings,
      table: props.table,
      topic: props.mailEvents,
    });

    this.failedExecutions = new FailedExecutions(this, 'FailedExecutions', {
      stateMachines: [this.removalWorkflow.stateMachine, this.siteRemovalWorkflow.stateMachine],
    });

    const functions = {} as Record<Area, HubFunction>;
    const deployments = {} as Record<Area, GradualDeployment>;
    const application = new LambdaApplication(this, 'Deployments');
    for (const area of areas) {
      const fn = new HubFunction(this, `${capitalize(area)}Function`, {
        entry: `functions/${area}/index.ts`,
        description: `School Support Hub: the ${area} routes`,
        logRetention: settings.logRetention,
        // Sign-in traffic may not take more of Cognito than its quotas give (see settings).
        ...(area === 'auth' ? { reservedConcurrentExecutions: settings.authConcurrency } : {}),
      });
      // Behind CloudFront the API refuses requests that lack CloudFront's secret header.
      if (props.apiEdge)
        fn.function.addEnvironment(
          originSecretVariable,
          props.apiEdge.originSecret.secretValue.unsafeUnwrap(),
        );
      if (fn.function.timeout && fn.function.timeout.toSeconds() >= apiIntegrationTimeoutSeconds)
        throw new Error(`The ${area} function's timeout must stay below API Gateway's 30 s`);
      const needs: AreaResources = areaResources[area];
      if (needs.table) useTable(fn, props.table, needs.table);
      if (needs.userPool) useUserPool(fn, props.userPool, props.userPoolClient, needs.userPool);
      if (area === 'auth' && props.legacyUserPoolClient)
        useLegacyUserPoolClient(fn, props.legacyUserPoolClient);
      if (needs.mailer) useMailer(fn, mailer);
      if (needs.pictures) usePictures(fn, props.pictureBucket, needs.pictures);
      if (needs.removalWorkflow) useRemovalWorkflow(fn, this.removalWorkflow.stateMachine);
      if (needs.siteRemovalWorkflow)
        useSiteRemovalWorkflow(fn, this.siteRemovalWorkflow.stateMachine);
      functions[area] = fn;
      deployments[area] = new GradualDeployment(this, `${capitalize(area)}Deployment`, {
        fn,
        application,
      });
    }
    this.functions = functions;
    this.deployments = deployments;

    // The deployed console's origin, and any other the operator allows (hub:allowedOrigins).
    const allowOrigins = [...settings.allowedOrigins, props.console.url];
    this.api = new HttpApi(this, 'Api', {
      apiName: 'school-support-hub',
      description: 'School Support Hub HTTP API (v1)',
      createDefaultStage: false,
      // Behind CloudFront, the API's own endpoint would be a way around the WAF.
      disableExecuteApiEndpoint: props.apiEdge !== undefined,
      corsPreflight: {
        allowOrigins,
        // The one configuration the local API server also plays (infra/cors.ts).
        allowMethods: cors.allowMethods.map((method) => CorsHttpMethod[method]),
        allowHeaders: [...cors.allowHeaders],
        exposeHeaders: [...cors.exposeHeaders],
        maxAge: Duration.seconds(cors.maxAgeSeconds),
      },
    });

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: settings.logRetention });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: stageThrottle(settings),
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });

    if (props.apiEdge)
      new ApiMapping(this, 'ApiMapping', {
        api: this.api,
        domainName: props.apiEdge.domainName,
        stage: this.stage,
      });
    /** The API's one address: its domain behind CloudFront, else the execute-api endpoint. */
    const apiUrl = props.apiEdge ? props.apiEdge.url : this.api.apiEndpoint;

    const authorizer = new HttpJwtAuthorizer(
      'CognitoJwt',
      `https://cognito-idp.${this.region}.amazonaws.com/${props.userPool.userPoolId}`,
      { jwtAudience: appClientAudience(props.userPoolClient, props.legacyUserPoolClient) },
    );

    const integrations = Object.fromEntries(
      areas.map((area) => [
        area,
        // The live alias: a new version takes requests gradually, and rolls back on alarm.
        new HttpLambdaIntegration(`${capitalize(area)}Integration`, deployments[area].alias, {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        }),
      ]),
    ) as Record<Area, HttpLambdaIntegration>;

    const routes = {} as Record<OperationId, HttpRoute>;
    for (const entry of routeList) {
      const route = new HttpRoute(this, `Route${capitalize(entry.operationId)}`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(entry.path, HttpMethod[entry.method]),
        integration: integrations[entry.area],
        ...(entry.access === 'public' ? {} : { authorizer }),
      });
      if (entry.access === 'public') {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${entry.routeKey} is public by design (API.md "Public" routes: health, OpenAPI document and the sign-in flows that issue the tokens); the stage throttles it.`,
        });
      }
      routes[entry.operationId] = route;
    }

    // Tighter limits on the public sign-in routes. RouteSettings name routes by key, and API
    // Gateway refuses a key it does not know yet: the stage waits for those routes.
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      publicAuthRoutes.map((entry) => [
        entry.routeKey,
        {
          ThrottlingBurstLimit: settings.authBurstLimit,
          ThrottlingRateLimit: settings.authRateLimit,
        },
      ]),
    );
    for (const entry of publicAuthRoutes) this.stage.node.addDependency(routes[entry.operationId]);

    this.alarmTopic = settings.alarmTopicArn
      ? Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn)
      : ownAlarmTopic(this, settings.alarmEmail);
    const watched = {
      stage: this.stage,
      functions: {
        ...Object.fromEntries(areas.map((area) => [capitalize(area), functions[area].function])),
        [removalTasksId]: tasks.function,
        [siteRemovalTasksId]: siteTasks.function,
        CustomMessageTrigger: props.customMessageTrigger,
        OutboxSender: this.outboxSender.fn.function,
        MailEvents: this.mailEvents.fn.function,
      },
      stateMachines: {
        Removal: this.removalWorkflow.stateMachine,
        SiteRemoval: this.siteRemovalWorkflow.stateMachine,
      },
      table: props.table,
    };
    this.dashboard = new HubDashboard(this, 'Dashboard', {
      ...watched,
      queues: {
        'failed executions': this.failedExecutions.queue,
        'undelivered failures': this.failedExecutions.deliveryFailures,
        'outbox batches given up': this.outboxSender.deadLetters,
        'SES events not recorded': this.mailEvents.deadLetters,
      },
    });
    this.alarms = new HubAlarms(this, 'Alarms', {
      ...watched,
      topic: this.alarmTopic,
      failedExecutionsRule: this.failedExecutions.rule,
      deadLetterQueue: this.failedExecutions.queue,
      deliveryFailures: this.failedExecutions.deliveryFailures,
      outboxDeadLetters: this.outboxSender.deadLetters,
      mailEventsDeadLetters: this.mailEvents.deadLetters,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });

    this.consoleDeployment = new ConsoleDeployment(this, 'Console', {
      distribution: props.console.distribution,
      bucket: props.console.bucket,
      assets: settings.consoleAssets,
      config: {
        // The $default stage's URL ends in "/"; the endpoint is the same URL without it.
        apiUrl,
        region: this.region,
        userPoolId: props.userPool.userPoolId,
        userPoolClientId: props.userPoolClient.userPoolClientId,
      },
      logRetention: settings.logRetention,
    });

    new CfnOutput(this, 'ApiUrl', { value: props.apiEdge ? `${apiUrl}/` : this.stage.url });
    new CfnOutput(this, 'RemovalStateMachineArn', {
      value: this.removalWorkflow.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'SiteRemovalStateMachineArn', {
      value: this.siteRemovalWorkflow.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'FailedExecutionsQueueUrl', {
      value: this.failedExecutions.queue.queueUrl,
    });
    new CfnOutput(this, 'OutboxDeadLettersQueueUrl', {
      value: this.outboxSender.deadLetters.queueUrl,
    });
    new CfnOutput(this, 'FailedExecutionsDeliveryFailuresQueueUrl', {
      value: this.failedExecutions.deliveryFailures.queueUrl,
    });
  }
}

/**
 * The sign-in limits must be tighter than the stage's, and the account-recovery routes
 * together must stay within Cognito's account-recovery quota.
 */
export function checkAuthLimits(settings: HubSettings): void {
  const stage = stageThrottle(settings);
  if (settings.authBurstLimit > stage.burstLimit || settings.authRateLimit > stage.rateLimit)
    throw new Error(
      `hub:authBurstLimit/hub:authRateLimit must not exceed the stage's ${stage.burstLimit}/${stage.rateLimit}`,
    );
  const recoveryRps = settings.authRateLimit * accountRecoveryRoutes.length;
  if (recoveryRps > cognitoAccountRecoveryRps)
    throw new Error(
      `hub:authRateLimit ${settings.authRateLimit} lets the ${accountRecoveryRoutes.length} account-recovery routes ask Cognito for ${recoveryRps} requests/s; its quota is ${cognitoAccountRecoveryRps}`,
    );
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * The stack's own alarm topic, when no hub:alarmTopicArn is given: alarms exist in every
 * deployment, and hub:alarmEmail subscribes an address (which must confirm by email).
 */
function ownAlarmTopic(scope: Construct, email: string | undefined): Topic {
  const topic = new Topic(scope, 'AlarmTopic', {
    displayName: 'School Support Hub alarms',
    enforceSSL: true,
  });
  if (email) {
    const subscription = topic.addSubscription(new EmailSubscription(email));
    Validations.of(subscription).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        'An email subscription to the alarm topic: SNS retries an email delivery itself, and an alarm that fails to reach the inbox is still in CloudWatch (the alarm state and its history), where a dead-letter queue would add nothing.',
    });
  }
  return topic;
}
