/**
 * Builds the whole CDK app: settings from context, the mail, console, stateful and stateless
 * stacks, and cdk-nag (AwsSolutions) as a validation plugin. infra/app.ts and the tests both
 * call this.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { consoleAssetsFolder } from './console-deployment.js';
import { ConsoleStack } from './console-stack.js';
import { projectRoot } from './hub-function.js';
import { MailStack } from './mail-stack.js';
import { type HubSettings, readHubSettings } from './settings.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

export const stackNames = {
  mail: 'HubMail',
  console: 'HubConsole',
  stateful: 'HubStateful',
  stateless: 'HubStateless',
} as const;

export interface HubApp {
  app: App;
  settings: HubSettings;
  console: ConsoleStack;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/** cdk.json's `context`: feature flags and the hub:* defaults. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * The app. cdk.json's context is the base, so a test or script that builds the app gets the
 * same feature flags and defaults as `cdk synth`; `props.context` and then the CLI's
 * context (`-c`, which also carries cdk.json) override it.
 */
export function createHubApp(props: AppProps = {}): HubApp {
  const app = new App({ ...props, context: { ...cdkJsonContext(), ...props.context } });
  const settings = readHubSettings(app.node);
  // Before any Lambda is bundled: a missing build should fail in a second, not in a minute.
  consoleAssetsFolder(settings.consoleAssets);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: settings.region };

  const mail = new MailStack(app, stackNames.mail, {
    env,
    settings,
    description:
      'School Support Hub: the SES identity of the noreply domain (deploy and verify first)',
  });
  // Only the bucket and the distribution, first: the user pool's emails link to the console
  // and the API's CORS allows it, so both stacks need its address before they deploy. The
  // files and config.json (which needs the API's URL) are uploaded by the stateless stack.
  const consoleStack = new ConsoleStack(app, stackNames.console, {
    env,
    settings,
    description: 'School Support Hub: web console bucket and CloudFront distribution',
  });
  const stateful = new StatefulStack(app, stackNames.stateful, {
    env,
    settings,
    consoleUrl: consoleStack.url,
    description: 'School Support Hub: table, user pool, picture bucket (retained)',
    terminationProtection: true,
  });
  // The user pool sends from the mail identity, which must exist (and be verified) first.
  stateful.addDependency(mail);
  const stateless = new StatelessStack(app, stackNames.stateless, {
    env,
    settings,
    description: 'School Support Hub: Lambdas, HTTP API, removal workflow',
    table: stateful.table,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    customMessageTrigger: stateful.customMessageTrigger.function,
    mailEvents: mail.mailEvents,
    console: {
      distribution: consoleStack.distribution,
      url: consoleStack.url,
    },
  });

  // Two cdk-nag packs: AWS Solutions, and the serverless one (DLQs, runtimes, tracing).
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, settings, console: consoleStack, stateful, stateless };
}
