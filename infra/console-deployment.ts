/**
 * Uploads the built console (web/dist, or hub:consoleAssets) and its config.json into the
 * console bucket of infra/console-stack.ts. It lives in the stateless stack: config.json
 * carries the API's URL, which only exists there. The build is never run by a synth: the
 * operator builds first (`npm run build:console`), and a missing build fails the synth.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { hashedAssetsPattern } from './console-stack.js';
import { projectRoot } from './hub-function.js';
import type { SharedBucketName } from './private-bucket.js';

/** What the console reads at start from /config.json (web/src/config.ts). */
export interface ConsoleConfig {
  /** The API's base URL, no trailing slash. */
  apiUrl: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
}

export const consoleConfigKey = 'config.json';

/** Files the browser must fetch again after every deploy; the deployment invalidates them. */
export const consoleDocumentPaths = ['/index.html', `/${consoleConfigKey}`];

/** The build folder, checked: a synth without a build would deploy an empty console. */
export function consoleAssetsFolder(setting: string): string {
  const folder = path.resolve(projectRoot, setting);
  if (!existsSync(path.join(folder, 'index.html')))
    throw new Error(
      `The console is not built: ${folder} has no index.html. Run \`npm run build:console\` first (or point -c hub:consoleAssets=<folder> at a built console).`,
    );
  return folder;
}

export interface ConsoleDeploymentProps {
  /** The console bucket's generated name (HubConsole). */
  bucket: SharedBucketName;
  /** The console's distribution (HubConsole): the deployment invalidates its documents. */
  distribution: IDistribution;
  /** hub:consoleAssets: the built console, relative to the repository root. */
  assets: string;
  config: ConsoleConfig;
  logRetention: RetentionDays;
}

export class ConsoleDeployment extends Construct {
  readonly hashedAssets: BucketDeployment;
  readonly documents: BucketDeployment;

  constructor(scope: Construct, id: string, props: ConsoleDeploymentProps) {
    super(scope, id);
    const files = Source.asset(consoleAssetsFolder(props.assets));
    const bucket = Bucket.fromBucketName(this, 'Bucket', props.bucket.bucketName);

    // As HubFunction does: our own role (no AWSLambdaBasicExecutionRole, which may write to
    // every log group) and a log group with the project's retention, kept with the stack's
    // deletion like every function's.
    const logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Uploads the web console for ${Stack.of(this).stackName}`,
    });
    logGroup.grantWrite(role);

    // Hashed files first and never pruned: a browser still on the previous index.html keeps
    // loading the files that page names.
    this.hashedAssets = new BucketDeployment(this, 'HashedAssets', {
      sources: [files],
      destinationBucket: bucket,
      exclude: ['*'],
      include: [hashedAssetsPattern],
      prune: false,
      cacheControl: [
        CacheControl.setPublic(),
        CacheControl.maxAge(Duration.days(365)),
        CacheControl.immutable(),
      ],
      role,
      logGroup,
    });
    this.documents = new BucketDeployment(this, 'Documents', {
      sources: [files, Source.jsonData(consoleConfigKey, props.config)],
      destinationBucket: bucket,
      // Excluded files are neither uploaded nor pruned here: assets/ is the deployment above.
      exclude: [hashedAssetsPattern],
      cacheControl: [CacheControl.noCache()],
      distribution: props.distribution,
      distributionPaths: consoleDocumentPaths,
      role,
      logGroup,
    });
    this.documents.node.addDependency(this.hashedAssets);

    const stack = Stack.of(this);
    const qualifier =
      (stack.synthesizer as { bootstrapQualifier?: string }).bootstrapQualifier ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const cdkAssets = `arn:${stack.partition}:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-${stack.region}/*`;
    const grantedByCdk =
      "granted by CDK's BucketDeployment to its upload function (not configurable), on this role alone";
    Validations.of(role).acknowledge(
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map(
        (action) => ({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason: `${action}: ${grantedByCdk}; it syncs the console bucket (and reads the CDK asset zip), nothing else.`,
        }),
      ),
      {
        id: `AwsSolutions-IAM5[Resource::arn:${stack.partition}:s3:::${props.bucket.exportName}/*]`,
        reason: `Every object of the console bucket, ${grantedByCdk}: the build's file names change with every build.`,
      },
      {
        id: `AwsSolutions-IAM5[Resource::${cdkAssets}]`,
        reason: `The CDK bootstrap asset bucket's objects, read-only, ${grantedByCdk}: it fetches the zip of the build (whose key is a content hash) from there.`,
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: `cloudfront:CreateInvalidation and cloudfront:GetInvalidation on "*", ${grantedByCdk}: it invalidates index.html and config.json after an upload.`,
      },
    );
    // The upload function is a singleton of the stack, not a child of this construct.
    for (const provider of stack.node.children.filter((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    ))
      Validations.of(provider).acknowledge(
        ...['AwsSolutions-L1', 'Serverless-LambdaLatestVersion'].map((id) => ({
          id,
          reason:
            "The runtime of CDK's BucketDeployment upload function (Python) is chosen by aws-cdk-lib and cannot be set; it moves with aws-cdk-lib upgrades. It runs only during a deploy.",
        })),
        {
          id: 'Serverless-LambdaDLQ',
          reason:
            "CDK's BucketDeployment upload function is invoked synchronously by CloudFormation (a custom resource); a dead-letter queue only ever receives asynchronous invocations.",
        },
        {
          id: 'Serverless-LambdaTracing',
          reason:
            "CDK's BucketDeployment upload function takes no tracing setting; it runs only during a deploy, whose own record is the CloudFormation events.",
        },
      );
  }
}
