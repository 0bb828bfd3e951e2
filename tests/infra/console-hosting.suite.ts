/**
 * The web console in AWS: a private bucket read by CloudFront through OAC, HTTPS only, the
 * security headers of infra/console-security-headers.ts, client-side routes answered with
 * index.html, config.json written at deploy, and the console's address wired into CORS and
 * into every function that writes emails.
 */
import '../../infra/cdk-home.js'; // first: keep aws-cdk-lib's fingerprint cache out of ~
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingNames } from '../../functions/core/config.js';
import { consoleAssetsFolder, consoleDocumentPaths } from '../../infra/console-deployment.js';
import {
  consoleContentSecurityPolicy,
  consoleSecurityHeaders,
  referrerPolicy,
  strictTransportSecurity,
} from '../../infra/console-security-headers.js';
import {
  apiOriginPattern,
  ConsoleStack,
  hashedAssetsPattern,
  spaRewriteCode,
} from '../../infra/console-stack.js';
import type { HubApp } from '../../infra/hub-app.js';
import { readHubSettings } from '../../infra/settings.js';
import { fakeConsoleBuild } from './console-build.js';
import { defaultApp } from './default-app.js';
import { fixtureApp, fixtureContext, stackNames } from './fixture.js';

/** Synthesized CloudFormation is untyped JSON. */
type Json = any;
type Resources = Record<string, { Type: string; Properties: Json; DependsOn?: string[] }>;
type StackJson = { Resources: Resources; Outputs?: Record<string, Json> };

const consoleBuild = fakeConsoleBuild();
let hub: HubApp;
let outdir: string;
let consoleJson: StackJson;
let statefulJson: StackJson;
let statelessJson: StackJson;

beforeAll(() => {
  const app = defaultApp();
  ({ hub, outdir } = app);
  const assembly = app.assembly;
  consoleJson = assembly.getStackByName(stackNames.console).template;
  statefulJson = assembly.getStackByName(stackNames.stateful).template;
  statelessJson = assembly.getStackByName(stackNames.stateless).template;
}, 120_000);

afterAll(() => consoleBuild.remove());

const ofType = (template: StackJson, type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

function only<T>(items: T[], what: string): T {
  expect(items, what).toHaveLength(1);
  return items[0] as T;
}

const idOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** A value CloudFormation computes, as text: URLSuffix as in aws, other pseudo parameters as <AWS::…>. */
function render(value: Json): string {
  if (typeof value === 'string') return value;
  if (value?.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
  if (typeof value?.Ref === 'string' && value.Ref.startsWith('AWS::')) return `<${value.Ref}>`;
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(render).join(value['Fn::Join'][0]);
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** The export another stack imports, followed back to the value its own stack exports. */
function exported(importValue: Json, from: StackJson): Json {
  const name = importValue?.['Fn::ImportValue'];
  expect(name, JSON.stringify(importValue)).toEqual(expect.any(String));
  const output = Object.values(from.Outputs ?? {}).find((out: Json) => out.Export?.Name === name);
  expect(output, name).toBeDefined();
  return (output as Json).Value;
}

const distribution = () =>
  only(ofType(consoleJson, 'AWS::CloudFront::Distribution'), 'distribution')[1].Properties
    .DistributionConfig;
const distributionId = () => idOf(hub.console, hub.console.distribution);

/** `https://` + the distribution's domain, as another stack imports it. */
function expectConsoleOrigin(value: Json, from = 'the console origin') {
  expect(value?.['Fn::Join']?.[1]?.[0], from).toBe('https://');
  expect(exported(value['Fn::Join'][1][1], consoleJson), from).toEqual({
    'Fn::GetAtt': [distributionId(), 'DomainName'],
  });
}

describe('hosting', () => {
  it('keeps the files in a private, encrypted, TLS-only bucket with access logs, read through OAC only', () => {
    const bucketId = idOf(hub.console, hub.console.bucket);
    const bucket = consoleJson.Resources[bucketId]?.Properties;
    expect(bucket).toMatchObject({
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
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.any(String) } },
    });
    expect(bucket.WebsiteConfiguration).toBeUndefined();

    const [, policy] = only(
      ofType(consoleJson, 'AWS::S3::BucketPolicy').filter(
        ([, p]) => p.Properties.Bucket.Ref === bucketId,
      ),
      'console bucket policy',
    );
    const statements: Json[] = policy.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const statement of allows) {
      // Only CloudFront, and only as this distribution (OAC signs with its ARN).
      expect(statement.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(JSON.stringify(statement.Condition.StringEquals['AWS:SourceArn'])).toContain(
        `{"Ref":"${distributionId()}"}`,
      );
      for (const action of [statement.Action].flat())
        expect(['s3:GetObject', 's3:ListBucket']).toContain(action);
    }

    const [origin] = distribution().Origins;
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] });
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    const [oacId, oac] = only(ofType(consoleJson, 'AWS::CloudFront::OriginAccessControl'), 'OAC');
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
  });

  it('redirects HTTP to HTTPS everywhere; HTTP/2 and 3, index.html at /, compression, logs, Europe', () => {
    const config = distribution();
    const behaviors = [config.DefaultCacheBehavior, ...config.CacheBehaviors];
    expect(behaviors).toHaveLength(2);
    for (const behavior of behaviors) {
      expect(behavior).toMatchObject({
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD'],
        Compress: true,
      });
    }
    expect(config).toMatchObject({
      HttpVersion: 'http2and3',
      DefaultRootObject: 'index.html',
      PriceClass: 'PriceClass_100',
      Logging: { Bucket: { 'Fn::GetAtt': [expect.any(String), 'RegionalDomainName'] } },
    });
    expect(config.Aliases).toBeUndefined();
  });

  it('answers client-side routes with index.html by a viewer-request function, so missing files still 404', () => {
    const [functionId, fn] = only(ofType(consoleJson, 'AWS::CloudFront::Function'), 'function');
    expect(fn.Properties).toMatchObject({
      FunctionCode: spaRewriteCode,
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
      AutoPublish: true,
    });
    const config = distribution();
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
    ]);
    const [assets] = config.CacheBehaviors;
    expect(assets.PathPattern).toBe(hashedAssetsPattern);
    expect(assets.FunctionAssociations).toBeUndefined();
    // No 403/404 → index.html error pages: they would hide a missing script or picture.
    expect(config.CustomErrorResponses).toBeUndefined();

    // The function's own code, run as CloudFront runs it.
    const handler = new Function(`${spaRewriteCode}; return handler;`)() as (event: Json) => Json;
    const rewrite = (uri: string) => handler({ request: { uri, headers: {} } }).uri;
    for (const route of ['/', '/sign-in', '/centres/GB001/users', '/centres/GB001/users/'])
      expect(rewrite(route), route).toBe('/index.html');
    for (const file of ['/index.html', '/config.json', '/favicon.svg', '/assets/index-Cx1b.js'])
      expect(rewrite(file), file).toBe(file);
  });

  it('caches hashed assets for a year and revalidates index.html and config.json', () => {
    const config = distribution();
    const [assets] = config.CacheBehaviors;
    // The managed CachingOptimized policy: up to a year, as the files' Cache-Control says.
    expect(assets.CachePolicyId).toBe('658327ea-f89d-4fab-a63d-7e88639e58f6');
    const documentsPolicy =
      consoleJson.Resources[config.DefaultCacheBehavior.CachePolicyId.Ref]?.Properties
        .CachePolicyConfig;
    expect(documentsPolicy).toMatchObject({ DefaultTTL: 0, MinTTL: 0 });
    expect(documentsPolicy.MaxTTL).toBeLessThanOrEqual(60);

    const uploads = ofType(statelessJson, 'Custom::CDKBucketDeployment').map(
      ([, r]) => r.Properties,
    );
    expect(uploads).toHaveLength(2);
    const hashed = only(
      uploads.filter((u) => u.Include),
      'hashed assets upload',
    );
    expect(hashed).toMatchObject({
      Exclude: ['*'],
      Include: [hashedAssetsPattern],
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    const documents = only(
      uploads.filter((u) => !u.Include),
      'documents upload',
    );
    expect(documents).toMatchObject({
      Exclude: [hashedAssetsPattern],
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionPaths: ['/index.html', '/config.json'],
    });
    expect(consoleDocumentPaths).toEqual(['/index.html', '/config.json']);
    expect(exported(documents.DistributionId, consoleJson)).toEqual({ Ref: distributionId() });
    // Both uploads go to the console bucket, by the name CloudFormation generated for it.
    for (const upload of uploads)
      expect(exported(upload.DestinationBucketName, consoleJson)).toEqual({
        Ref: idOf(hub.console, hub.console.bucket),
      });
  });
});

describe('security headers (infra/console-security-headers.ts)', () => {
  const policy = () =>
    only(ofType(consoleJson, 'AWS::CloudFront::ResponseHeadersPolicy'), 'headers policy')[1]
      .Properties.ResponseHeadersPolicyConfig;

  it('sends the CSP of consoleContentSecurityPolicy: no unsafe-inline or unsafe-eval, no framing', () => {
    const csp = policy().SecurityHeadersConfig.ContentSecurityPolicy;
    expect(csp.Override).toBe(true);
    const text = render(csp.ContentSecurityPolicy);
    expect(text).toBe(
      consoleContentSecurityPolicy(apiOriginPattern(hub.settings.region, 'amazonaws.com')),
    );
    expect(text).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(text).toContain("frame-ancestors 'none'");
    expect(text).toContain("script-src 'self';");
  });

  it("lets the console call the API: connect-src allows the HTTP API's URL origin", () => {
    const text = render(policy().SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    const connect = text.split('; ').find((directive) => directive.startsWith('connect-src '));
    const sources = connect?.split(' ').slice(1) ?? [];
    expect(sources).toEqual(["'self'", 'https://*.execute-api.eu-west-2.amazonaws.com']);
    // An HTTP API's endpoint is https://<api id>.execute-api.<region>.<suffix>; in CSP a
    // leading "*." stands for one or more labels.
    const allowed = new RegExp(
      `^${(sources[1] as string).replaceAll('.', '\\.').replace('*\\.', '[a-z0-9-]+(\\.[a-z0-9-]+)*\\.')}$`,
    );
    expect(new URL('https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/').origin).toMatch(
      allowed,
    );
    expect('https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com').not.toMatch(allowed);
    expect('https://evil.example').not.toMatch(allowed);
  });

  it("shows profile pictures from object URLs: img-src allows 'self' and blob:, nothing remote", () => {
    // Pictures are private: the console fetches them with the user's token and shows the
    // bytes through URL.createObjectURL, so blob: must be allowed and no other host need be.
    const text = render(policy().SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    const local = consoleContentSecurityPolicy('http://127.0.0.1:3000');
    for (const csp of [text, local]) {
      const img = csp.split('; ').find((directive) => directive.startsWith('img-src '));
      const sources = img?.split(' ').slice(1) ?? [];
      expect(sources).toEqual(expect.arrayContaining(["'self'", 'blob:']));
      for (const source of sources) expect(source).toMatch(/^('self'|blob:|data:)$/);
    }
  });

  it('sends HSTS, nosniff, the referrer policy and X-Frame-Options DENY, all overriding the origin', () => {
    const security = policy().SecurityHeadersConfig;
    expect(security.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Preload: true,
      Override: true,
    });
    expect(strictTransportSecurity).toBe('max-age=63072000; includeSubDomains; preload');
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.ReferrerPolicy).toEqual({ ReferrerPolicy: referrerPolicy, Override: true });
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
  });

  it('sends every other header of consoleSecurityHeaders(), so the local console matches', () => {
    const typed = new Set([
      'content-security-policy',
      'strict-transport-security',
      'x-content-type-options',
      'referrer-policy',
      'x-frame-options',
    ]);
    const expected = Object.entries(consoleSecurityHeaders('https://api.example'))
      .filter(([name]) => !typed.has(name))
      .map(([header, value]) => ({ Header: header, Value: value, Override: true }));
    expect(expected.length).toBeGreaterThan(0);
    expect(policy().CustomHeadersConfig.Items).toEqual(expected);
    const config = distribution();
    const policyId = only(ofType(consoleJson, 'AWS::CloudFront::ResponseHeadersPolicy'), 'p')[0];
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors])
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });
});

describe('configuration at deploy', () => {
  it('writes config.json with the API URL, the region and the user pool ids, resolved at deploy', () => {
    const documents = only(
      ofType(statelessJson, 'Custom::CDKBucketDeployment').filter(([, r]) => !r.Properties.Include),
      'documents upload',
    )[1].Properties;
    // The second source is Source.jsonData's zip; the synth keeps its folder in outdir.
    const key = String(documents.SourceObjectKeys[1]).replace(/\.zip$/, '');
    const config = JSON.parse(
      readFileSync(path.join(outdir, `asset.${key}`, 'config.json'), 'utf8'),
    );
    expect(Object.keys(config).sort()).toEqual([
      'apiUrl',
      'region',
      'userPoolClientId',
      'userPoolId',
    ]);
    expect(config.region).toBe(hub.settings.region);
    const markers = documents.SourceMarkers[1];
    expect(documents.SourceMarkersConfig[1]).toEqual({ jsonEscape: true });

    // The endpoint of this stack's API (no trailing slash, unlike the $default stage's URL).
    const apiId = idOf(hub.stateless, hub.stateless.api);
    expect(markers[config.apiUrl]).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    expect(exported(markers[config.userPoolId], statefulJson)).toEqual({
      Ref: idOf(hub.stateful, hub.stateful.userPool),
    });
    expect(exported(markers[config.userPoolClientId], statefulJson)).toEqual({
      Ref: idOf(hub.stateful, hub.stateful.userPoolClient),
    });
  });

  it('refuses to synthesize without a built console, and says how to build it', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'hub-no-console-'));
    try {
      expect(() => consoleAssetsFolder(empty)).toThrow(/npm run build:console/);
      expect(() =>
        fixtureApp({
          outdir: empty,
          context: { 'aws:cdk:bundling-stacks': [], 'hub:consoleAssets': empty },
        }),
      ).toThrow(/has no index\.html\. Run `npm run build:console` first/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("the console's address", () => {
  it("is one of the API's CORS origins", () => {
    const [, api] = only(ofType(statelessJson, 'AWS::ApiGatewayV2::Api'), 'API');
    const origins: Json[] = api.Properties.CorsConfiguration.AllowOrigins;
    expect(origins.slice(0, -1)).toEqual(hub.settings.allowedOrigins);
    expectConsoleOrigin(origins.at(-1), 'CORS');
  });

  it('is CONSOLE_URL of every function that sends email, and of the CustomMessage trigger', () => {
    const sendsEmail = new Set(
      ofType(statelessJson, 'AWS::IAM::Policy')
        .filter(([, p]) =>
          p.Properties.PolicyDocument.Statement.some((s: Json) =>
            [s.Action].flat().includes('ses:SendEmail'),
          ),
        )
        .flatMap(([, p]) => p.Properties.Roles.map((role: Json) => role.Ref)),
    );
    // The outbox sender, and the me area (the code confirming a new address is sent inline).
    expect(sendsEmail.size).toBe(2);
    for (const [id, fn] of ofType(statelessJson, 'AWS::Lambda::Function')) {
      const roleId = fn.Properties.Role['Fn::GetAtt']?.[0];
      const url = fn.Properties.Environment?.Variables?.[settingNames.consoleUrl];
      if (sendsEmail.has(roleId)) expectConsoleOrigin(url, id);
      else expect(url, id).toBeUndefined();
    }

    const [, pool] = only(ofType(statefulJson, 'AWS::Cognito::UserPool'), 'user pool');
    const triggerId = idOf(hub.stateful, hub.stateful.customMessageTrigger.function);
    expect(pool.Properties.LambdaConfig.CustomMessage).toEqual({
      'Fn::GetAtt': [triggerId, 'Arn'],
    });
    const trigger = statefulJson.Resources[triggerId]?.Properties;
    expectConsoleOrigin(trigger.Environment.Variables[settingNames.consoleUrl], 'trigger');
  });

  it('comes from HubConsole, which deploys first and depends on no other stack but HubEdge', () => {
    // HubEdge (us-east-1) holds the WAF web ACL, read through a cross-region reference.
    expect(hub.console.dependencies.map((s) => s.stackName)).toEqual([stackNames.edge]);
    expect(JSON.stringify(consoleJson)).not.toContain('Fn::ImportValue');
    for (const stack of [hub.stateful, hub.stateless])
      expect(stack.dependencies.map((s) => s.stackName)).toContain(stackNames.console);
  });

  it('is the custom domain when hub:consoleDomain is set, served with TLS 1.2 and its certificate', () => {
    const domain = {
      'hub:consoleDomain': 'Hub.School.example',
      'hub:consoleCertificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/1234-abcd',
    };
    const app = new App({
      outdir: mkdtempSync(path.join(tmpdir(), 'hub-console-domain-')),
      context: { ...fixtureContext(), ...consoleBuild.context, ...domain },
    });
    const settings = readHubSettings(app.node);
    const stack = new ConsoleStack(app, 'Console', {
      settings,
      env: { region: settings.region },
      webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/hub/1234',
    });
    try {
      expect(stack.url).toBe('https://hub.school.example');
      const config =
        Template.fromStack(stack).toJSON().Resources[idOf(stack, stack.distribution)].Properties
          .DistributionConfig;
      expect(config.Aliases).toEqual(['hub.school.example']);
      expect(config.ViewerCertificate).toEqual({
        AcmCertificateArn: domain['hub:consoleCertificateArn'],
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      });
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }

    const settingsOf = (context: Record<string, string>) =>
      readHubSettings(new App({ context: { ...fixtureContext(), ...context } }).node);
    expect(() => settingsOf({ 'hub:consoleDomain': 'hub.school.example' })).toThrow(/go together/);
    expect(() =>
      settingsOf({
        ...domain,
        'hub:consoleCertificateArn': 'arn:aws:acm:eu-west-2:123456789012:certificate/1',
      }),
    ).toThrow(/us-east-1/);
    expect(() =>
      settingsOf({ ...domain, 'hub:consoleDomain': 'https://hub.school.example' }),
    ).toThrow(/not a host name/);
  });
});

describe('cdk-nag', () => {
  it('leaves no unacknowledged finding, and acknowledges only what the console really brings', () => {
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports).toEqual([]);

    const raw = new AwsSolutionsChecks();
    (raw as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
    const consoleFindings = raw
      .validateScope(hub.app)
      .violations.flatMap((v) =>
        v.violatingResources.map((r) => `${r.constructPath} ${v.ruleName}`),
      )
      .filter((finding) =>
        new RegExp(
          `^${stackNames.console}/|^${stackNames.stateless}/(Console/|Custom::CDKBucketDeployment)`,
        ).test(finding),
      )
      .map((finding) =>
        finding.replace(/Custom::CDKBucketDeployment[0-9A-F]+/, 'Custom::CDKBucketDeployment'),
      )
      .sort();
    const role = `${stackNames.stateless}/Console/Role/DefaultPolicy/Resource`;
    const distribution = `${stackNames.console}/Distribution/Resource`;
    expect(consoleFindings).toEqual(
      [
        `${distribution} AwsSolutions-CFR1`, // geo restriction: none, WAF instead
        `${distribution} AwsSolutions-CFR4`, // default certificate's TLS
        `${stackNames.stateless}/Custom::CDKBucketDeployment/Resource AwsSolutions-L1`,
        ...[
          'Action::s3:Abort*',
          'Action::s3:DeleteObject*',
          'Action::s3:GetBucket*',
          'Action::s3:GetObject*',
          'Action::s3:List*',
          'Resource::*',
          'Resource::arn:aws:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-eu-west-2/*',
          `Resource::arn:aws:s3:::${stackNames.console}-ConsoleBucketName/*`,
        ].map((finding) => `${role} AwsSolutions-IAM5[${finding}]`),
      ].sort(),
    );
  });
});
