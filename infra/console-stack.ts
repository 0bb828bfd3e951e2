/**
 * Where the web console is served: a private bucket behind CloudFront (and the WAF web ACL
 * of HubEdge); with hub:apiDomain, also the API's own distribution and the regional API
 * Gateway custom domain it calls (ConsoleStack.apiDistribution). It
 * is deployed before the other stacks because they need its address (emails link to it, the
 * API's CORS allows it); the stateless stack, which knows the API, uploads the files and
 * config.json into the bucket (infra/console-deployment.ts).
 */
import {
  Annotations,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { DomainName, SecurityPolicy } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AccessLevel,
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  type ResponseSecurityHeadersBehavior,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Bucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { edgeHeaders } from '../functions/core/edge.js';
import { consoleSecurityHeaders } from './console-security-headers.js';
import { privateBucket } from './private-bucket.js';
import type { HubSettings } from './settings.js';

/**
 * A path whose last segment has no extension is a client-side route (/sign-in,
 * /centres/GB001/users): the app's index.html answers it. A path with one (/assets/x.js,
 * /favicon.svg) is a file, so a missing file is still a 404, not the app.
 */
export const spaRewriteCode = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.lastIndexOf('.') <= uri.lastIndexOf('/')) request.uri = '/index.html';
  return request;
}`;

/** Vite names every file under assets/ by its content hash: a new build never reuses a name. */
export const hashedAssetsPattern = 'assets/*';

/**
 * The API's origin as the console's CSP names it. The API and the distribution cannot name
 * each other exactly: the API's CORS needs the console's domain, so this stack deploys
 * first, before the API (and its random id) exists. Hence every HTTP API of the region: a
 * page can still reach no other host, and the browser still needs CORS from that API.
 */
export const apiOriginPattern = (region: string, urlSuffix: string) =>
  `https://*.execute-api.${region}.${urlSuffix}`;

/**
 * The API distribution's viewer-request function: the viewer's IP (CloudFront's own view of
 * the connection, which no client can set) travels to the API in a header of ours, and a
 * client's attempt at the origin secret's header is dropped (CloudFront sets that one itself).
 */
export const viewerIpCode = `function handler(event) {
  var request = event.request;
  request.headers['${edgeHeaders.viewerIp}'] = { value: event.viewer.ip };
  delete request.headers['${edgeHeaders.originSecret}'];
  return request;
}`;

export interface ConsoleStackProps extends StackProps {
  settings: HubSettings;
  /** The WAF web ACL of both distributions (HubEdge, us-east-1). */
  webAclArn: string;
}

/** With hub:apiDomain: the API's distribution and what HubStateless connects to it. */
export interface ApiEdge {
  distribution: Distribution;
  /** The regional API Gateway custom domain CloudFront reaches the API through. */
  domainName: DomainName;
  /** The value CloudFront sends in edgeHeaders.originSecret; the API refuses requests without it. */
  originSecret: Secret;
  /** `https://<hub:apiDomain>`: the API's one address. */
  url: string;
}

export class ConsoleStack extends Stack {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<domain>` without a trailing slash: what emails link to and CORS allows. */
  readonly url: string;
  readonly responseHeadersPolicy: ResponseHeadersPolicy;
  readonly spaRewrite: EdgeFunction;
  /** Present with hub:apiDomain only. */
  readonly apiEdge?: ApiEdge;
  /** The origin the console's CSP lets pages call: the API's domain, else any HTTP API here. */
  readonly apiOrigin: string;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    const { settings } = props;

    // CloudFront's standard logs are delivered with an ACL, so this bucket has ACLs on
    // (the only one); it also takes the console bucket's server access logs.
    const logBucket = new Bucket(this, 'LogBucket', {
      ...privateBucket,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // No versioning: every file is rebuilt from git, and a rollback is a redeploy.
    this.bucket = new Bucket(this, 'ConsoleBucket', {
      ...privateBucket,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'console-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.spaRewrite = new EdgeFunction(this, 'SpaRewrite', {
      code: FunctionCode.fromInline(spaRewriteCode),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'School Support Hub console: client-side routes get index.html',
    });

    this.apiOrigin = settings.apiDomain
      ? `https://${settings.apiDomain.name}`
      : apiOriginPattern(this.region, this.urlSuffix);
    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'School Support Hub console: infra/console-security-headers.ts',
      ...cloudFrontHeaders(consoleSecurityHeaders(this.apiOrigin)),
    });

    // ListBucket lets S3 answer a missing file with 404 rather than 403; CloudFront only ever
    // asks for one key (the root is index.html), so nothing can list the bucket through it.
    const origin = S3BucketOrigin.withOriginAccessControl(this.bucket, {
      originAccessLevels: [AccessLevel.READ, AccessLevel.LIST],
    });
    const common = {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      compress: true,
      responseHeadersPolicy: this.responseHeadersPolicy,
    };
    // index.html, config.json and the routes must show a deploy at once: the objects say
    // no-cache (infra/console-deployment.ts) and the minute cap covers any object that does not.
    const documents = new CachePolicy(this, 'DocumentsCache', {
      comment: 'School Support Hub console: index.html and config.json, revalidated',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.minutes(1),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const domain = settings.consoleDomain;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'School Support Hub web console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        ...common,
        cachePolicy: documents,
        functionAssociations: [
          { function: this.spaRewrite, eventType: FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        [hashedAssetsPattern]: { ...common, cachePolicy: CachePolicy.CACHING_OPTIMIZED },
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America, Europe and Israel: the hub's users are served from European edges.
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: props.webAclArn,
      ...(domain
        ? {
            domainNames: [domain.name],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    this.url = `https://${domain ? domain.name : this.distribution.distributionDomainName}`;

    Annotations.of(this.distribution).acknowledgeWarning(
      '@aws-cdk/aws-cloudfront-origins:listBucketSecurityRisk',
      'The default root object is index.html and the viewer-request function turns every extension-less path into /index.html, so no request reaches S3 as a bucket listing.',
    );
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'The hub serves Cambridge schools in many countries: no country is blocked. WAF (HubEdge: IP reputation, managed rules, rate per IP) guards the distribution instead.',
      },
      ...(domain
        ? []
        : [
            {
              id: 'AwsSolutions-CFR4',
              reason:
                "Without hub:consoleDomain the distribution uses CloudFront's default *.cloudfront.net certificate, whose minimum TLS version cannot be set; with hub:consoleDomain and hub:consoleCertificateArn the distribution requires TLSv1.2_2021.",
            },
          ]),
    );

    if (settings.apiDomain)
      this.apiEdge = this.apiDistribution(settings, logBucket, props.webAclArn);

    new CfnOutput(this, 'ConsoleUrl', { value: this.url });
    new CfnOutput(this, 'ConsoleBucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'ConsoleDistributionDomainName', {
      description: 'With hub:consoleDomain: the CNAME (or alias) target of that name',
      value: this.distribution.distributionDomainName,
    });
  }

  /**
   * The API behind CloudFront and WAF (hub:apiDomain). CloudFront answers the API's name with
   * the us-east-1 certificate and calls API Gateway's regional custom domain of the same
   * name (the regional certificate), forwarding every viewer header including Host, so API
   * Gateway finds its custom domain by that name; the execute-api endpoint is disabled
   * (HubStateless). The custom domain itself is still reachable by its regional name, so
   * CloudFront adds a secret header that the API refuses to do without (functions/core/edge.ts).
   * Nothing is cached: every answer is a user's own.
   */
  private apiDistribution(settings: HubSettings, logBucket: Bucket, webAclArn: string): ApiEdge {
    const api = settings.apiDomain as NonNullable<HubSettings['apiDomain']>;
    const domainName = new DomainName(this, 'ApiDomainName', {
      domainName: api.name,
      certificate: Certificate.fromCertificateArn(
        this,
        'ApiRegionalCertificate',
        api.regionalCertificateArn,
      ),
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    const originSecret = new Secret(this, 'ApiOriginSecret', {
      description:
        'School Support Hub: the header value CloudFront adds to every API request; the API refuses requests without it',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(originSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The origin secret is resolved at deploy only, by CloudFront (an origin header) and by the API functions (an environment variable): a rotation Lambda would change the stored value while both go on using the old one until a deploy updates them, a rotation in name only. It only proves a request came through CloudFront; it is no credential of a user (README, "Behind CloudFront and WAF").',
    });
    const viewerIp = new EdgeFunction(this, 'ApiViewerIp', {
      code: FunctionCode.fromInline(viewerIpCode),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'School Support Hub API: passes the viewer IP on, drops a forged origin secret',
    });
    const distribution = new Distribution(this, 'ApiDistribution', {
      comment: 'School Support Hub API',
      defaultBehavior: {
        origin: new HttpOrigin(domainName.regionalDomainName, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          customHeaders: { [edgeHeaders.originSecret]: originSecret.secretValue.unsafeUnwrap() },
          // API Gateway ends an integration at 30 s; CloudFront's default wait is 30 s too.
          readTimeout: Duration.seconds(30),
        }),
        // An API client does not follow a redirect with its POST body: plain HTTP is refused.
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER,
        compress: false,
        functionAssociations: [{ function: viewerIp, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket,
      logFilePrefix: 'api-cloudfront/',
      webAclId: webAclArn,
      domainNames: [api.name],
      certificate: Certificate.fromCertificateArn(this, 'ApiCertificate', api.certificateArn),
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
    });
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'The hub serves Cambridge schools in many countries: no country is blocked. WAF (IP reputation, rate per IP) guards the API instead.',
    });
    new CfnOutput(this, 'ApiDistributionDomainName', {
      description: 'The CNAME (or alias) target of hub:apiDomain',
      value: distribution.distributionDomainName,
    });
    return { distribution, domainName, originSecret, url: `https://${api.name}` };
  }
}

/**
 * consoleSecurityHeaders() as a response headers policy: the headers CloudFront knows as
 * security headers in their typed form, every other one as a custom header. All override
 * what the origin sends. A value CloudFront cannot express fails the synth.
 */
export function cloudFrontHeaders(headers: Record<string, string>): {
  securityHeadersBehavior: ResponseSecurityHeadersBehavior;
  customHeadersBehavior: {
    customHeaders: { header: string; value: string; override: boolean }[];
  };
} {
  const security: {
    -readonly [K in keyof ResponseSecurityHeadersBehavior]: ResponseSecurityHeadersBehavior[K];
  } = {};
  const custom: { header: string; value: string; override: boolean }[] = [];
  for (const [name, value] of Object.entries(headers)) {
    switch (name.toLowerCase()) {
      case 'content-security-policy':
        security.contentSecurityPolicy = { contentSecurityPolicy: value, override: true };
        break;
      case 'strict-transport-security': {
        const maxAge = /(?:^|;)\s*max-age=(\d+)\s*(?:;|$)/i.exec(value)?.[1];
        if (!maxAge) throw new Error(`strict-transport-security without max-age: ${value}`);
        const directives = value.split(';').map((part) => part.trim().toLowerCase());
        security.strictTransportSecurity = {
          accessControlMaxAge: Duration.seconds(Number(maxAge)),
          includeSubdomains: directives.includes('includesubdomains'),
          preload: directives.includes('preload'),
          override: true,
        };
        break;
      }
      case 'x-content-type-options':
        if (value.toLowerCase() !== 'nosniff') throw new Error(`x-content-type-options: ${value}`);
        security.contentTypeOptions = { override: true };
        break;
      case 'referrer-policy': {
        const policy = Object.values(HeadersReferrerPolicy).find((known) => known === value);
        if (!policy) throw new Error(`referrer-policy CloudFront does not know: ${value}`);
        security.referrerPolicy = { referrerPolicy: policy, override: true };
        break;
      }
      case 'x-frame-options': {
        const option = Object.values(HeadersFrameOption).find(
          (known) => known === value.toUpperCase(),
        );
        if (!option) throw new Error(`x-frame-options CloudFront does not know: ${value}`);
        security.frameOptions = { frameOption: option, override: true };
        break;
      }
      default:
        custom.push({ header: name, value, override: true });
    }
  }
  return { securityHeadersBehavior: security, customHeadersBehavior: { customHeaders: custom } };
}
