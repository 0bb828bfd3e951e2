/**
 * The CDK app, synthesized offline (asset bundling skipped for speed; the last test bundles
 * one area for real with the same esbuild options CDK uses).
 */
import '../../infra/cdk-home.js'; // first: keep aws-cdk-lib's fingerprint cache out of ~
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { defaultMailFrom, settingNames } from '../../functions/core/config.js';
import { tableSchema } from '../../functions/core/data/table-schema.js';
import { passwordPolicy, supportGroup } from '../../functions/core/domain.js';
import { type Area, areas, routeList } from '../../functions/core/routes.js';
import { alarmThresholds } from '../../infra/alarms.js';
import {
  bundledFileName,
  esbuildOptions,
  esmRequireBanner,
  nodejsFunctionBundling,
} from '../../infra/bundling.js';
import { dashboardEvents } from '../../infra/dashboard.js';
import { failedExecutionStatuses } from '../../infra/failed-executions.js';
import type { HubApp } from '../../infra/hub-app.js';
import { HubFunction, hubFunctionDefaults, projectRoot } from '../../infra/hub-function.js';
import {
  type AreaResources,
  accessLogFields,
  accountRecoveryRoutes,
  apiIntegrationTimeoutSeconds,
  areaResources,
  checkAuthLimits,
  cognitoAccountRecoveryRps,
  publicAuthRoutes,
  stageThrottle,
} from '../../infra/stateless-stack.js';
import {
  definitionFromTemplate,
  removalTasksId,
  siteRemovalTasksId,
  synthesizeRemovalDefinition,
  synthesizeSiteRemovalDefinition,
} from '../../workflows/definition.js';
import { fakeConsoleBuild } from './console-build.js';
import { defaultApp } from './default-app.js';
import { fixtureApp, fixtureContext, fixtureSettings, stackNames } from './fixture.js';

/** Synthesized CloudFormation is untyped JSON. */
type Json = any;
type Resources = Record<string, { Type: string; Properties: Json; DeletionPolicy?: string }>;

/** The value, or a test failure naming what was missing. */
function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing: ${what}`);
  return value;
}

let hub: HubApp;
let assembly: CloudAssembly;
let outdir: string;
let stateful: Template;
let stateless: Template;
let statelessJson: { Resources: Resources };
const consoleBuild = fakeConsoleBuild();

beforeAll(() => {
  // Skips asset bundling in every stack; `cdk synth` (no such context) bundles all.
  ({ hub, assembly, outdir } = defaultApp());
  stateful = Template.fromJSON(assembly.getStackByName(stackNames.stateful).template);
  statelessJson = assembly.getStackByName(stackNames.stateless).template;
  stateless = Template.fromJSON(statelessJson);
}, 180_000);

afterAll(() => consoleBuild.remove());

const resourcesOf = (template: Template, type: string) =>
  Object.entries(template.findResources(type)) as [string, Resources[string]][];

/** [matching, the rest]. */
function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

/** The logical id of an L2 construct's CloudFormation resource in the stateless stack. */
const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) =>
  hub.stateless.getLogicalId(construct.node.defaultChild as CfnElement);

describe('stateful stack', () => {
  it('has the one table, keyed and indexed as table-schema says, protected and retained', () => {
    const tables = resourcesOf(stateful, 'AWS::DynamoDB::GlobalTable');
    expect(tables).toHaveLength(1);
    const [, table] = must(tables[0], 'table');
    expect(table.DeletionPolicy).toBe('Retain');
    const attribute = (name: string) => ({ AttributeName: name, AttributeType: 'S' });
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: tableSchema.timeToLiveAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        {
          Region: hub.settings.region,
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        },
      ],
    });
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        attribute(tableSchema.partitionKey),
        attribute(tableSchema.sortKey),
        ...tableSchema.globalSecondaryIndexes.flatMap((index) => [
          attribute(index.partitionKey),
          attribute(index.sortKey),
        ]),
      ]),
    );
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      tableSchema.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
  });

  it('has a user pool with the domain password policy, email usernames and SES email', () => {
    stateful.resourceCountIs('AWS::Cognito::UserPool', 1);
    const [[, pool]] = resourcesOf(stateful, 'AWS::Cognito::UserPool') as [
      [string, Resources[string]],
    ];
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties.Policies.PasswordPolicy).toEqual({
      MinimumLength: passwordPolicy.minLength,
      RequireLowercase: passwordPolicy.requireLowercase,
      RequireUppercase: passwordPolicy.requireUppercase,
      RequireNumbers: passwordPolicy.requireDigits,
      RequireSymbols: passwordPolicy.requireSymbols,
      TemporaryPasswordValidityDays: passwordPolicy.temporaryPasswordValidityDays,
    });
    expect(pool.Properties).toMatchObject({
      UsernameAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      DeletionProtection: 'ACTIVE',
      EmailConfiguration: { EmailSendingAccount: 'DEVELOPER', From: defaultMailFrom },
    });
    expect(hub.settings.mailFrom).toBe(defaultMailFrom);
    expect(JSON.stringify(pool.Properties.EmailConfiguration.SourceArn)).toContain(
      `:identity/${hub.settings.mailDomain}`,
    );
    stateful.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: supportGroup });
  });

  it('has an API client: a secret, the server-side flow only, no OAuth, short tokens, revocation, no user-existence leaks', () => {
    // The confidential client, and the one it replaces while hub:legacyAppClient keeps it
    // (tests/infra/app-client.suite.ts).
    stateful.resourceCountIs('AWS::Cognito::UserPoolClient', 2);
    const minutes = hub.settings.accessTokenMinutes;
    expect(minutes).toBe(15);
    stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      ExplicitAuthFlows: Match.arrayEquals([
        'ALLOW_ADMIN_USER_PASSWORD_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
      ]),
      AllowedOAuthFlows: Match.absent(),
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AccessTokenValidity: minutes,
      IdTokenValidity: minutes,
      RefreshTokenValidity: 30 * 24 * 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    });
  });

  it('keeps pictures in a private, encrypted, versioned, TLS-only bucket with access logs', () => {
    const privateBucket = {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      },
    };
    stateful.hasResourceProperties('AWS::S3::Bucket', {
      ...privateBucket,
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue() },
    });
    for (const [, bucket] of resourcesOf(stateful, 'AWS::S3::Bucket')) {
      expect(bucket.Properties).toMatchObject(privateBucket);
      expect(bucket.DeletionPolicy).toBe('Retain');
    }
    for (const [, policy] of resourcesOf(stateful, 'AWS::S3::BucketPolicy')) {
      expect(JSON.stringify(policy.Properties)).toContain('"aws:SecureTransport":"false"');
    }
  });
});

describe('stateless stack', () => {
  it('has one Lambda per area, with the hub-function defaults', () => {
    // CDK's own upload function of the console (BucketDeployment) is not a HubFunction.
    const [uploaders, functions] = partition(
      resourcesOf(stateless, 'AWS::Lambda::Function'),
      ([id]) => id.startsWith('CustomCDKBucketDeployment'),
    );
    expect(uploaders).toHaveLength(1);
    // One per area, each workflow's task function, the outbox sender (outbox.suite.ts) and
    // the bounce and complaint recorder (mail.suite.ts).
    expect(functions).toHaveLength(areas.length + 4);
    const taskIds = [hub.stateless.removalTasks, hub.stateless.siteRemovalTasks].map((fn) =>
      logicalIdOf(fn.function),
    );
    const senderId = logicalIdOf(hub.stateless.outboxSender.fn.function);
    for (const [id, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        // API routes stay under API Gateway's 30 s; a workflow step may take a minute; the
        // outbox sender a batch of 10 emails with SES throttling waits.
        Timeout: taskIds.includes(id) ? 60 : id === senderId ? 90 : 10,
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
      });
    }
    for (const area of areas) {
      const fn = must(
        statelessJson.Resources[logicalIdOf(hub.stateless.functions[area].function)],
        area,
      );
      expect(fn.Type).toBe('AWS::Lambda::Function');
      expect(fn.Properties.Timeout, area).toBeLessThan(apiIntegrationTimeoutSeconds);
    }
    for (const [, group] of resourcesOf(stateless, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays).toBe(90);
    }
  });

  it('sets exactly the environment each area is wired for (the helper that grants also sets)', () => {
    const expected = (needs: AreaResources): string[] => {
      const names: string[] = [];
      if (needs.table) names.push(settingNames.tableName);
      if (needs.userPool) names.push(settingNames.userPoolId, settingNames.userPoolClientId);
      if (needs.mailer) names.push(settingNames.mailFrom, settingNames.consoleUrl);
      if (needs.pictures) names.push(settingNames.pictureBucket);
      if (needs.removalWorkflow) names.push(settingNames.removalStateMachineArn);
      if (needs.siteRemovalWorkflow) names.push(settingNames.siteRemovalStateMachineArn);
      // The app client being replaced (hub:legacyAppClient): its refresh tokens.
      if (needs === areaResources.auth && hub.settings.legacyAppClient)
        names.push(settingNames.legacyUserPoolClientId);
      return names;
    };
    const hubVariables = new Set<string>(Object.values(settingNames));
    for (const area of areas) {
      const fn = must(
        statelessJson.Resources[logicalIdOf(hub.stateless.functions[area].function)],
        area,
      );
      const variables = Object.keys(fn.Properties.Environment?.Variables ?? {}).filter((name) =>
        hubVariables.has(name),
      );
      expect(variables.sort(), area).toEqual(expected(areaResources[area]).sort());
    }
    expect(areaResources.system).toEqual({});
  });

  it('grants each area only its listed Cognito actions, on the pool', () => {
    for (const area of areas) {
      const role = hub.stateless.functions[area].role;
      const policyId = logicalIdOf({
        node: { defaultChild: role.node.tryFindChild('DefaultPolicy')?.node.defaultChild },
      });
      const statements: { Action: string | string[]; Resource: unknown }[] =
        statelessJson.Resources[policyId]?.Properties.PolicyDocument.Statement ?? [];
      const cognito = statements
        .flatMap((statement) => [statement.Action].flat())
        .filter((action) => action.startsWith('cognito-idp:'))
        .map((action) => action.replace('cognito-idp:', ''));
      const needs: AreaResources = areaResources[area as Area];
      expect(cognito.sort(), area).toEqual([...(needs.userPool ?? [])].sort());
    }
  });

  it('has no IAM statement allowing Action "*" or "<service>:*"', () => {
    const wildcard = /^(\*|[a-z0-9-]+:\*)$/i;
    for (const template of [stateful, stateless]) {
      const documents = [
        ...resourcesOf(template, 'AWS::IAM::Policy').map(([, r]) => r.Properties.PolicyDocument),
        ...resourcesOf(template, 'AWS::IAM::ManagedPolicy').map(
          ([, r]) => r.Properties.PolicyDocument,
        ),
        ...resourcesOf(template, 'AWS::IAM::Role').flatMap(([, r]) =>
          (r.Properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument),
        ),
        ...resourcesOf(template, 'AWS::S3::BucketPolicy').map(
          ([, r]) => r.Properties.PolicyDocument,
        ),
      ];
      expect(documents.length).toBeGreaterThan(0);
      for (const document of documents) {
        for (const statement of document.Statement) {
          const actions = [statement.Action].flat();
          if (statement.Effect === 'Deny') {
            // The one wildcard: enforceSSL's "Deny s3:* unless aws:SecureTransport".
            if (actions.some((action) => wildcard.test(action)))
              expect(statement.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
            continue;
          }
          for (const action of actions) expect(action).not.toMatch(wildcard);
        }
      }
      // No managed policy, except AWS Backup's own service-role policy on the role that
      // backs the table up (assumed by backup.amazonaws.com alone).
      for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) {
        // CodeDeploy's role for the API functions' gradual deployments (infra/gradual-deployment.ts).
        if (id.includes('DeploymentGroupServiceRole')) {
          expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
          expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(
            'service-role/AWSCodeDeployRoleForLambdaLimited',
          );
          expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
            expect.objectContaining({ Principal: { Service: 'codedeploy.amazonaws.com' } }),
          ]);
          continue;
        }
        if (id.startsWith('TableBackup')) {
          expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(
            'service-role/AWSBackupServiceRolePolicyForBackup',
          );
          expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
          expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
            expect.objectContaining({ Principal: { Service: 'backup.amazonaws.com' } }),
          ]);
          continue;
        }
        expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
      }
    }
  });

  it('backs the table up with AWS Backup on hub:backupSchedule, kept hub:backupRetentionDays, in a retained vault', () => {
    const [[, plan]] = resourcesOf(stateful, 'AWS::Backup::BackupPlan') as [
      [string, Resources[string]],
    ];
    expect(plan.Properties.BackupPlan.BackupPlanRule).toEqual([
      expect.objectContaining({
        RuleName: 'Daily',
        ScheduleExpression: 'cron(0 3 * * ? *)',
        Lifecycle: { DeleteAfterDays: 35 },
      }),
    ]);
    expect(plan.Properties.BackupPlan.BackupPlanRule[0].CopyActions).toBeUndefined();
    const [[, vault]] = resourcesOf(stateful, 'AWS::Backup::BackupVault') as [
      [string, Resources[string]],
    ];
    expect(vault.DeletionPolicy).toBe('Retain');
    const [[, selection]] = resourcesOf(stateful, 'AWS::Backup::BackupSelection') as [
      [string, Resources[string]],
    ];
    expect(JSON.stringify(selection.Properties.BackupSelection.Resources)).toContain(
      hub.stateful.getLogicalId(hub.stateful.table.node.defaultChild as CfnElement),
    );
    // A copy to another account's vault when one is named; bad values stop the synth.
    const copyTo = 'arn:aws:backup:eu-west-1:210987654321:backup-vault:hub-copies';
    const copied = fixtureApp({
      outdir: mkdtempSync(path.join(tmpdir(), 'hub-backup-')),
      context: { ...variantContext, 'hub:backupCopyToVaultArn': copyTo },
    });
    onTestFinished(() => rmSync(copied.app.outdir, { recursive: true, force: true }));
    const copiedPlan = resourcesOf(
      Template.fromJSON(copied.app.synth().getStackByName(stackNames.stateful).template),
      'AWS::Backup::BackupPlan',
    )[0]?.[1];
    expect(copiedPlan?.Properties.BackupPlan.BackupPlanRule[0].CopyActions).toEqual([
      { DestinationBackupVaultArn: copyTo, Lifecycle: { DeleteAfterDays: 35 } },
    ]);
    for (const [key, value, message] of [
      ['hub:backupSchedule', 'daily', /six-field cron/],
      ['hub:backupCopyToVaultArn', 'hub-copies', /not a backup vault ARN/],
    ] as const)
      expect(() => fixtureApp({ outdir: variantDir, context: { [key]: value } })).toThrow(message);
  });

  it('keeps every Lambda log group when the stack is deleted', () => {
    for (const template of [stateful, stateless]) {
      const functionGroups = resourcesOf(template, 'AWS::Lambda::Function')
        .map(([, fn]) => fn.Properties.LoggingConfig?.LogGroup?.Ref)
        .filter((ref): ref is string => typeof ref === 'string');
      expect(functionGroups.length).toBeGreaterThan(0);
      const groups = Object.fromEntries(resourcesOf(template, 'AWS::Logs::LogGroup'));
      for (const id of functionGroups) expect(groups[id]?.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('routes every routeList entry, method and path exactly, to its area, JWT unless public', () => {
    const routes = resourcesOf(stateless, 'AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(routeList.length);
    const [[authorizerId, authorizer]] = resourcesOf(
      stateless,
      'AWS::ApiGatewayV2::Authorizer',
    ) as [[string, Resources[string]]];
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
    const issuer = JSON.stringify(authorizer.Properties.JwtConfiguration.Issuer);
    expect(issuer).toContain(`https://cognito-idp.${hub.settings.region}.amazonaws.com/`);
    expect(issuer).toContain('UserPool');
    expect(JSON.stringify(authorizer.Properties.JwtConfiguration.Audience)).toContain(
      'UserPoolServerClient',
    );

    const integrations = Object.fromEntries(
      resourcesOf(stateless, 'AWS::ApiGatewayV2::Integration'),
    );
    for (const entry of routeList) {
      const found = routes.filter(([, route]) => route.Properties.RouteKey === entry.routeKey);
      expect(found, entry.routeKey).toHaveLength(1);
      const [, route] = must(found[0], entry.routeKey);
      if (entry.access === 'public') {
        expect(route.Properties.AuthorizationType, entry.routeKey).toBe('NONE');
        expect(route.Properties.AuthorizerId).toBeUndefined();
      } else {
        expect(route.Properties.AuthorizationType, entry.routeKey).toBe('JWT');
        expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
      }
      const target = JSON.stringify(route.Properties.Target);
      const integrationId = Object.keys(integrations).find((id) => target.includes(`"${id}"`));
      const integration = must(integrations[must(integrationId, entry.routeKey)], entry.routeKey);
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
      // The area function's live alias (infra/gradual-deployment.ts), not the function itself.
      expect(integration.Properties.IntegrationUri).toEqual({
        Ref: logicalIdOf(hub.stateless.deployments[entry.area].alias),
      });
    }
  });

  it('allows CORS only from the configured origins, throttles and logs the default stage', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      // And the console's own origin, last (tests/infra/console-hosting.suite.ts).
      CorsConfiguration: { AllowOrigins: [...hub.settings.allowedOrigins, Match.anyValue()] },
    });
    expect(hub.settings.allowedOrigins).toEqual(fixtureSettings['hub:allowedOrigins']);
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingBurstLimit: stageThrottle(hub.settings).burstLimit,
        ThrottlingRateLimit: stageThrottle(hub.settings).rateLimit,
      },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: JSON.stringify(accessLogFields),
      },
    });
    // Who called and why API Gateway refused, beside the status.
    expect(accessLogFields).toMatchObject({
      sub: '$context.authorizer.claims.sub',
      error: '$context.error.message',
      status: '$context.status',
    });
  });

  it("gives the CustomMessage trigger Cognito's 5 s, not the default 10 s", () => {
    const id = hub.stateful.getLogicalId(
      hub.stateful.customMessageTrigger.function.node.defaultChild as CfnElement,
    );
    expect(stateful.toJSON().Resources[id]?.Properties.Timeout).toBe(5);
  });

  it('ends a refusal SUCCEEDED (recorded on the operation) and only a real failure FAILED; retries have full jitter', () => {
    type State = {
      Type: string;
      Next?: string;
      Parameters?: { task?: string };
      Catch?: { ErrorEquals: string[]; Next: string }[];
      Retry?: { ErrorEquals: string[]; JitterStrategy?: string }[];
    };
    for (const machine of [
      hub.stateless.removalWorkflow.stateMachine,
      hub.stateless.siteRemovalWorkflow.stateMachine,
    ]) {
      const definition = definitionFromTemplate(statelessJson, logicalIdOf(machine)) as {
        States: Record<string, State>;
      };
      const states = definition.States;
      const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');
      const [recording, working] = partition(
        tasks,
        ([, state]) => state.Parameters?.task === 'fail',
      );
      expect(recording.map(([name]) => name).sort()).toEqual(['Record failure', 'Record refusal']);
      expect(working.length).toBeGreaterThan(1);
      for (const [name, state] of working) {
        expect(state.Catch, name).toEqual([
          expect.objectContaining({ ErrorEquals: ['OperationRefused'], Next: 'Record refusal' }),
          expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Record failure' }),
        ]);
        expect(state.Retry?.[0], name).toMatchObject({ JitterStrategy: 'FULL' });
      }
      expect(states['Record refusal']?.Next).toBe('Refused');
      expect(states.Refused?.Type).toBe('Succeed');
      expect(states['Record failure']?.Next).toBe('Failed');
      expect(states.Failed?.Type).toBe('Fail');
    }
  });

  it('runs the removal workflow as a logged, traced Standard state machine in JSONPath', () => {
    stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
    const deployed = definitionFromTemplate(
      statelessJson,
      logicalIdOf(hub.stateless.removalWorkflow.stateMachine),
    );
    expect(deployed).toMatchObject({ QueryLanguage: 'JSONPath', StartAt: 'Suspend' });
    // The local runtime runs exactly what is deployed; only the task function's logical id
    // differs (each is a RemovalTasks… id, which the local runtime maps to the handler).
    const sameTasks = (definition: object) =>
      JSON.parse(
        JSON.stringify(definition).replace(
          /function:RemovalTasks[A-Za-z0-9]*"/g,
          'function:RemovalTasks"',
        ),
      );
    expect(sameTasks(synthesizeRemovalDefinition().definition)).toEqual(sameTasks(deployed));
    expect(JSON.stringify(deployed)).toMatch(
      /"Resource":"arn:aws:lambda:[^"]+:function:RemovalTasks/,
    );
  });

  it('runs the site-removal workflow as its own logged, traced Standard state machine, on a function with the table only', () => {
    const machineId = logicalIdOf(hub.stateless.siteRemovalWorkflow.stateMachine);
    const machine = must(statelessJson.Resources[machineId], 'site-removal state machine');
    expect(machine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
    const deployed = definitionFromTemplate(statelessJson, machineId);
    expect(deployed).toMatchObject({ QueryLanguage: 'JSONPath', StartAt: 'Take sites' });
    // The local runtime runs exactly what is deployed, the task function's id aside.
    const sameTasks = (definition: object) =>
      JSON.parse(
        JSON.stringify(definition).replace(
          /function:SiteRemovalTasks[A-Za-z0-9]*"/g,
          'function:SiteRemovalTasks"',
        ),
      );
    expect(sameTasks(synthesizeSiteRemovalDefinition().definition)).toEqual(sameTasks(deployed));
    expect(JSON.stringify(deployed)).toMatch(
      /"Resource":"arn:aws:lambda:[^"]+:function:SiteRemovalTasks/,
    );
    expect(logicalIdOf(hub.stateless.siteRemovalTasks.function)).toContain(siteRemovalTasksId);

    // Its task function has the table's variable and nothing else of the hub's.
    const fn = must(
      statelessJson.Resources[logicalIdOf(hub.stateless.siteRemovalTasks.function)],
      'site-removal tasks',
    );
    const hubVariables = new Set<string>(Object.values(settingNames));
    expect(
      Object.keys(fn.Properties.Environment?.Variables ?? {}).filter((name) =>
        hubVariables.has(name),
      ),
    ).toEqual([settingNames.tableName]);

    // Only the support function may start it, and the state machine only invokes its tasks.
    const starters = Object.values(statelessJson.Resources as Resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .filter((policy) =>
        (
          policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]
        ).some(
          (statement) =>
            [statement.Action].flat().includes('states:StartExecution') &&
            JSON.stringify(statement.Resource).includes(machineId),
        ),
      )
      .flatMap((policy) => (policy.Properties.Roles as { Ref: string }[]).map((ref) => ref.Ref));
    expect(starters).toEqual([logicalIdOf(hub.stateless.functions.support.role)]);
  });
});

/**
 * The same app synthesized with every optional setting changed from cdk.json's defaults: an
 * alarm topic, two origins, other sign-in limits. Proves those values come from context.
 */
const variantContext = {
  'aws:cdk:bundling-stacks': [],
  'hub:alarmTopicArn': 'arn:aws:sns:eu-west-2:123456789012:hub-alarms',
  'hub:allowedOrigins': ['https://hub.school.example', 'http://localhost:5173'],
  'hub:authBurstLimit': 7,
  'hub:authRateLimit': 3,
  'hub:authConcurrency': 5,
  ...consoleBuild.context,
} as const;
let variant: HubApp;
let variantDir: string;
let variantTemplate: Template;

beforeAll(() => {
  variantDir = mkdtempSync(path.join(tmpdir(), 'hub-variant-'));
  // Synth runs cdk-nag too: alarms and the changed settings must be finding-free as well.
  variant = fixtureApp({ outdir: variantDir, context: variantContext });
  variantTemplate = Template.fromJSON(
    variant.app.synth().getStackByName(stackNames.stateless).template,
  );
}, 180_000);

afterAll(() => {
  if (variantDir) rmSync(variantDir, { recursive: true, force: true });
});

const variantLogicalIdOf = (construct: { node: { defaultChild?: unknown } }) =>
  variant.stateless.getLogicalId(construct.node.defaultChild as CfnElement);

describe('API limits (stage throttling, tighter on the public /auth/* routes)', () => {
  const authKeys = publicAuthRoutes.map((entry) => entry.routeKey);

  it('picks every public /auth/* route of routeList, and no signed-in one', () => {
    expect(authKeys.sort()).toEqual(
      routeList
        .filter((entry) => entry.access === 'public' && entry.path.startsWith('/auth/'))
        .map((entry) => entry.routeKey)
        .sort(),
    );
    expect(authKeys).toContain('POST /auth/login');
    expect(authKeys).toContain('POST /auth/forgotten-password');
    expect(authKeys).not.toContain('POST /auth/logout'); // signed in: the JWT guards it
  });

  it('sets route throttling for exactly those routes from context, leaving the default stage limits', () => {
    expect(hub.settings).toMatchObject({ authBurstLimit: 30, authRateLimit: 15 });
    const check = (template: Template, burst: number, rate: number) => {
      const [[, stage]] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage') as [
        [string, Resources[string]],
      ];
      expect(stage.Properties.DefaultRouteSettings).toEqual({
        ThrottlingBurstLimit: stageThrottle(hub.settings).burstLimit,
        ThrottlingRateLimit: stageThrottle(hub.settings).rateLimit,
      });
      expect(Object.keys(stage.Properties.RouteSettings).sort()).toEqual([...authKeys].sort());
      for (const key of authKeys)
        expect(stage.Properties.RouteSettings[key], key).toEqual({
          ThrottlingBurstLimit: burst,
          ThrottlingRateLimit: rate,
        });
      return stage as Resources[string] & { DependsOn?: string[] };
    };
    const stage = check(stateless, 30, 15);
    check(variantTemplate, 7, 3);
    // API Gateway refuses RouteSettings for a route key it does not know yet.
    const routeIds = Object.fromEntries(
      resourcesOf(stateless, 'AWS::ApiGatewayV2::Route').map(([id, r]) => [
        r.Properties.RouteKey,
        id,
      ]),
    );
    for (const key of authKeys) expect(stage.DependsOn, key).toContain(must(routeIds[key], key));
  });

  it('keeps the sign-in limits below the stage and the recovery routes within Cognito quota', () => {
    for (const id of accountRecoveryRoutes)
      expect(publicAuthRoutes.map((entry) => entry.operationId)).toContain(id);
    expect(hub.settings.authBurstLimit).toBeLessThan(hub.settings.stageBurstLimit);
    expect(hub.settings.authRateLimit).toBeLessThan(hub.settings.stageRateLimit);
    expect(hub.settings.authRateLimit * accountRecoveryRoutes.length).toBeLessThanOrEqual(
      cognitoAccountRecoveryRps,
    );
    expect(() => checkAuthLimits({ ...hub.settings, authRateLimit: 16 })).toThrow(/quota is 30/);
    expect(() => checkAuthLimits({ ...hub.settings, authBurstLimit: 5000 })).toThrow(/stage/);
    expect(() =>
      fixtureApp({ outdir: variantDir, context: { 'hub:authConcurrency': 'lots' } }),
    ).toThrow(/hub:authConcurrency must be a positive integer/);
  });
});

describe('failure containment', () => {
  it('reserves concurrency for the auth function alone, from context', () => {
    expect(hub.settings.authConcurrency).toBe(20);
    for (const [app, json, expected] of [
      [hub, statelessJson, 20],
      [variant, variantTemplate.toJSON(), 5],
    ] as const) {
      for (const area of areas) {
        const id = app.stateless.getLogicalId(
          app.stateless.functions[area].function.node.defaultChild as CfnElement,
        );
        const reserved = (json as { Resources: Resources }).Resources[id]?.Properties
          .ReservedConcurrentExecutions;
        expect(reserved, area).toBe(area === 'auth' ? expected : undefined);
      }
    }
  });

  it('delivers failed, timed-out and aborted executions to an encrypted, TLS-only, 14-day queue, and what cannot be delivered to a second one', () => {
    // The outbox sender's dead letters are the third (outbox.suite.ts).
    const outboxId = logicalIdOf(hub.stateless.outboxSender.deadLetters);
    const mailEventsId = logicalIdOf(hub.stateless.mailEvents.deadLetters);
    const queues = resourcesOf(stateless, 'AWS::SQS::Queue').filter(
      ([id]) => id !== outboxId && id !== mailEventsId,
    );
    expect(queues).toHaveLength(2);
    const queueId = logicalIdOf(hub.stateless.failedExecutions.queue);
    const deliveryFailuresId = logicalIdOf(hub.stateless.failedExecutions.deliveryFailures);
    expect(queues.map(([id]) => id).sort()).toEqual([queueId, deliveryFailuresId].sort());
    for (const [, queue] of queues)
      expect(queue.Properties).toEqual({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 60 * 60,
      });

    const rules = resourcesOf(stateless, 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const [[ruleId, rule]] = rules as [[string, Resources[string]]];
    const machineId = logicalIdOf(hub.stateless.removalWorkflow.stateMachine);
    const siteMachineId = logicalIdOf(hub.stateless.siteRemovalWorkflow.stateMachine);
    expect(failedExecutionStatuses).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED']);
    expect(rule.Properties).toMatchObject({
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [{ Ref: machineId }, { Ref: siteMachineId }],
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
        },
      },
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deliveryFailuresId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 24 * 60 * 60 },
        },
      ],
    });
    expect(rule.Properties.Targets).toHaveLength(1);
    // Operators find both queues in the stack's outputs.
    expect(Object.keys(stateless.findOutputs('*'))).toEqual(
      expect.arrayContaining([
        'FailedExecutionsQueueUrl',
        'FailedExecutionsDeliveryFailuresQueueUrl',
      ]),
    );

    // Each queue: TLS only, and only this rule's events may be sent to it.
    const policies = resourcesOf(stateless, 'AWS::SQS::QueuePolicy').filter(
      ([, policy]) =>
        ![outboxId, mailEventsId].includes(
          (policy.Properties.Queues as { Ref: string }[])[0]?.Ref as string,
        ),
    );
    expect(
      policies.map(([, policy]) => (policy.Properties.Queues as { Ref: string }[])[0]?.Ref).sort(),
    ).toEqual([queueId, deliveryFailuresId].sort());
    for (const [, policy] of policies)
      expect(
        (policy.Properties.PolicyDocument.Statement as { Action: unknown }[]).map((statement) => ({
          ...statement,
          Action: [statement.Action].flat(),
        })),
      ).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          expect.objectContaining({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: expect.arrayContaining(['sqs:SendMessage']),
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      );
  });
});

describe('parity: the API is exactly routeList', () => {
  it('has no route that routeList lacks, and each invokes its area function, and only from its route', () => {
    const routes = resourcesOf(stateless, 'AWS::ApiGatewayV2::Route');
    const byKey = new Map(routeList.map((entry) => [entry.routeKey, entry]));
    const keys = routes.map(([, route]) => route.Properties.RouteKey as string);
    expect(new Set(keys).size).toBe(keys.length); // no duplicate
    expect([...keys].sort()).toEqual([...byKey.keys()].sort()); // nothing extra, nothing missing
    expect(keys).not.toContain('$default');

    const apiId = logicalIdOf(hub.stateless.api);
    const integrations = Object.fromEntries(
      resourcesOf(stateless, 'AWS::ApiGatewayV2::Integration'),
    );
    // One integration per area: a route cannot reach another area's function by accident.
    expect(Object.keys(integrations)).toHaveLength(areas.length);
    const permissions = resourcesOf(stateless, 'AWS::Lambda::Permission').map(([, p]) => p);
    for (const [, route] of routes) {
      const entry = must(byKey.get(route.Properties.RouteKey), route.Properties.RouteKey);
      expect(route.Properties.ApiId).toEqual({ Ref: apiId });
      const [prefix, ref] = route.Properties.Target['Fn::Join'][1];
      expect(prefix).toBe('integrations/');
      const integration = must(integrations[ref.Ref], entry.routeKey);
      // The live alias's ARN: the API invokes, and may invoke, the alias alone.
      const functionArn = { Ref: logicalIdOf(hub.stateless.deployments[entry.area].alias) };
      expect(integration.Properties).toMatchObject({
        ApiId: { Ref: apiId },
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: functionArn,
      });
      // API Gateway may invoke that function for this route's path (any stage, any method).
      const allowed = permissions.filter(
        (p) =>
          JSON.stringify(p.Properties.FunctionName) === JSON.stringify(functionArn) &&
          JSON.stringify(p.Properties.SourceArn).endsWith(`/*/*${entry.path}"]]}`),
      );
      expect(allowed.length, entry.routeKey).toBeGreaterThan(0);
      expect(allowed[0]?.Properties.Principal).toBe('apigateway.amazonaws.com');
    }
  });
});

describe('CORS', () => {
  const corsOf = (template: Template) => {
    const [[, api]] = resourcesOf(template, 'AWS::ApiGatewayV2::Api') as [
      [string, Resources[string]],
    ];
    return api.Properties.CorsConfiguration;
  };

  it('allows only the origins from context, never "*", and no credentials', () => {
    // Then the deployed console's origin (tests/infra/console-hosting.suite.ts).
    const configured = (template: Template) => corsOf(template).AllowOrigins.slice(0, -1);
    expect(configured(stateless)).toEqual(fixtureContext()['hub:allowedOrigins']);
    expect(configured(variantTemplate)).toEqual(variantContext['hub:allowedOrigins']);
    for (const cors of [corsOf(stateless), corsOf(variantTemplate)]) {
      expect(cors.AllowOrigins).not.toContain('*');
      expect(cors.AllowCredentials).toBeUndefined();
    }
    for (const origins of [['*'], ['https://*.example.org'], ['https://hub.example.org/app']])
      expect(() =>
        fixtureApp({ outdir: variantDir, context: { 'hub:allowedOrigins': origins } }),
      ).toThrow(/not an exact origin/);
  });
});

describe('mail', () => {
  it('makes the noreply domain an SES identity with DKIM, in a stack the stateful one depends on', () => {
    const mail = Template.fromJSON(assembly.getStackByName(stackNames.mail).template);
    mail.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'cambridgeinternational.org',
    });
    mail.hasResource('AWS::SES::EmailIdentity', { DeletionPolicy: 'Retain' });
    const outputs = Object.keys(mail.findOutputs('*'));
    expect(outputs.filter((name) => name.startsWith('MailDkimRecord'))).toHaveLength(3);
    expect(hub.stateful.dependencies.map((stack) => stack.stackName)).toContain(stackNames.mail);
  });
});

describe('alarms (always; to hub:alarmTopicArn, or to the stack’s own topic)', () => {
  const topicArn = variantContext['hub:alarmTopicArn'];
  // The alarms that page. Those on a live alias (dimension Resource) roll a deployment back
  // instead, and are asserted in tests/infra/environments.suite.ts.
  const alarmsOf = (template: Template) =>
    resourcesOf(template, 'AWS::CloudWatch::Alarm')
      .map(([, alarm]) => alarm.Properties)
      .filter((alarm) => !JSON.stringify(alarm.Dimensions ?? []).includes('"Resource"'));
  const find = (metricName: string, dimension?: unknown) =>
    alarmsOf(variantTemplate).filter(
      (alarm) =>
        alarm.MetricName === metricName &&
        (dimension === undefined ||
          JSON.stringify(alarm.Dimensions).includes(JSON.stringify(dimension))),
    );

  it('creates every alarm with the default context, to a topic of its own', () => {
    expect(hub.settings.alarmTopicArn).toBeUndefined();
    const topics = resourcesOf(stateless, 'AWS::SNS::Topic');
    expect(topics).toHaveLength(1);
    const [[topicId]] = topics as [[string, Resources[string]]];
    // No address in cdk.json: no subscription until hub:alarmEmail names one.
    // No alarm subscription without hub:alarmEmail; the one subscription is SES's bounce and
    // complaint topic's (mail.suite.ts).
    expect(
      resourcesOf(stateless, 'AWS::SNS::Subscription').filter(
        ([, subscription]) => subscription.Properties.Protocol !== 'lambda',
      ),
    ).toHaveLength(0);
    const alarms = alarmsOf(stateless);
    expect(alarms).toHaveLength(alarmsOf(variantTemplate).length);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(Object.keys(stateless.findOutputs('*'))).toContain('AlarmTopicArn');

    const emailDir = mkdtempSync(path.join(tmpdir(), 'hub-alarm-email-'));
    onTestFinished(() => rmSync(emailDir, { recursive: true, force: true }));
    const withEmail = fixtureApp({
      outdir: emailDir,
      context: {
        ...variantContext,
        'hub:alarmTopicArn': '',
        'hub:alarmEmail': 'oncall@school.example',
      },
    });
    const subscriptions = resourcesOf(
      Template.fromJSON(withEmail.app.synth().getStackByName(stackNames.stateless).template),
      'AWS::SNS::Subscription',
    );
    expect(
      subscriptions
        .map(([, subscription]) => subscription.Properties)
        .filter((subscription) => subscription.Protocol !== 'lambda'),
    ).toEqual([expect.objectContaining({ Protocol: 'email', Endpoint: 'oncall@school.example' })]);
    expect(() =>
      fixtureApp({ outdir: variantDir, context: { 'hub:alarmEmail': 'oncall' } }),
    ).toThrow(/not an email address/);
  });

  it('sends every alarm to hub:alarmTopicArn when set, missing data not breaching', () => {
    expect(resourcesOf(variantTemplate, 'AWS::SNS::Topic')).toHaveLength(0);
    const alarms = alarmsOf(variantTemplate);
    // 5xx rate, p99 latency, 4xx burst; errors and throttles of every function (both
    // workflows' task functions and the CustomMessage trigger included); 3 for each of the
    // two workflows; EventBridge's failed deliveries; the table's throttles and system
    // errors; 2 SES; dead letters (failed executions) and what EventBridge failed to
    // deliver there; the outbox sender's and the bounce recorder's errors and throttles, and
    // their dead letters.
    expect(alarms).toHaveLength(3 + 2 * (areas.length + 5) + 3 * 2 + 1 + 2 + 2 + 2 + 1 + 2);
    const variantJson = variantTemplate.toJSON() as { Resources: Resources };
    const queueNames = alarms
      .filter((alarm) => alarm.Namespace === 'AWS/SQS')
      .map((alarm) => JSON.stringify(alarm.Dimensions));
    for (const queue of [
      variant.stateless.failedExecutions.queue,
      variant.stateless.failedExecutions.deliveryFailures,
      variant.stateless.outboxSender.deadLetters,
    ]) {
      const id = variant.stateless.getLogicalId(queue.node.defaultChild as CfnElement);
      expect(variantJson.Resources[id]?.Type).toBe('AWS::SQS::Queue');
      expect(queueNames.filter((dimensions) => dimensions.includes(`"${id}"`))).toHaveLength(1);
    }
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([topicArn]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.AlarmDescription).toEqual(expect.any(String));
    }
    expect(() =>
      fixtureApp({ outdir: variantDir, context: { 'hub:alarmTopicArn': 'hub-alarms' } }),
    ).toThrow(/not an SNS topic ARN/);
    // cdk-nag passed over the alarms too (errors throw in synth; warnings land here).
    const report = JSON.parse(
      readFileSync(path.join(variantDir, 'validation-report.json'), 'utf8'),
    ) as { pluginReports: unknown[] };
    expect(report.pluginReports).toEqual([]);
  });

  it('alarms on the API 5xx rate as a percentage of requests (metric math), not a count', () => {
    const rate = alarmsOf(variantTemplate).filter((alarm) =>
      JSON.stringify(alarm.Metrics ?? []).includes('AWS/ApiGateway'),
    );
    expect(rate).toHaveLength(1);
    const [alarm] = rate as [Json];
    expect(alarm.MetricName).toBeUndefined();
    expect(alarm).toMatchObject({
      Threshold: alarmThresholds.api5xxPercent,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarmThresholds.api5xxPercent).toBe(5);
    const expression = alarm.Metrics.find((m: Json) => m.Expression);
    expect(expression).toMatchObject({ ReturnData: true });
    expect(expression.Expression.replace(/\s/g, '')).toBe('100*FILL(errors,0)/requests');
    const stageMetric = (id: string, name: string) =>
      expect(alarm.Metrics.find((m: Json) => m.Id === id)).toMatchObject({
        ReturnData: false,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApiGateway',
            MetricName: name,
            Dimensions: expect.arrayContaining([
              { Name: 'ApiId', Value: { Ref: variantLogicalIdOf(variant.stateless.api) } },
              { Name: 'Stage', Value: '$default' },
            ]),
          },
          Stat: 'Sum',
        },
      });
    stageMetric('errors', '5xx');
    stageMetric('requests', 'Count');
  });

  it('alarms on errors and throttles of every function, the task function included', () => {
    const fns = [
      ...areas.map((area) => variant.stateless.functions[area].function),
      variant.stateless.removalTasks.function,
      variant.stateless.siteRemovalTasks.function,
    ];
    for (const fn of fns) {
      const dimension = { Name: 'FunctionName', Value: { Ref: variantLogicalIdOf(fn) } };
      for (const metric of ['Errors', 'Throttles']) {
        const found = find(metric, dimension);
        expect(found, `${metric} ${fn.node.path}`).toHaveLength(1);
        expect(found[0]).toMatchObject({
          Namespace: 'AWS/Lambda',
          Statistic: 'Sum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      }
    }
    expect(variantLogicalIdOf(variant.stateless.removalTasks.function)).toContain(removalTasksId);
  });

  it('alarms on the paths not watched before: latency, 4xx bursts, the site-removal workflow, EventBridge, the table, the trigger', () => {
    expect(find('Latency')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/ApiGateway',
        ExtendedStatistic: 'p99',
        Threshold: alarmThresholds.apiP99LatencyMs,
        EvaluationPeriods: 3,
      }),
    ]);
    expect(find('4xx')).toEqual([
      expect.objectContaining({ Statistic: 'Sum', Threshold: alarmThresholds.api4xxCount }),
    ]);
    const siteMachine = {
      Name: 'StateMachineArn',
      Value: { Ref: variantLogicalIdOf(variant.stateless.siteRemovalWorkflow.stateMachine) },
    };
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'])
      expect(find(metric, siteMachine), metric).toHaveLength(1);
    expect(find('FailedInvocations')).toEqual([
      expect.objectContaining({ Namespace: 'AWS/Events', Threshold: 0 }),
    ]);
    // An email that finally failed (functions/core/services/outbox-sender.ts counts it).
    expect(find('EmailsNotSent')).toEqual([
      expect.objectContaining({
        Namespace: 'SchoolSupportHub',
        Dimensions: [{ Name: 'service', Value: 'school-support-hub' }],
        Threshold: 0,
      }),
    ]);
    const tableAlarms = alarmsOf(variantTemplate).filter((alarm) =>
      JSON.stringify(alarm.Metrics ?? []).includes('AWS/DynamoDB'),
    );
    expect(
      tableAlarms
        .map(
          (alarm) =>
            (JSON.stringify(alarm.Metrics).match(/ThrottledRequests|SystemErrors/) ?? [])[0],
        )
        .sort(),
    ).toEqual(['SystemErrors', 'ThrottledRequests']);
    // The trigger lives in the stateful stack; its alarm names it through an export.
    const triggerErrors = find('Errors').filter((alarm) =>
      JSON.stringify(alarm.Dimensions).includes('CustomMessageTrigger'),
    );
    expect(triggerErrors).toHaveLength(1);
  });

  it('draws one dashboard of the service: API, every function, both workflows, the table, dead letters, SES, business events', () => {
    const dashboards = resourcesOf(stateless, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.[1].Properties.DashboardBody);
    for (const namespace of [
      'AWS/ApiGateway',
      'AWS/Lambda',
      'AWS/States',
      'AWS/DynamoDB',
      'AWS/SQS',
      'AWS/SES',
      'SchoolSupportHub',
    ])
      expect(body, namespace).toContain(namespace);
    for (const fn of [
      ...areas.map((area) => hub.stateless.functions[area].function),
      hub.stateless.removalTasks.function,
      hub.stateless.siteRemovalTasks.function,
    ])
      expect(body, fn.node.path).toContain(logicalIdOf(fn));
    for (const machine of [
      hub.stateless.removalWorkflow.stateMachine,
      hub.stateless.siteRemovalWorkflow.stateMachine,
    ])
      expect(body, machine.node.path).toContain(logicalIdOf(machine));
    for (const event of dashboardEvents) expect(body, event).toContain(event);
  });

  it('alarms on failed, timed-out and aborted workflow executions, SES reputation and dead letters', () => {
    const machine = {
      Name: 'StateMachineArn',
      Value: { Ref: variantLogicalIdOf(variant.stateless.removalWorkflow.stateMachine) },
    };
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      expect(find(metric, machine), metric).toHaveLength(1);
      expect(find(metric, machine)[0]).toMatchObject({
        Namespace: 'AWS/States',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
    expect(find('Reputation.BounceRate')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SES',
        Threshold: 0.05, // the metric is a ratio: 5 %
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ]);
    expect(find('Reputation.ComplaintRate')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SES',
        Threshold: 0.001, // 0.1 %
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ]);
    const queueName = {
      Name: 'QueueName',
      Value: {
        'Fn::GetAtt': [variantLogicalIdOf(variant.stateless.failedExecutions.queue), 'QueueName'],
      },
    };
    expect(find('ApproximateNumberOfMessagesVisible', queueName)).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ]);
  });
});

describe('cdk-nag (AwsSolutions and Serverless, v3 validation plugins)', () => {
  it('reports no unacknowledged finding and no annotation', () => {
    // Errors would already have thrown in app.synth(); warnings only reach this report.
    const report = JSON.parse(
      readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'),
    ) as {
      pluginReports: { pluginName: string; violations?: { ruleName: string }[] }[];
    };
    const findings = report.pluginReports.flatMap((plugin) =>
      (plugin.violations ?? []).map((violation) => `${plugin.pluginName}: ${violation.ruleName}`),
    );
    expect(findings).toEqual([]);
  });

  it('acknowledges only findings that really occur, each with a reason', () => {
    // Run the same packs with acknowledgements ignored, then match every acknowledgement.
    const findings = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((raw) => {
      (raw as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
      return raw
        .validateScope(hub.app)
        .violations.flatMap((v) =>
          v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' })),
        );
    });
    expect(findings.length).toBeGreaterThan(0);
    // Both packs ran, and each has findings that are acknowledged.
    expect(findings.some((finding) => finding.rule.startsWith('Serverless-'))).toBe(true);
    expect(findings.some((finding) => finding.rule.startsWith('AwsSolutions-'))).toBe(true);

    const acknowledgements = hub.app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            id: id.replace(/^annotation::/i, ''),
            reason,
            path: construct.node.path,
          })),
        ),
    );
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const ack of acknowledgements) {
      expect(ack.reason.length, ack.id).toBeGreaterThan(40);
      const matched = findings.some(
        (finding) =>
          finding.rule === ack.id &&
          (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`)),
      );
      expect(matched, `${ack.id} at ${ack.path} acknowledges nothing`).toBe(true);
    }
  });
});

describe('cdk.json', () => {
  it('names the default environment and no hub:* setting, and keeps nothing in the home folder', () => {
    const cdkJson = JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8'));
    expect(cdkJson.app).toBe('npx tsx infra/app.ts');
    // The settings live in config/<environment>.json (tests/infra/environments.suite.ts).
    expect(Object.keys(cdkJson.context).filter((key) => key.startsWith('hub:'))).toEqual([
      'hub:env',
    ]);
    expect(process.env.HOME).toBe(process.env.CDK_HOME);
  });
});

describe('runtime parity', () => {
  it('runs the tests and the local stack on the Node major the Lambdas run on, from package.json', () => {
    const major = process.versions.node.split('.')[0];
    // The Lambda runtime, esbuild's target and the `node` package that npm scripts put first
    // on PATH (node_modules/.bin) name one major, and this very test runs on it.
    expect(hubFunctionDefaults.runtime.name).toBe(`nodejs${major}.x`);
    expect(nodejsFunctionBundling.target).toBe(`node${major}`);
    const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
    expect(pkg.devDependencies.node.split('.')[0]).toBe(major);
    expect(pkg.devDependencies['@types/node'].split('.')[0]).toBe(major);
    // Every AWS SDK client on one release, so they share one @aws-sdk/core and smithy.
    const clients = Object.entries<string>(pkg.dependencies).filter(([name]) =>
      name.startsWith('@aws-sdk/client-'),
    );
    expect(clients.length).toBeGreaterThanOrEqual(5);
    expect(new Set(clients.map(([, version]) => version)).size).toBe(1);
    for (const fn of [
      ...resourcesOf(stateless, 'AWS::Lambda::Function'),
      ...resourcesOf(stateful, 'AWS::Lambda::Function'),
    ]) {
      const runtime = (fn[1].Properties as { Runtime?: string }).Runtime;
      // CDK's BucketDeployment function is Python, chosen by aws-cdk-lib.
      if (runtime?.startsWith('nodejs')) expect(runtime).toBe(`nodejs${major}.x`);
    }
  });
});

describe('bundling', () => {
  it('bundles an area with esbuild as CDK does: ESM, minified, source map, byte-identical JS', async () => {
    expect(nodejsFunctionBundling).toMatchObject({
      format: 'esm',
      bundleAwsSDK: true,
      target: 'node24',
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-bundle-'));
    try {
      const entry = 'functions/system/index.ts';
      const outfile = path.join(dir, 'esbuild', 'index.mjs');
      const result = await build(esbuildOptions(path.join(projectRoot, entry), outfile));
      expect(result.errors).toEqual([]);
      expect(existsSync(outfile)).toBe(true);
      expect(existsSync(`${outfile}.map`)).toBe(true);
      const code = readFileSync(outfile, 'utf8');
      expect(code.startsWith(esmRequireBanner)).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
      // Node parses it as an ES module (the .mjs extension), without running it.
      const check = spawnSync(process.execPath, ['--check', outfile], { encoding: 'utf8' });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);

      // The production path: CDK bundles the same entry through HubFunction (real bundling).
      const app = new App({ outdir: path.join(dir, 'cdk.out'), context: fixtureContext() });
      const stack = new Stack(app, 'BundleCheck');
      const fn = new HubFunction(stack, 'System', { entry, logRetention: RetentionDays.ONE_DAY });
      const template = app.synth().getStackByName(stack.stackName).template;
      const code2 =
        template.Resources[stack.getLogicalId(fn.function.node.defaultChild as CfnElement)]
          .Properties.Code;
      const assetDir = path.join(
        dir,
        'cdk.out',
        `asset.${String(code2.S3Key).replace(/\.zip$/, '')}`,
      );
      expect(readFileSync(path.join(assetDir, bundledFileName), 'utf8')).toBe(code);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
