/**
 * The whole system on one machine: every emulator on 127.0.0.1, the table, user pool and
 * bucket created from the same definitions CDK deploys, the state machine CDK synthesizes,
 * a support account, and the API server calling the very Lambda handlers of production.
 * `npm start` and the integration tests both start the system through this one function.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defaultMailFrom, settingNames } from '../../functions/core/config.js';
import { passwordPolicy } from '../../functions/core/domain.js';
import { originSecretVariable } from '../../functions/core/edge.js';
import { type Area, areas } from '../../functions/core/routes.js';
import { removalTasksId, siteRemovalTasksId } from '../../workflows/names.js';
import { outboxBatchSize, outboxStreamRetries } from '../outbox-sender.js';
import { type AreaHandler, startApiServer } from './api-server.js';
import { createLocalAuthorizer } from './authorizer.js';
import { buildConsole, startConsoleServer } from './console.js';
import { cognitoClient, provisionUserPool, startCognitoLocal } from './emulators/cognito.js';
import { startDynamoDbLocal } from './emulators/dynamodb.js';
import { startStreamPoller } from './emulators/dynamodb-streams.js';
import { functionNameOf, type LocalLambdaHandler, startLambdaLocal } from './emulators/lambda.js';
import { freePort, isPortConflict } from './emulators/ports.js';
import type { Handle, LogFn } from './emulators/process.js';
import { startS3Local } from './emulators/s3.js';
import { startSesLocal } from './emulators/ses.js';
import { startSesFaults } from './emulators/ses-faults.js';
import { startStepFunctionsLocal } from './emulators/stepfunctions.js';
import { captureHandlerLogs, type HandlerLogOptions } from './handler-logs.js';
import { mailEventsFunction } from './mail-events.js';
import { removalDefinition, siteRemovalDefinition } from './state-machine.js';
import { ensureSupportAccount } from './support-account.js';
import { createTable } from './table.js';

/** Each port, the variable that overrides it, and its default. */
export const portSettings = {
  api: { variable: 'PORT', fallback: 3000 },
  console: { variable: 'HUB_CONSOLE_PORT', fallback: 3001 },
  mail: { variable: 'HUB_MAIL_PORT', fallback: 8005 },
  dynamodb: { variable: 'HUB_DYNAMODB_PORT', fallback: 8000 },
  cognito: { variable: 'HUB_COGNITO_PORT', fallback: 9229 },
  stepFunctions: { variable: 'HUB_STEPFUNCTIONS_PORT', fallback: 8083 },
  lambda: { variable: 'HUB_LAMBDA_PORT', fallback: 9001 },
  s3: { variable: 'HUB_S3_PORT', fallback: 4569 },
} as const;
export type PortName = keyof typeof portSettings;
export type Ports = Record<PortName, number>;

export const defaultSupportAccount = {
  email: 'support@hub.example',
  password: 'Support-Hub-2026',
};

export interface LocalStackOptions {
  /** Fixed ports; a port of 0 (or `freePorts`) takes any free one. */
  ports?: Partial<Ports>;
  freePorts?: boolean;
  supportEmail?: string;
  supportPassword?: string;
  /**
   * Set the support account's authenticator app up at start and hand its secret back
   * (`support.authenticatorSecret`), for tests. Otherwise its first sign-in sets one up.
   */
  supportAuthenticator?: boolean;
  mailFrom?: string;
  /** Build (when its sources changed) and serve the web console; off for API-only tests. */
  console?: boolean;
  /** Kept after stop when given; otherwise a temporary folder that stop removes. */
  workDir?: string;
  log?: LogFn;
  /**
   * Keep the handlers' log lines with the request that wrote them and hand them here, rather
   * than letting them print to stdout as they come (handler-logs.ts).
   */
  handlerLogs?: HandlerLogOptions;
}

export interface LocalStack {
  apiUrl: string;
  /** Where the console is served (when `console` was asked for) and where emails link to. */
  consoleUrl: string;
  inboxUrl: string;
  mailEndpoint: string;
  endpoints: Record<Exclude<PortName, 'api' | 'console'>, string>;
  tableName: string;
  userPoolId: string;
  userPoolClientId: string;
  support: { email: string; password: string; userId: string; authenticatorSecret?: string };
  /** The variables the handlers were started with, for tests that call AWS directly. */
  environment: Record<string, string>;
  stop(): Promise<void>;
}

/** Each area's Lambda entry; typed by Area, so a new area without an entry fails to compile. */
const areaModules: Record<Area, () => Promise<{ handler: AreaHandler }>> = {
  system: () => import('../../functions/system/index.js'),
  auth: () => import('../../functions/auth/index.js'),
  me: () => import('../../functions/me/index.js'),
  pictures: () => import('../../functions/pictures/index.js'),
  centres: () => import('../../functions/centres/index.js'),
  sites: () => import('../../functions/sites/index.js'),
  support: () => import('../../functions/support/index.js'),
};

export const tableName = 'hub';
const customMessageFunction = 'hub-custom-message';
export const pictureBucket = 'hub-pictures';
export const removalStateMachineArn =
  'arn:aws:states:eu-west-2:000000000000:stateMachine:hub-removal';
export const siteRemovalStateMachineArn =
  'arn:aws:states:eu-west-2:000000000000:stateMachine:hub-site-removal';

export function portsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Ports {
  const ports = {} as Ports;
  for (const [name, { variable, fallback }] of Object.entries(portSettings)) {
    const raw = env[variable];
    const port = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`${variable} must be a port number, not "${raw}"`);
    ports[name as PortName] = port;
  }
  return ports;
}

/** Fails fast, naming the port, when another process (a running hub, say) holds one. */
async function assertPortsFree(ports: Ports) {
  for (const [name, port] of Object.entries(ports)) {
    if (port === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', () =>
        reject(
          new PortInUseError(
            `Port ${port} (${portSettings[name as PortName].variable}) is already in use on 127.0.0.1. ` +
              'Is the School Support Hub already running? Stop it, or choose other ports with the variables in README.md.',
          ),
        ),
      );
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
    });
  }
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/**
 * Starts the whole local system. With `freePorts`, a start that loses a port to another
 * process between choosing it and binding it (see `freePort`) is stopped and tried again on
 * new ports, up to three times; fixed ports fail at once, naming the port.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLocalStackOnce(options);
    } catch (error) {
      if (!options.freePorts || attempt >= 3 || !retryable.has(error as object)) throw error;
      options.log?.(`a port was taken while starting (attempt ${attempt}); trying new ports`);
    }
  }
}

/** Start failures that may be tried again: a port lost before any handler read its settings. */
const retryable = new WeakSet<object>();

async function startLocalStackOnce(options: LocalStackOptions): Promise<LocalStack> {
  const started = performance.now();
  const log: LogFn = options.log ?? (() => undefined);
  const requested = { ...portsFromEnvironment({}), ...options.ports };
  if (options.freePorts) for (const name of Object.keys(requested)) requested[name as PortName] = 0;
  await assertPortsFree(requested);
  const ports = { ...requested };
  // The API server binds port 0 itself (nothing needs its address before it listens); the
  // others are told theirs up front.
  for (const name of Object.keys(ports) as PortName[])
    if (ports[name] === 0 && name !== 'api') ports[name] = await freePort();

  const temporary = !options.workDir;
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'hub-local-')));
  await mkdir(workDir, { recursive: true });
  const handles: Handle[] = [];
  const stopAll = async () => {
    for (const handle of handles.reverse()) await handle.stop().catch(() => undefined);
    handles.length = 0;
    if (temporary) await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  };

  // Handlers read their settings (the emulators' endpoints) once, at import: after that a
  // start cannot be retried on other ports in this process.
  let handlersImported = false;
  try {
    const mailFrom = options.mailFrom ?? defaultMailFrom;
    // Cognito's triggers, answered by the same handlers CDK attaches to the user pool.
    const lambdaFunctions: Record<string, LocalLambdaHandler> = {
      [customMessageFunction]: async (event) =>
        (await import('../../functions/triggers/custom-message.js')).handler(event as never),
      // SES's bounce and complaint events, which SNS delivers in AWS: locally a person or a
      // test sends them here (mail-events.ts, scripts/local-mail-event.ts).
      [mailEventsFunction]: async (event) =>
        (await import('../../functions/mail-events/index.js')).handler(event as never),
    };
    const lambdaEndpoint = `http://127.0.0.1:${ports.lambda}`;
    const consoleUrl = `http://127.0.0.1:${ports.console}`;
    // The console builds while the emulators start; awaited only when it is served.
    const consoleBuild = options.console ? buildConsole(log) : undefined;
    consoleBuild?.catch(() => undefined);
    const [lambda, ses, dynamodb, cognito, s3] = await Promise.all([
      startLambdaLocal({ port: ports.lambda, functions: lambdaFunctions, log }),
      startSesLocal({ port: ports.mail, log }),
      startDynamoDbLocal({ port: ports.dynamodb, workDir: join(workDir, 'dynamodb'), log }),
      startCognitoLocal({
        port: ports.cognito,
        workDir: join(workDir, 'cognito'),
        lambdaEndpoint,
        triggers: { CustomMessage: customMessageFunction },
        relayEmails: { sesEndpoint: `http://127.0.0.1:${ports.mail}`, from: mailFrom },
        log,
      }),
      startS3Local({ port: ports.s3, workDir: join(workDir, 's3'), buckets: [pictureBucket], log }),
    ]);
    handles.push(lambda, ses, dynamodb, cognito, s3);
    // The handlers send through a front that can be told to refuse (ses-faults.ts).
    const sesFront = await startSesFaults({ upstream: ses.endpoint });
    handles.push(sesFront);
    log(`emulators up in ${Math.round(performance.now() - started)} ms`);

    const dynamoClient = new DynamoDBClient({
      endpoint: dynamodb.endpoint,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const cognitoAdmin = cognitoClient(cognito.endpoint);
    const [pool] = await Promise.all([
      provisionUserPool(cognito.endpoint, {
        poolName: 'hub-users',
        clientName: 'hub-web',
        passwordPolicy: {
          MinimumLength: passwordPolicy.minLength,
          RequireLowercase: passwordPolicy.requireLowercase,
          RequireUppercase: passwordPolicy.requireUppercase,
          RequireNumbers: passwordPolicy.requireDigits,
          RequireSymbols: passwordPolicy.requireSymbols,
          TemporaryPasswordValidityDays: passwordPolicy.temporaryPasswordValidityDays,
        },
      }),
      createTable(dynamoClient, tableName),
    ]);

    log(`user pool and table in ${Math.round(performance.now() - started)} ms`);
    const stepFunctionsEndpoint = `http://127.0.0.1:${ports.stepFunctions}`;
    const environment: Record<string, string> = {
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
      AWS_ENDPOINT_URL_SES: sesFront.endpoint,
      AWS_ENDPOINT_URL_SFN: stepFunctionsEndpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: lambdaEndpoint,
      // Metrics are CloudWatch's embedded format: no use locally, and noise in the logs.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      // s3rver serves buckets by path, not by virtual host.
      AWS_S3_FORCE_PATH_STYLE: 'true',
      [settingNames.tableName]: tableName,
      [settingNames.userPoolId]: pool.userPoolId,
      [settingNames.userPoolClientId]: pool.clientId,
      [settingNames.mailFrom]: mailFrom,
      [settingNames.pictureBucket]: pictureBucket,
      [settingNames.removalStateMachineArn]: removalStateMachineArn,
      [settingNames.siteRemovalStateMachineArn]: siteRemovalStateMachineArn,
      [settingNames.consoleUrl]: consoleUrl,
      // The API server plays CloudFront (hub:apiDomain): the handlers check its secret and take
      // the client's IP from it, as in AWS. One per process: handlers read it once.
      [originSecretVariable]: process.env[originSecretVariable] || randomBytes(24).toString('hex'),
      // The local SES has no sending quota; tests add many users and read their invitations.
      [settingNames.mailSendRate]: process.env.HUB_MAIL_SEND_RATE ?? '50',
    };
    // Handlers read their settings at import ("cold start"), so set them first.
    Object.assign(process.env, environment);
    handlersImported = true;
    if (options.handlerLogs) captureHandlerLogs(options.handlerLogs);
    const handlers = Object.fromEntries(
      await Promise.all(
        areas.map(async (area) => [area, (await areaModules[area]()).handler] as const),
      ),
    ) as Record<Area, AreaHandler>;

    log(`handlers loaded in ${Math.round(performance.now() - started)} ms`);
    // The outbox's sender, fed by the table's stream as Lambda's event source mapping feeds it.
    const outbox = await import('../../functions/outbox/index.js');
    const { outboxIdOf } = await import('../../functions/outbox/sender.js');
    handles.push(
      await startStreamPoller({
        endpoint: dynamodb.endpoint,
        tableName,
        filter: (record) => outboxIdOf(record) !== undefined,
        handler: outbox.handler,
        batchSize: outboxBatchSize,
        retryAttempts: outboxStreamRetries,
        log,
      }),
    );
    // The state machines CDK synthesizes, their task functions answered by the real handlers.
    const [definition, siteDefinition, removalTasks, siteRemovalTasks] = await Promise.all([
      removalDefinition(),
      siteRemovalDefinition(),
      import('../../workflows/tasks/index.js').then(
        (module) => module.handler as LocalLambdaHandler,
      ),
      import('../../workflows/site-removal/index.js').then(
        (module) => module.handler as LocalLambdaHandler,
      ),
    ]);
    const stepFunctions = await startStepFunctionsLocal({
      port: ports.stepFunctions,
      stateMachines: {
        [removalStateMachineArn]: { definition },
        [siteRemovalStateMachineArn]: { definition: siteDefinition },
      },
      // Retries wait 100 ms here rather than seconds: the same Retry rules, sooner.
      retryIntervalMs: 100,
      invokeLambda: async (name, payload) => {
        const functionName = functionNameOf(name);
        const handler = functionName.startsWith(removalTasksId)
          ? removalTasks
          : functionName.startsWith(siteRemovalTasksId)
            ? siteRemovalTasks
            : lambdaFunctions[functionName];
        if (!handler)
          throw Object.assign(new Error(`No local function ${name}`), {
            name: 'ResourceNotFoundException',
          });
        return handler(payload);
      },
      log,
    });
    handles.push(stepFunctions);
    log(`state machine in ${Math.round(performance.now() - started)} ms`);

    const supportEmail = options.supportEmail ?? defaultSupportAccount.email;
    const supportPassword = options.supportPassword ?? defaultSupportAccount.password;
    const [support, authorizer] = await Promise.all([
      ensureSupportAccount({
        dynamodb: dynamoClient,
        cognito: cognitoAdmin,
        tableName,
        userPoolId: pool.userPoolId,
        userPoolClientId: pool.clientId,
        email: supportEmail,
        password: supportPassword,
        withAuthenticator: options.supportAuthenticator ?? false,
      }),
      createLocalAuthorizer({
        issuer: pool.issuer,
        jwksUri: pool.jwksUri,
        clientId: pool.clientId,
      }),
    ]);

    const api = await startApiServer({
      port: ports.api,
      handlers,
      authorizer,
      // The local console is the browser origin that calls this API, as the deployed one does.
      allowedOrigins: [consoleUrl],
      originSecret: environment[originSecretVariable],
      ...(options.handlerLogs?.request ? { onRequest: options.handlerLogs.request } : {}),
    });
    handles.push({ endpoint: api.url, stop: api.stop });
    if (consoleBuild) {
      const { dir } = await consoleBuild;
      const server = await startConsoleServer({ port: ports.console, dir, apiUrl: api.url });
      handles.push({ endpoint: server.url, stop: server.stop });
    }
    log(`ready in ${Math.round(performance.now() - started)} ms`);

    return {
      apiUrl: api.url,
      consoleUrl,
      inboxUrl: `${ses.endpoint}/`,
      mailEndpoint: ses.endpoint,
      endpoints: {
        mail: ses.endpoint,
        dynamodb: dynamodb.endpoint,
        cognito: cognito.endpoint,
        stepFunctions: stepFunctionsEndpoint,
        lambda: lambdaEndpoint,
        s3: s3.endpoint,
      },
      tableName,
      userPoolId: pool.userPoolId,
      userPoolClientId: pool.clientId,
      support: {
        email: supportEmail,
        password: supportPassword,
        userId: support.userId,
        ...(support.authenticatorSecret
          ? { authenticatorSecret: support.authenticatorSecret }
          : {}),
      },
      environment,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    if (!handlersImported && isPortConflict(error) && typeof error === 'object' && error !== null)
      retryable.add(error);
    throw error;
  }
}
