/**
 * Issue 12 item 1: CloudFront and AWS WAF in front of the console and the API. The default
 * app (no domains: the console behind CloudFront and WAF, the API on its execute-api
 * endpoint) and one more synthesis with the production context (both domains: the API
 * behind its own distribution, the execute-api endpoint disabled).
 */
import '../../infra/cdk-home.js'; // first: keep aws-cdk-lib's fingerprint cache out of ~
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeHeaders, originSecretVariable } from '../../functions/core/edge.js';
import { routeList } from '../../functions/core/routes.js';
import { consoleContentSecurityPolicy } from '../../infra/console-security-headers.js';
import { viewerIpCode } from '../../infra/console-stack.js';
import {
  authBodyLimitBytes,
  edgeRegion,
  largeBodyRoutes,
  pathPattern,
  wafBodyLimitBytes,
  wafRateWindowSeconds,
} from '../../infra/edge-stack.js';
import type { HubApp } from '../../infra/hub-app.js';
import { readHubSettings } from '../../infra/settings.js';
import { fakeConsoleBuild } from './console-build.js';
import { defaultApp } from './default-app.js';
import { fixtureApp, fixtureContext, stackNames } from './fixture.js';

type Json = any;
type Resources = Record<string, { Type: string; Properties: Json; DependsOn?: string[] }>;
type StackJson = { Resources: Resources; Outputs?: Record<string, Json> };

const ofType = (template: StackJson, type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
const idOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** CloudFront's managed policies, by their fixed ids. */
const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const allViewer = '216adef6-5c7f-47e4-b989-5492eafa07d3';

const production = {
  'hub:consoleDomain': 'hub.school.example',
  'hub:consoleCertificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/aaaa-1111',
  'hub:apiDomain': 'Api.Hub.School.example',
  'hub:apiCertificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/bbbb-2222',
  'hub:apiRegionalCertificateArn': 'arn:aws:acm:eu-west-2:123456789012:certificate/cccc-3333',
  'hub:wafAuthRateLimit': 120,
  'hub:stageRateLimit': 400,
};

const build = fakeConsoleBuild();
let hub: HubApp;
let edgeJson: StackJson;
let consoleJson: StackJson;
let statelessJson: StackJson;
let prod: HubApp;
let prodDir: string;
let prodEdge: StackJson;
let prodConsole: StackJson;
let prodStateless: StackJson;

beforeAll(() => {
  const app = defaultApp();
  hub = app.hub;
  edgeJson = app.assembly.getStackByName(stackNames.edge).template;
  consoleJson = app.assembly.getStackByName(stackNames.console).template;
  statelessJson = app.assembly.getStackByName(stackNames.stateless).template;

  prodDir = mkdtempSync(path.join(tmpdir(), 'hub-edge-'));
  prod = fixtureApp({
    outdir: prodDir,
    context: { 'aws:cdk:bundling-stacks': [], ...build.context, ...production },
  });
  const assembly = prod.app.synth(); // cdk-nag runs here: an unacknowledged error throws
  prodEdge = assembly.getStackByName(stackNames.edge).template;
  prodConsole = assembly.getStackByName(stackNames.console).template;
  prodStateless = assembly.getStackByName(stackNames.stateless).template;
}, 180_000);

afterAll(() => {
  rmSync(prodDir, { recursive: true, force: true });
  build.remove();
});

const webAcl = (template: StackJson) => {
  const acls = ofType(template, 'AWS::WAFv2::WebACL');
  expect(acls).toHaveLength(1);
  return (acls[0] as [string, Resources[string]])[1].Properties;
};
const rule = (template: StackJson, name: string) => {
  const found = webAcl(template).Rules.find((r: Json) => r.Name === name);
  expect(found, name).toBeDefined();
  return found;
};

describe('AWS WAF (HubEdge, us-east-1)', () => {
  it('lives in us-east-1 with CLOUDFRONT scope, as CloudFront requires', () => {
    expect(hub.edge.region).toBe(edgeRegion);
    expect(edgeRegion).toBe('us-east-1');
    expect(hub.console.region).toBe(hub.settings.region);
    const acl = webAcl(edgeJson);
    expect(acl.Scope).toBe('CLOUDFRONT');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
  });

  it('runs the AWS managed rule groups: IP reputation, known bad inputs, common', () => {
    const groups = webAcl(edgeJson)
      .Rules.filter((r: Json) => r.Statement.ManagedRuleGroupStatement)
      .map((r: Json) => {
        expect(r.OverrideAction, r.Name).toEqual({ None: {} }); // their own actions, not count
        return r.Statement.ManagedRuleGroupStatement;
      });
    expect(groups.map((g: Json) => `${g.VendorName}/${g.Name}`).sort()).toEqual([
      'AWS/AWSManagedRulesAmazonIpReputationList',
      'AWS/AWSManagedRulesCommonRuleSet',
      'AWS/AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    // The common set's 8 KiB body limit would block "Add users" and pictures: counted only,
    // our own body rules decide; and the picture's bytes skip the common rules.
    const common = groups.find((g: Json) => g.Name === 'AWSManagedRulesCommonRuleSet');
    expect(common.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
    expect(JSON.stringify(common.ScopeDownStatement.NotStatement)).toContain('/me/picture');
  });

  it('limits each client IP on /auth/* and overall, from context', () => {
    for (const [template, auth] of [
      [edgeJson, 300],
      [prodEdge, 120],
    ] as const) {
      const perIp = rule(template, 'AuthRatePerIp');
      expect(perIp.Action).toEqual({ Block: {} });
      expect(perIp.Statement.RateBasedStatement).toEqual({
        AggregateKeyType: 'IP',
        EvaluationWindowSec: wafRateWindowSeconds,
        Limit: auth,
        ScopeDownStatement: {
          ByteMatchStatement: {
            FieldToMatch: { UriPath: {} },
            PositionalConstraint: 'STARTS_WITH',
            SearchString: '/auth/',
            TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
          },
        },
      });
      const all = rule(template, 'RatePerIp').Statement.RateBasedStatement;
      expect(all).toMatchObject({ AggregateKeyType: 'IP', Limit: 3000 });
      expect(all.ScopeDownStatement).toBeUndefined();
    }
    expect(hub.settings).toMatchObject({ wafAuthRateLimit: 300, wafRateLimit: 3000 });
  });

  it('blocks bodies larger than any route takes: 8 KiB on /auth/*, 64 KiB elsewhere but on the large-body routes', () => {
    const acl = webAcl(edgeJson);
    expect(acl.AssociationConfig).toEqual({
      RequestBody: { CLOUDFRONT: { DefaultSizeInspectionLimit: 'KB_64' } },
    });
    const auth = rule(edgeJson, 'AuthBodyTooLarge');
    expect(auth.Action).toEqual({ Block: {} });
    expect(auth.Statement.AndStatement.Statements[1].SizeConstraintStatement).toMatchObject({
      FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
      ComparisonOperator: 'GT',
      Size: authBodyLimitBytes,
    });
    const body = rule(edgeJson, 'BodyTooLarge');
    expect(body.Action).toEqual({ Block: {} });
    const [size, not] = body.Statement.AndStatement.Statements;
    expect(size.SizeConstraintStatement).toMatchObject({
      FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
      ComparisonOperator: 'GT',
      Size: wafBodyLimitBytes,
    });
    // Exactly the picture upload and "Add users" may send more (the API's own 413 still applies).
    expect(largeBodyRoutes.map((r) => r.routeKey).sort()).toEqual([
      'POST /centres/{centreId}/users',
      'PUT /me/picture',
    ]);
    const exempt = JSON.stringify(not.NotStatement.Statement);
    for (const entry of largeBodyRoutes) {
      expect(exempt).toContain(JSON.stringify(pathPattern(entry.path)));
      expect(exempt).toContain(`"SearchString":"${entry.method}"`);
    }
    // The patterns match the route's paths and nothing longer.
    const users = new RegExp(pathPattern('/centres/{centreId}/users'));
    expect(users.test('/centres/GB001/users')).toBe(true);
    expect(users.test('/centres/GB001/users/u-1')).toBe(false);
    expect(users.test('/centres/GB001/sites/users')).toBe(false);
    // No sign-in body comes near its limit: the largest sign-in field is a refresh token.
    for (const entry of routeList.filter((r) => r.path.startsWith('/auth/')))
      expect(entry.rawBody, entry.routeKey).toBeUndefined();
  });

  it('logs blocked and counted requests to an aws-waf-logs- group, without the access token', () => {
    const [[, logging]] = ofType(edgeJson, 'AWS::WAFv2::LoggingConfiguration') as [
      [string, Resources[string]],
    ];
    const [[groupId, group]] = ofType(edgeJson, 'AWS::Logs::LogGroup') as [
      [string, Resources[string]],
    ];
    expect(group.Properties.LogGroupName).toMatch(/^aws-waf-logs-/);
    expect(group.Properties.RetentionInDays).toBe(90);
    expect(logging.Properties.ResourceArn).toEqual({
      'Fn::GetAtt': [hub.edge.getLogicalId(hub.edge.webAcl), 'Arn'],
    });
    // The group's ARN without the ":*" that LogGroup.logGroupArn ends with: WAF refuses it.
    expect(logging.Properties.LogDestinationConfigs).toEqual([
      {
        'Fn::Join': [
          '',
          ['arn:aws:logs:us-east-1:', { Ref: 'AWS::AccountId' }, ':log-group:', { Ref: groupId }],
        ],
      },
    ]);
    expect(logging.Properties.RedactedFields).toEqual([
      { SingleHeader: { Name: 'authorization' } },
    ]);
    expect(logging.Properties.LoggingFilter.DefaultBehavior).toBe('DROP');
  });

  it("guards the console's distribution, read across regions, so HubConsole waits for HubEdge", () => {
    const [[, distribution]] = ofType(consoleJson, 'AWS::CloudFront::Distribution') as [
      [string, Resources[string]],
    ];
    const webAclId = distribution.Properties.DistributionConfig.WebACLId;
    // A cross-region reference: CDK's reader custom resource returns the ACL's ARN.
    expect(JSON.stringify(webAclId)).toMatch(/ExportsReader/);
    expect(hub.console.dependencies.map((s) => s.stackName)).toContain(stackNames.edge);
  });
});

describe('the default context (no hub:apiDomain): the API stays on execute-api', () => {
  it('has one distribution (the console), no custom domain, the endpoint enabled', () => {
    expect(ofType(consoleJson, 'AWS::CloudFront::Distribution')).toHaveLength(1);
    expect(ofType(consoleJson, 'AWS::ApiGatewayV2::DomainName')).toHaveLength(0);
    expect(ofType(statelessJson, 'AWS::ApiGatewayV2::ApiMapping')).toHaveLength(0);
    const [[, api]] = ofType(statelessJson, 'AWS::ApiGatewayV2::Api') as [
      [string, Resources[string]],
    ];
    expect(api.Properties.DisableExecuteApiEndpoint).toBeFalsy();
    expect(hub.console.apiEdge).toBeUndefined();
    for (const [, fn] of ofType(statelessJson, 'AWS::Lambda::Function'))
      expect(fn.Properties.Environment?.Variables?.[originSecretVariable]).toBeUndefined();
  });

  it('throttles the stage from context (the load model in the README)', () => {
    expect(hub.settings).toMatchObject({ stageBurstLimit: 1000, stageRateLimit: 500 });
    const [[, stage]] = ofType(statelessJson, 'AWS::ApiGatewayV2::Stage') as [
      [string, Resources[string]],
    ];
    expect(stage.Properties.DefaultRouteSettings).toEqual({
      ThrottlingBurstLimit: 1000,
      ThrottlingRateLimit: 500,
    });
    const [[, prodStage]] = ofType(prodStateless, 'AWS::ApiGatewayV2::Stage') as [
      [string, Resources[string]],
    ];
    expect(prodStage.Properties.DefaultRouteSettings.ThrottlingRateLimit).toBe(400);
  });
});

describe('production (hub:apiDomain and hub:consoleDomain): the API behind CloudFront and WAF', () => {
  const apiDistribution = () => {
    const distributions = ofType(prodConsole, 'AWS::CloudFront::Distribution');
    expect(distributions).toHaveLength(2);
    const found = distributions.find(([, d]) =>
      d.Properties.DistributionConfig.Aliases?.includes('api.hub.school.example'),
    );
    expect(found).toBeDefined();
    return (found as [string, Resources[string]])[1].Properties.DistributionConfig;
  };

  it('answers the API domain with its us-east-1 certificate, TLS 1.2, HTTPS only, behind the WAF', () => {
    const config = apiDistribution();
    expect(config.Aliases).toEqual(['api.hub.school.example']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: production['hub:apiCertificateArn'],
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(JSON.stringify(config.WebACLId)).toMatch(/ExportsReader/);
    expect(config.Logging).toBeDefined();
    // Both distributions share the one web ACL.
    const [console] = ofType(prodConsole, 'AWS::CloudFront::Distribution').filter(([, d]) =>
      d.Properties.DistributionConfig.Aliases?.includes('hub.school.example'),
    ) as [[string, Resources[string]]];
    expect(console[1].Properties.DistributionConfig.WebACLId).toEqual(config.WebACLId);
  });

  it('caches nothing, forwards every method and every viewer header, Host included', () => {
    const behavior = apiDistribution().DefaultCacheBehavior;
    expect(behavior.CachePolicyId).toBe(cachingDisabled);
    // Host travels on: API Gateway finds its regional custom domain by that name.
    expect(behavior.OriginRequestPolicyId).toBe(allViewer);
    expect(behavior.AllowedMethods.sort()).toEqual(
      ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].sort(),
    );
    expect(behavior.ViewerProtocolPolicy).toBe('https-only');
    expect(behavior.FunctionAssociations).toHaveLength(1);
    expect(behavior.FunctionAssociations[0].EventType).toBe('viewer-request');
    expect(apiDistribution().CacheBehaviors).toBeUndefined();
  });

  it('reaches the API through its regional custom domain, with the origin secret header', () => {
    const [[domainId, domain]] = ofType(prodConsole, 'AWS::ApiGatewayV2::DomainName') as [
      [string, Resources[string]],
    ];
    expect(domain.Properties.DomainName).toBe('api.hub.school.example');
    expect(domain.Properties.DomainNameConfigurations).toEqual([
      {
        CertificateArn: production['hub:apiRegionalCertificateArn'],
        EndpointType: 'REGIONAL',
        SecurityPolicy: 'TLS_1_2',
      },
    ]);
    const [origin] = apiDistribution().Origins;
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [domainId, 'RegionalDomainName'] });
    expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    const [header] = origin.OriginCustomHeaders;
    expect(header.HeaderName).toBe(edgeHeaders.originSecret);
    // Resolved by CloudFormation at deploy from Secrets Manager: never in the template.
    expect(JSON.stringify(header.HeaderValue)).toContain('{{resolve:secretsmanager:');
  });

  it('disables the execute-api endpoint and maps the API onto the custom domain', () => {
    const [[, api]] = ofType(prodStateless, 'AWS::ApiGatewayV2::Api') as [
      [string, Resources[string]],
    ];
    expect(api.Properties.DisableExecuteApiEndpoint).toBe(true);
    const [[, mapping]] = ofType(prodStateless, 'AWS::ApiGatewayV2::ApiMapping') as [
      [string, Resources[string]],
    ];
    expect(mapping.Properties.ApiMappingKey).toBeUndefined();
    expect(JSON.stringify(mapping.Properties.DomainName)).toMatch(/ApiDomainName/);
    expect(prodStateless.Outputs?.ApiUrl?.Value).toBe('https://api.hub.school.example/');
  });

  it('gives every API function the origin secret, so a request around CloudFront is refused', () => {
    for (const area of Object.keys(
      prod.stateless.functions,
    ) as (keyof HubApp['stateless']['functions'])[]) {
      const fn = prod.stateless.functions[area].function;
      const env =
        prodStateless.Resources[idOf(prod.stateless, fn)]?.Properties.Environment.Variables;
      expect(JSON.stringify(env[originSecretVariable]), area).toContain(
        '{{resolve:secretsmanager:',
      );
    }
  });

  it('names the API domain exactly in the CSP and keeps CORS exact', () => {
    const [[, headers]] = ofType(prodConsole, 'AWS::CloudFront::ResponseHeadersPolicy') as [
      [string, Resources[string]],
    ];
    expect(
      headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
        .ContentSecurityPolicy,
    ).toBe(consoleContentSecurityPolicy('https://api.hub.school.example'));
    const [[, api]] = ofType(prodStateless, 'AWS::ApiGatewayV2::Api') as [
      [string, Resources[string]],
    ];
    expect(api.Properties.CorsConfiguration.AllowOrigins).toEqual([
      ...prod.settings.allowedOrigins,
      'https://hub.school.example',
    ]);
  });

  it('leaves no cdk-nag finding in the production app', () => {
    const report = JSON.parse(
      readFileSync(path.join(prodDir, 'validation-report.json'), 'utf8'),
    ) as { pluginReports: { violations?: unknown[] }[] };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
  });

  it('refuses an incomplete or misplaced domain setup', () => {
    const settingsOf = (context: Record<string, string>) =>
      readHubSettings(
        new App({ context: { ...fixtureContext(), ...production, ...context } }).node,
      );
    expect(settingsOf({}).apiDomain?.name).toBe('api.hub.school.example');
    expect(() => settingsOf({ 'hub:apiRegionalCertificateArn': '' })).toThrow(/all three/);
    expect(() =>
      settingsOf({
        'hub:apiRegionalCertificateArn': production['hub:apiCertificateArn'],
      }),
    ).toThrow(/in eu-west-2/);
    expect(() =>
      settingsOf({ 'hub:apiCertificateArn': production['hub:apiRegionalCertificateArn'] }),
    ).toThrow(/us-east-1/);
    expect(() => settingsOf({ 'hub:consoleDomain': '', 'hub:consoleCertificateArn': '' })).toThrow(
      /needs hub:consoleDomain/,
    );
    expect(() => settingsOf({ 'hub:wafAuthRateLimit': '5' })).toThrow(/at least 10/);
  });
});

describe("the API distribution's viewer-request function", () => {
  const run = (request: Json, ip: string) =>
    new Function(`${viewerIpCode}; return handler;`)()({ request, viewer: { ip } });

  it('sets the viewer IP from the connection and drops a forged secret and IP', () => {
    const out = run(
      {
        headers: {
          [edgeHeaders.originSecret]: { value: 'guess' },
          [edgeHeaders.viewerIp]: { value: '10.0.0.1' },
          host: { value: 'api.hub.school.example' },
        },
      },
      '203.0.113.7',
    );
    expect(out.headers[edgeHeaders.viewerIp]).toEqual({ value: '203.0.113.7' });
    expect(out.headers[edgeHeaders.originSecret]).toBeUndefined();
    expect(out.headers.host).toEqual({ value: 'api.hub.school.example' });
  });
});
