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
import { AwsSolutionsChecks } from 'cdk-nag';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMailFrom, settingNames } from '../../functions/core/config.js';
import { tableSchema } from '../../functions/core/data/table-schema.js';
import { passwordPolicy, supportGroup } from '../../functions/core/domain.js';
import { type Area, areas, routeList } from '../../functions/core/routes.js';
import {
  bundledFileName,
  esbuildOptions,
  esmRequireBanner,
  nodejsFunctionBundling,
} from '../../infra/bundling.js';
import { cdkJsonContext, createHubApp, type HubApp, stackNames } from '../../infra/hub-app.js';
import { HubFunction, projectRoot } from '../../infra/hub-function.js';
import { type AreaResources, apiThrottle, areaResources } from '../../infra/stateless-stack.js';
import { definitionFromTemplate, synthesizeRemovalDefinition } from '../../workflows/definition.js';

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

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'hub-cdk-'));
  // Skips asset bundling in every stack; `cdk synth` (no such context) bundles all.
  hub = createHubApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  assembly = hub.app.synth();
  stateful = Template.fromJSON(assembly.getStackByName(stackNames.stateful).template);
  statelessJson = assembly.getStackByName(stackNames.stateless).template;
  stateless = Template.fromJSON(statelessJson);
}, 60_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

const resourcesOf = (template: Template, type: string) =>
  Object.entries(template.findResources(type)) as [string, Resources[string]][];

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

  it('has an API client: no secret, no OAuth, short tokens, revocation, no user-existence leaks', () => {
    stateful.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    const minutes = hub.settings.accessTokenMinutes;
    expect(minutes).toBe(15);
    stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayEquals([
        'ALLOW_USER_PASSWORD_AUTH',
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
    const functions = resourcesOf(stateless, 'AWS::Lambda::Function');
    // One per area, and the removal workflow's task function.
    expect(functions).toHaveLength(areas.length + 1);
    const tasksId = logicalIdOf(hub.stateless.removalTasks.function);
    for (const [id, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        // API routes stay under API Gateway's 30 s; a workflow step may take a minute.
        Timeout: id === tasksId ? 60 : 10,
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
      });
    }
    for (const area of areas) {
      expect(
        statelessJson.Resources[logicalIdOf(hub.stateless.functions[area].function)]?.Type,
      ).toBe('AWS::Lambda::Function');
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
      if (needs.mailer) names.push(settingNames.mailFrom);
      if (needs.pictures) names.push(settingNames.pictureBucket);
      if (needs.removalWorkflow) names.push(settingNames.removalStateMachineArn);
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
      for (const [, role] of resourcesOf(template, 'AWS::IAM::Role')) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
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
      'UserPoolApiClient',
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
      expect(integration.Properties.IntegrationUri).toEqual({
        'Fn::GetAtt': [logicalIdOf(hub.stateless.functions[entry.area].function), 'Arn'],
      });
    }
  });

  it('allows CORS only from the configured origins, throttles and logs the default stage', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: { AllowOrigins: hub.settings.allowedOrigins },
    });
    expect(hub.settings.allowedOrigins).toEqual(['https://hub.example.org']);
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingBurstLimit: apiThrottle.burstLimit,
        ThrottlingRateLimit: apiThrottle.rateLimit,
      },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('requestId'),
      },
    });
  });

  it('runs the removal workflow as a logged, traced Standard state machine in JSONPath', () => {
    stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      TracingConfiguration: { Enabled: true },
    });
    const deployed = definitionFromTemplate(statelessJson);
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
});

describe('alarms', () => {
  it('alarms on Lambda errors and API 5xx only when hub:alarmTopicArn is set', () => {
    expect(resourcesOf(stateless, 'AWS::CloudWatch::Alarm')).toHaveLength(0);
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-alarms-'));
    try {
      const topicArn = 'arn:aws:sns:eu-west-2:123456789012:hub-alarms';
      const withAlarms = createHubApp({
        outdir: dir,
        context: { 'aws:cdk:bundling-stacks': [], 'hub:alarmTopicArn': topicArn },
      });
      const template = Template.fromJSON(
        withAlarms.app.synth().getStackByName(stackNames.stateless).template,
      );
      const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');
      expect(alarms).toHaveLength(areas.length + 1);
      for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cdk-nag (AwsSolutions, a v3 validation plugin)', () => {
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
    // Run the same pack with acknowledgements ignored, then match every acknowledgement.
    const raw = new AwsSolutionsChecks();
    (raw as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
    const findings = raw
      .validateScope(hub.app)
      .violations.flatMap((v) =>
        v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' })),
      );
    expect(findings.length).toBeGreaterThan(0);

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
  it('documents every hub:* default and keeps nothing in the home folder', () => {
    const cdkJson = JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8'));
    expect(cdkJson.app).toBe('npx tsx infra/app.ts');
    expect(cdkJson.context).toMatchObject({
      'hub:region': 'eu-west-2',
      'hub:mailFrom': 'noreply@cambridgeinternational.org',
      'hub:mailDomain': 'cambridgeinternational.org',
      'hub:allowedOrigins': ['https://hub.example.org'],
      'hub:accessTokenMinutes': 15,
      'hub:logRetentionDays': 90,
      'hub:alarmTopicArn': '',
    });
    expect(process.env.HOME).toBe(process.env.CDK_HOME);
  });
});

describe('bundling', () => {
  it('bundles an area with esbuild as CDK does: ESM, minified, source map, byte-identical JS', async () => {
    expect(nodejsFunctionBundling).toMatchObject({
      format: 'esm',
      bundleAwsSDK: true,
      target: 'node22',
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
      const app = new App({ outdir: path.join(dir, 'cdk.out'), context: cdkJsonContext() });
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
