/**
 * AWS WAF in front of both CloudFront distributions (the console and, with hub:apiDomain,
 * the API). A web ACL of CLOUDFRONT scope can only be made in us-east-1, whatever the
 * region of the other stacks: this stack lives there, and HubConsole (hub:region) reads the
 * ACL's ARN through CDK's cross-region references (an SSM parameter that CDK writes in
 * HubConsole's region and reads back at deploy), so one `cdk deploy --all` orders them.
 */
import { ArnFormat, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { maxJsonBodyBytes, maxPictureBytes } from '../functions/core/domain.js';
import { type RouteEntry, routeList } from '../functions/core/routes.js';
import type { HubSettings } from './settings.js';

/** CloudFront's web ACLs and certificates live in us-east-1 only. */
export const edgeRegion = 'us-east-1';

/** WAF's rate-based rules count requests per client IP over this window. */
export const wafRateWindowSeconds = 300;

/**
 * How much of a body WAF reads on CloudFront (16 KiB unless raised; 64 KiB at most). A body
 * rule can only tell "larger than this", so this is also the body-size rule's limit.
 */
export const wafBodyInspectionKiB = 64;
export const wafBodyLimitBytes = wafBodyInspectionKiB * 1024;

/** The sign-in routes take an email, a password, a code or a token: never near 8 KiB. */
export const authBodyLimitBytes = 8 * 1024;

/**
 * Routes whose legitimate bodies may pass the body rule's limit: the raw picture (1 MiB)
 * and "Add users" (100 rows, up to the API's 256 KiB JSON limit). The API still refuses
 * anything larger with its own 413 PAYLOAD_TOO_LARGE.
 */
export const largeBodyRoutes: readonly RouteEntry[] = routeList.filter(
  (entry) => entry.rawBody !== undefined || entry.operationId === 'addUsers',
);
export const largestBodyBytes = Math.max(maxJsonBodyBytes, maxPictureBytes);

/** Binary bodies (pictures) are not text: the common rules' body checks would misfire on them. */
export const rawBodyRoutes: readonly RouteEntry[] = routeList.filter(
  (entry) => entry.rawBody !== undefined,
);

/** A route-table path as an anchored regular expression over the URI path. */
export const pathPattern = (path: string) =>
  `^${path.replace(/\{[^}]+\}/g, '[^/]+').replace(/[.]/g, '\\.')}$`;

type Statement = CfnWebACL.StatementProperty;

const textTransformations = [{ priority: 0, type: 'NONE' }];

const anyOf = (statements: Statement[]): Statement =>
  statements.length === 1 ? (statements[0] as Statement) : { orStatement: { statements } };

/** Requests to one of these routes: the method and the path pattern. */
export function routesStatement(entries: readonly RouteEntry[]): Statement {
  if (entries.length === 0) throw new Error('routesStatement needs at least one route');
  return anyOf(
    entries.map((entry) => ({
      andStatement: {
        statements: [
          {
            byteMatchStatement: {
              fieldToMatch: { method: {} },
              positionalConstraint: 'EXACTLY',
              searchString: entry.method,
              textTransformations,
            },
          },
          {
            regexMatchStatement: {
              fieldToMatch: { uriPath: {} },
              regexString: pathPattern(entry.path),
              textTransformations,
            },
          },
        ],
      },
    })),
  );
}

const authPaths: Statement = {
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'STARTS_WITH',
    searchString: '/auth/',
    textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
  },
};

const bodyLargerThan = (bytes: number): Statement => ({
  sizeConstraintStatement: {
    // A body WAF could not read to its end is larger than the inspection limit: it matches.
    fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
    comparisonOperator: 'GT',
    size: bytes,
    textTransformations,
  },
});

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const managed = (
  name: string,
  priority: number,
  options: {
    ruleActionOverrides?: CfnWebACL.RuleActionOverrideProperty[];
    scopeDownStatement?: Statement;
  } = {},
): CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: { vendorName: 'AWS', name, ...options },
  },
  visibilityConfig: visibility(name),
});

/** The web ACL's rules, in order. Exported so the tests can read them without a template. */
export function webAclRules(settings: HubSettings): CfnWebACL.RuleProperty[] {
  return [
    // Addresses Amazon's threat intelligence knows for bots and attacks: stopped first.
    managed('AWSManagedRulesAmazonIpReputationList', 0),
    // One client IP may not flood sign-in: the stage's route limits are one shared bucket.
    {
      name: 'AuthRatePerIp',
      priority: 1,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          evaluationWindowSec: wafRateWindowSeconds,
          limit: settings.wafAuthRateLimit,
          scopeDownStatement: authPaths,
        },
      },
      visibilityConfig: visibility('AuthRatePerIp'),
    },
    // And no client IP may take the whole stage's budget on the other routes either.
    {
      name: 'RatePerIp',
      priority: 2,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          evaluationWindowSec: wafRateWindowSeconds,
          limit: settings.wafRateLimit,
        },
      },
      visibilityConfig: visibility('RatePerIp'),
    },
    // Sign-in bodies are small; anything bigger is not a sign-in.
    {
      name: 'AuthBodyTooLarge',
      priority: 3,
      action: { block: {} },
      statement: { andStatement: { statements: [authPaths, bodyLargerThan(authBodyLimitBytes)] } },
      visibilityConfig: visibility('AuthBodyTooLarge'),
    },
    // Every other body stays under the inspection limit, except on the routes that need more.
    {
      name: 'BodyTooLarge',
      priority: 4,
      action: { block: {} },
      statement: {
        andStatement: {
          statements: [
            bodyLargerThan(wafBodyLimitBytes),
            { notStatement: { statement: routesStatement(largeBodyRoutes) } },
          ],
        },
      },
      visibilityConfig: visibility('BodyTooLarge'),
    },
    managed('AWSManagedRulesKnownBadInputsRuleSet', 5),
    // The common rules block bodies over 8 KiB (SizeRestrictions_BODY): "Add users" and
    // pictures are larger, and the two body rules above say what is too large here. A
    // picture's bytes are not text, so the picture upload skips the common rules.
    managed('AWSManagedRulesCommonRuleSet', 6, {
      ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
      scopeDownStatement: { notStatement: { statement: routesStatement(rawBodyRoutes) } },
    }),
  ];
}

export interface EdgeStackProps extends StackProps {
  settings: HubSettings;
}

export class EdgeStack extends Stack {
  readonly webAcl: CfnWebACL;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: 'school-support-hub',
      description: 'School Support Hub - the console and API CloudFront distributions',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rules: webAclRules(settings),
      // Reads up to 64 KiB of each body (the default is 16 KiB): the body rule's limit.
      associationConfig: {
        requestBody: { CLOUDFRONT: { defaultSizeInspectionLimit: `KB_${wafBodyInspectionKiB}` } },
      },
      visibilityConfig: visibility('school-support-hub'),
    });

    // WAF writes only to a log group whose name starts with aws-waf-logs-.
    this.logGroup = new LogGroup(this, 'WafLogs', {
      logGroupName: 'aws-waf-logs-school-support-hub',
      retention: settings.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group's ARN without the ":*" that logGroupArn ends with.
      logDestinationConfigs: [
        this.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // The access token is a credential: never written to a log.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
      // What was blocked or counted, not every allowed request.
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [
              { ActionCondition: { Action: 'BLOCK' } },
              { ActionCondition: { Action: 'COUNT' } },
            ],
          },
        ],
      },
    });

    new CfnOutput(this, 'WebAclArn', { value: this.webAcl.attrArn });
  }
}
