/**
 * Environments (issue 12 item 8): stage-named stacks from config/<environment>.json, tests
 * on a fixture of their own, and each API function behind a `live` alias that CodeDeploy
 * moves gradually and rolls back on alarm.
 */
import '../../infra/cdk-home.js'; // first: keep aws-cdk-lib's fingerprint cache out of ~
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areas } from '../../functions/core/routes.js';
import {
  applyEnvironment,
  committedEnvironments,
  readEnvironmentFile,
  stackNamesFor,
} from '../../infra/environment.js';
import { gradualDeployment, liveAliasName } from '../../infra/gradual-deployment.js';
import {
  checkCdkJsonContext,
  configFolder,
  createHubApp,
  type HubApp,
} from '../../infra/hub-app.js';
import { contextKeys, readHubSettings } from '../../infra/settings.js';
import { fakeConsoleBuild } from './console-build.js';
import { defaultApp } from './default-app.js';
import {
  fixtureContext,
  fixtureEnvironment,
  fixtureFolder,
  fixtureSettings,
  stackNames,
} from './fixture.js';

/** Synthesized CloudFormation is untyped JSON. */
type Json = any;
type Resources = Record<string, { Type: string; Properties: Json; UpdatePolicy?: Json }>;

let hub: HubApp;
let statelessJson: { Resources: Resources };
const consoleBuild = fakeConsoleBuild();

beforeAll(() => {
  const app = defaultApp();
  hub = app.hub;
  statelessJson = app.assembly.getStackByName(stackNames.stateless).template;
}, 180_000);

afterAll(() => consoleBuild.remove());

const ofType = (template: { Resources: Resources }, type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
const idOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** The settings an App gets from `folder`/<environment>.json and `context`, no stack built. */
function settingsOf(folder: string, context: Record<string, unknown>) {
  const app = new App({ context });
  applyEnvironment(app.node, folder);
  return readHubSettings(app.node);
}

describe('environments', () => {
  it('names every stack after the environment, and fixes no bucket name', () => {
    const names = hub.app.node.children
      .filter((child): child is Stack => Stack.isStack(child))
      .map((stack) => stack.stackName)
      .sort();
    expect(names).toEqual(
      [
        'HubFixture-Console',
        'HubFixture-Edge',
        'HubFixture-Mail',
        'HubFixture-Stateful',
        'HubFixture-Stateless',
      ].sort(),
    );
    expect(hub.stackNames).toEqual(stackNames);
    expect(stackNamesFor('staging').stateful).toBe('HubStaging-Stateful');
    // Two environments can share an account and region: no bucket has a fixed name
    // (CloudFormation generates each from the stack's, which names the environment;
    // tests/infra/bucket-names.suite.ts), and the shared names are exported per stack.
    for (const stack of [hub.console, hub.stateful]) {
      const buckets = resourcesOfStack(stack).filter(([, r]) => r.Type === 'AWS::S3::Bucket');
      expect(buckets.length, stack.stackName).toBeGreaterThan(0);
      for (const [, bucket] of buckets) expect(bucket.Properties?.BucketName).toBeUndefined();
    }
    expect(JSON.stringify(statelessJson)).toContain(`"${stackNames.stateful}-PictureBucketName"`);
  });

  it('ships a complete, valid file for dev, staging and prod, whatever values they hold', () => {
    for (const environment of committedEnvironments) {
      const values = readEnvironmentFile(configFolder, environment);
      expect(Object.keys(values).sort()).toEqual([...contextKeys].sort());
      const settings = settingsOf(configFolder, { 'hub:env': environment });
      expect(settings.environment).toBe(environment);
    }
  });

  it('takes the environment from hub:env and its file, a -c value still winning', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'hub-config-'));
    try {
      writeFileSync(
        path.join(folder, 'prod.json'),
        JSON.stringify({
          ...fixtureSettings,
          'hub:allowedOrigins': ['https://hub.school.example'],
        }),
      );
      const prod = settingsOf(folder, { 'hub:env': 'prod' });
      expect(prod.environment).toBe('prod');
      expect(prod.allowedOrigins).toEqual(['https://hub.school.example']);
      // A -c on the command line (context given before the file is read) beats the file.
      expect(
        settingsOf(folder, { 'hub:env': 'prod', 'hub:allowedOrigins': ['https://a.example'] })
          .allowedOrigins,
      ).toEqual(['https://a.example']);

      expect(() => settingsOf(folder, { 'hub:env': 'qa' })).toThrow(/qa\.json does not exist/);
      expect(() => settingsOf(folder, { 'hub:env': 'Prod!' })).toThrow(/must name an environment/);
      expect(() => settingsOf(folder, {})).toThrow(/must name an environment/);

      writeFileSync(
        path.join(folder, 'typo.json'),
        JSON.stringify({ ...fixtureSettings, 'hub:alarmEmial': 'x@y.example' }),
      );
      expect(() => settingsOf(folder, { 'hub:env': 'typo' })).toThrow(
        /unknown setting\(s\) hub:alarmEmial/,
      );
      const { 'hub:region': _region, ...partial } = fixtureSettings;
      writeFileSync(path.join(folder, 'partial.json'), JSON.stringify(partial));
      expect(() => settingsOf(folder, { 'hub:env': 'partial' })).toThrow(
        /missing setting\(s\) hub:region/,
      );
      writeFileSync(path.join(folder, 'broken.json'), '{ "hub:region": ');
      expect(() => settingsOf(folder, { 'hub:env': 'broken' })).toThrow(/not valid JSON/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a hub:* setting in cdk.json, which would override every environment', () => {
    expect(() => checkCdkJsonContext({ 'hub:env': 'dev', 'hub:region': 'eu-west-1' })).toThrow(
      /cdk\.json sets hub:region/,
    );
    expect(() => checkCdkJsonContext({ 'hub:env': 'dev', '@aws-cdk/x': true })).not.toThrow();
  });

  it('pins the stacks to hub:account when the file names one, and refuses a bad id', () => {
    expect(() =>
      settingsOf(fixtureFolder, { 'hub:env': fixtureEnvironment, 'hub:account': '1234' }),
    ).toThrow(/not an AWS account id/);
    const folder = mkdtempSync(path.join(tmpdir(), 'hub-config-'));
    try {
      writeFileSync(
        path.join(folder, 'prod.json'),
        JSON.stringify({ ...fixtureSettings, 'hub:account': '123456789012' }),
      );
      // Built, not synthesized: the names and the account are decided at construction.
      const prod = createHubApp({
        configFolder: folder,
        outdir: mkdtempSync(path.join(folder, 'cdk-')),
        context: { 'hub:env': 'prod', 'aws:cdk:bundling-stacks': [], ...consoleBuild.context },
      });
      expect(prod.stackNames.stateless).toBe('HubProd-Stateless');
      for (const stack of [prod.console, prod.stateful, prod.stateless]) {
        expect(stack.stackName).toMatch(/^HubProd-/);
        expect(stack.account).toBe('123456789012');
        expect(stack.region).toBe(fixtureSettings['hub:region']);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("the tests' own configuration", () => {
  it('is tests/infra/fixtures, not config/: what is committed there cannot break npm test', () => {
    // The app every suite reads has exactly the fixture's values…
    const expected = settingsOf(fixtureFolder, {
      ...fixtureContext(),
      ...consoleBuild.context,
    });
    expect({ ...hub.settings, consoleAssets: '' }).toEqual({ ...expected, consoleAssets: '' });
    expect(hub.settings.environment).toBe(fixtureEnvironment);
    // …and a config/ folder holding production values (another account, other origins, a
    // topic of its own) changes nothing in it: the fixture app never reads config/.
    const production = mkdtempSync(path.join(tmpdir(), 'hub-production-config-'));
    try {
      for (const environment of committedEnvironments) {
        const committed = JSON.parse(
          readFileSync(path.join(configFolder, `${environment}.json`), 'utf8'),
        );
        writeFileSync(
          path.join(production, `${environment}.json`),
          JSON.stringify({
            ...committed,
            'hub:account': '210987654321',
            'hub:allowedOrigins': ['https://hub.cambridge.example'],
            'hub:alarmTopicArn': 'arn:aws:sns:eu-west-2:210987654321:oncall',
          }),
        );
        const settings = settingsOf(production, { 'hub:env': environment });
        expect(settings.allowedOrigins).toEqual(['https://hub.cambridge.example']);
      }
      expect(hub.settings.allowedOrigins).toEqual(fixtureSettings['hub:allowedOrigins']);
      expect(hub.settings.account).toBeUndefined();
      expect(hub.settings.alarmTopicArn).toBeUndefined();
    } finally {
      rmSync(production, { recursive: true, force: true });
    }
  });
});

describe('gradual deployment of the API functions', () => {
  const resources = () => statelessJson.Resources;

  it('puts each area function behind a live alias of its current version, which the API invokes', () => {
    const aliases = ofType(statelessJson, 'AWS::Lambda::Alias');
    expect(aliases).toHaveLength(areas.length);
    const integrations = ofType(statelessJson, 'AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(areas.length);
    const permissions = ofType(statelessJson, 'AWS::Lambda::Permission').map(([, p]) => p);
    for (const area of areas) {
      const { alias } = hub.stateless.deployments[area];
      const aliasId = idOf(hub.stateless, alias);
      const functionId = idOf(hub.stateless, hub.stateless.functions[area].function);
      const properties = resources()[aliasId]?.Properties;
      expect(properties.Name).toBe(liveAliasName);
      expect(properties.FunctionName).toEqual({ Ref: functionId });
      const versionId = properties.FunctionVersion['Fn::GetAtt'][0];
      expect(resources()[versionId]?.Type).toBe('AWS::Lambda::Version');
      expect(resources()[versionId]?.Properties.FunctionName).toEqual({ Ref: functionId });
      // The integration targets the alias, and API Gateway may invoke the alias and nothing else.
      expect(
        integrations.filter(
          ([, i]) =>
            JSON.stringify(i.Properties.IntegrationUri) === JSON.stringify({ Ref: aliasId }),
        ),
        area,
      ).toHaveLength(1);
      const byApi = permissions.filter(
        (p) => p.Properties.Principal === 'apigateway.amazonaws.com',
      );
      expect(byApi.some((p) => JSON.stringify(p.Properties.FunctionName).includes(aliasId))).toBe(
        true,
      );
      for (const p of byApi)
        expect(p.Properties.FunctionName, area).not.toEqual({
          'Fn::GetAtt': [functionId, 'Arn'],
        });
    }
  });

  it('deploys a new version to 10 % for 5 minutes through CodeDeploy, rolled back by the alias alarms', () => {
    const groups = ofType(statelessJson, 'AWS::CodeDeploy::DeploymentGroup');
    expect(groups).toHaveLength(areas.length);
    const applications = ofType(statelessJson, 'AWS::CodeDeploy::Application');
    expect(applications).toEqual([
      [expect.any(String), expect.objectContaining({ Properties: { ComputePlatform: 'Lambda' } })],
    ]);
    const [[applicationId]] = applications as [[string, unknown]];
    for (const area of areas) {
      const deployment = hub.stateless.deployments[area];
      const group = resources()[idOf(hub.stateless, deployment.deploymentGroup)]?.Properties;
      expect(group).toMatchObject({
        ApplicationName: { Ref: applicationId },
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: expect.arrayContaining([
            'DEPLOYMENT_FAILURE',
            'DEPLOYMENT_STOP_ON_REQUEST',
            'DEPLOYMENT_STOP_ON_ALARM',
          ]),
        },
      });
      const errorsId = idOf(hub.stateless, deployment.errorsAlarm);
      const durationId = idOf(hub.stateless, deployment.durationAlarm);
      expect(group.AlarmConfiguration).toMatchObject({
        Enabled: true,
        Alarms: [{ Name: { Ref: errorsId } }, { Name: { Ref: durationId } }],
      });
      // CloudFormation hands the alias's updates to that deployment group.
      const aliasId = idOf(hub.stateless, deployment.alias);
      expect(resources()[aliasId]?.UpdatePolicy).toEqual({
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: { Ref: applicationId },
          DeploymentGroupName: { Ref: idOf(hub.stateless, deployment.deploymentGroup) },
        },
      });

      // The alarms watch the alias (what the API sends), per minute, missing data not breaching.
      const resource = {
        Name: 'Resource',
        Value: {
          'Fn::Join': [
            '',
            [
              { Ref: idOf(hub.stateless, hub.stateless.functions[area].function) },
              `:${liveAliasName}`,
            ],
          ],
        },
      };
      const errors = resources()[errorsId]?.Properties;
      expect(errors).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        Threshold: gradualDeployment.errorsThreshold,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(errors.Dimensions).toContainEqual(resource);
      const duration = resources()[durationId]?.Properties;
      expect(duration).toMatchObject({
        MetricName: 'Duration',
        ExtendedStatistic: 'p99',
        Period: 60,
        Threshold: gradualDeployment.p99DurationMs,
        EvaluationPeriods: gradualDeployment.p99DurationPeriods,
      });
      expect(duration.Dimensions).toContainEqual(resource);
    }
  });

  it('leaves the workflow steps and the Cognito trigger unversioned (nothing calls them by alias)', () => {
    const aliased = new Set(
      ofType(statelessJson, 'AWS::Lambda::Alias').map(([, a]) => a.Properties.FunctionName.Ref),
    );
    expect(aliased.has(idOf(hub.stateless, hub.stateless.removalTasks.function))).toBe(false);
    expect(aliased.has(idOf(hub.stateless, hub.stateless.siteRemovalTasks.function))).toBe(false);
  });
});

/** A stack's resources in the shared synthesis, as [logical id, resource] pairs. */
function resourcesOfStack(stack: Stack): [string, Json][] {
  const template = defaultApp().assembly.getStackByName(stack.stackName).template as {
    Resources: Resources;
  };
  return Object.entries(template.Resources);
}
