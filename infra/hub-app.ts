/**
 * Builds the whole CDK app of one environment: settings from its file (config/<hub:env>.json)
 * and context, the mail, console, stateful and stateless stacks named after the environment,
 * and cdk-nag (AwsSolutions) as a validation plugin. infra/app.ts and the tests both call
 * this (the tests with a configuration folder of their own).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { consoleAssetsFolder } from './console-deployment.js';
import { ConsoleStack } from './console-stack.js';
import { EdgeStack, edgeRegion } from './edge-stack.js';
import { applyEnvironment, environmentKey, type StackNames, stackNamesFor } from './environment.js';
import { projectRoot } from './hub-function.js';
import { MailStack } from './mail-stack.js';
import { shareBucketName } from './private-bucket.js';
import { type HubSettings, readHubSettings } from './settings.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

/** The repository's per-environment files: config/dev.json, config/staging.json, … */
export const configFolder = path.join(projectRoot, 'config');

export interface HubAppProps extends AppProps {
  /** Where `<environment>.json` is read from. @default config/ of the repository */
  configFolder?: string;
}

export interface HubApp {
  app: App;
  settings: HubSettings;
  /** The environment's stack names (`HubStaging-Stateful`, …). */
  stackNames: StackNames;
  edge: EdgeStack;
  console: ConsoleStack;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/** cdk.json's `context`: feature flags and the default environment (`hub:env`). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * The CLI passes cdk.json's context along with `-c`, and it beats the app's own: a hub:*
 * setting in cdk.json would silently override every environment's file. Only `hub:env`.
 */
export function checkCdkJsonContext(context: Record<string, unknown>): void {
  const misplaced = Object.keys(context).filter(
    (key) => key.startsWith('hub:') && key !== environmentKey,
  );
  if (misplaced.length > 0)
    throw new Error(
      `cdk.json sets ${misplaced.join(', ')}: environment settings belong in config/<environment>.json (cdk.json would override every environment's)`,
    );
}

/**
 * The app. cdk.json's context is the base, so a test or script that builds the app gets the
 * same feature flags as `cdk synth`; `props.context` and then the CLI's context (`-c`, which
 * also carries cdk.json) override it; the environment's file fills in every hub:* setting
 * that neither gave.
 */
export function createHubApp(props: HubAppProps = {}): HubApp {
  const { configFolder: folder = configFolder, ...appProps } = props;
  const base = cdkJsonContext();
  checkCdkJsonContext(base);
  const app = new App({ ...appProps, context: { ...base, ...appProps.context } });
  const environment = applyEnvironment(app.node, folder);
  const stackNames = stackNamesFor(environment);
  const settings = readHubSettings(app.node);
  // Before any Lambda is bundled: a missing build should fail in a second, not in a minute.
  consoleAssetsFolder(settings.consoleAssets);
  // hub:account pins the environment to its account: CDK refuses credentials of another.
  const env = {
    account: settings.account ?? process.env.CDK_DEFAULT_ACCOUNT,
    region: settings.region,
  };
  const label = `School Support Hub (${environment})`;

  const mail = new MailStack(app, stackNames.mail, {
    env,
    settings,
    description: `${label}: the SES identity of the noreply domain (deploy and verify first)`,
  });
  // Only the bucket and the distribution, first: the user pool's emails link to the console
  // and the API's CORS allows it, so both stacks need its address before they deploy. The
  // files and config.json (which needs the API's URL) are uploaded by the stateless stack.
  // WAF for CloudFront exists only in us-east-1; HubConsole reads its ARN across regions
  // (CDK writes it to an SSM parameter in hub:region at deploy), so it deploys first.
  const edge = new EdgeStack(app, stackNames.edge, {
    env: { ...env, region: edgeRegion },
    settings,
    crossRegionReferences: true,
    description: `${label}: the AWS WAF web ACL of the CloudFront distributions (us-east-1)`,
  });
  const consoleStack = new ConsoleStack(app, stackNames.console, {
    env,
    settings,
    webAclArn: edge.webAcl.attrArn,
    crossRegionReferences: true,
    description: settings.apiDomain
      ? `${label}: web console bucket, the console and API CloudFront distributions, the API custom domain`
      : `${label}: web console bucket and CloudFront distribution`,
  });
  const stateful = new StatefulStack(app, stackNames.stateful, {
    env,
    settings,
    consoleUrl: consoleStack.url,
    description: `${label}: table, user pool, picture bucket (retained)`,
    terminationProtection: true,
  });
  // The user pool sends from the mail identity, which must exist (and be verified) first.
  stateful.addDependency(mail);
  const stateless = new StatelessStack(app, stackNames.stateless, {
    env,
    settings,
    description: `${label}: Lambdas, HTTP API, removal workflow`,
    table: stateful.table,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    ...(stateful.legacyUserPoolClient
      ? { legacyUserPoolClient: stateful.legacyUserPoolClient }
      : {}),
    customMessageTrigger: stateful.customMessageTrigger.function,
    pictureBucket: shareBucketName(stateful.pictureBucket, 'PictureBucketName'),
    mailEvents: mail.mailEvents,
    console: {
      distribution: consoleStack.distribution,
      url: consoleStack.url,
      bucket: shareBucketName(consoleStack.bucket, 'ConsoleBucketName'),
    },
    ...(consoleStack.apiEdge ? { apiEdge: consoleStack.apiEdge } : {}),
  });

  // Two cdk-nag packs: AWS Solutions, and the serverless one (DLQs, runtimes, tracing).
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, settings, stackNames, edge, console: consoleStack, stateful, stateless };
}
