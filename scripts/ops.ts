/**
 * The operators' command for a deployed environment (README "Deploy to AWS", "3. Support
 * users"): adds, removes and lists support staff with the very code of the local support
 * account (functions/core/services/support-staff.ts). It never takes a password: a new
 * support user is emailed a temporary one and chooses their own at first sign-in.
 *
 *   npm run ops -- support-user add --email ada@org.example [--name "Ada Lovelace"]
 *   npm run ops -- support-user remove --email ada@org.example
 *   npm run ops -- support-user list
 *
 * Where: the table, user pool and sender are read from the outputs of the stateful stack
 * (`--stack`, default HubStateful) and the console's address from the console stack
 * (`--console-stack`, default HubConsole), through `aws cloudformation describe-stacks` (the
 * AWS CLI, with the usual credentials, AWS_PROFILE and region). Each can be given instead as
 * an option or as the variable the functions themselves read (TABLE_NAME, USER_POOL_ID,
 * MAIL_FROM, CONSOLE_URL); with all of them given no stack is read, which is how the tests
 * point it at the local emulators (AWS_ENDPOINT_URL_* as everywhere else).
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { cognitoIdentity } from '../functions/core/adapters/cognito.js';
import { sesMailer } from '../functions/core/adapters/ses.js';
import type { User } from '../functions/core/data/user.js';
import { systemClock } from '../functions/core/ports.js';
import { EmailSchema, PersonNameSchema } from '../functions/core/schemas/common.js';
import {
  addSupportUser,
  defaultSupportName,
  listSupportUsers,
  removeSupportUser,
  type SupportStaffDeps,
  SupportStaffError,
  type SupportStaffRefusal,
} from '../functions/core/services/support-staff.js';
import { environmentNamePattern, stackNamesFor } from '../infra/environment.js';

/** Exit codes: what a script calling this can rely on. */
export const exitCodes = {
  done: 0,
  /** AWS answered with an error, or the stack outputs could not be read. */
  failed: 1,
  /** The command line was wrong (unknown command or option, missing or bad email or name). */
  usage: 2,
  /** Refused, nothing changed: already a support user, a centre user's email, the last one. */
  refused: 3,
  /** `remove` of an email that has no account. */
  notFound: 4,
} as const;

const refusalExit: Record<SupportStaffRefusal, number> = {
  ALREADY_SUPPORT: exitCodes.refused,
  EMAIL_OF_CENTRE_USER: exitCodes.refused,
  LOGIN_WITHOUT_RECORD: exitCodes.refused,
  NOT_SUPPORT: exitCodes.refused,
  LAST_SUPPORT_USER: exitCodes.refused,
  NOT_FOUND: exitCodes.notFound,
  EMAIL_NOT_SENT: exitCodes.failed,
};

/** cdk.json's `hub:env` (tests/infra/ops-outputs.suite.ts holds them equal). */
export const defaultEnvironment = 'dev';
/** The stack outputs the command reads (tests/infra/ops-outputs.suite.ts holds the stacks to them). */
export const outputsRead = {
  stateful: ['TableName', 'UserPoolId', 'MailFrom'],
  console: ['ConsoleUrl'],
} as const;
const defaultRegion = 'eu-west-2';

const help = `Usage: npm run ops -- support-user <add|remove|list> [options]

Support staff (customer services) of a deployed School Support Hub.

  support-user add --email <email> [--name <name>]
      Creates the login (in the "support" group) and the record, and emails a temporary
      password; the first sign-in asks for a new password. Name defaults to "${defaultSupportName}".
  support-user remove --email <email>
      Deletes the record and the login. Refuses to remove the last support user.
  support-user list
      Every support user, by name.

Where (each option falls back to its variable, then to the stack outputs):
  --env <env>             the environment (default ${defaultEnvironment}; variable HUB_ENV): its
                          stacks are Hub<Env>-Stateful and Hub<Env>-Console
  --stack <name>          stateful stack: TableName, UserPoolId, UserPoolClientId, MailFrom
                          (default ${stackNamesFor(defaultEnvironment).stateful}; variable HUB_STACK)
  --console-stack <name>  console stack: ConsoleUrl (default ${stackNamesFor(defaultEnvironment).console}; variable HUB_CONSOLE_STACK)
  --region <region>       (default AWS_REGION, else ${defaultRegion})
  --table-name <name>     TABLE_NAME
  --user-pool-id <id>     USER_POOL_ID
  --mail-from <address>   MAIL_FROM (add only)
  --console-url <url>     CONSOLE_URL (add only)
  -h, --help

No password is ever taken on the command line.
Exit codes: 0 done, 1 failed (AWS or stack outputs), 2 bad command line,
3 refused (already a support user, a centre user's email, the last support user,
not a support user), 4 no such account.
`;

export interface OpsIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** The outputs of a CloudFormation stack, by output key. */
  describeStack?: (stackName: string, region: string) => Promise<Record<string, string>>;
}

class UsageError extends Error {}
class SetupError extends Error {}

const options = {
  email: { type: 'string' },
  name: { type: 'string' },
  env: { type: 'string' },
  stack: { type: 'string' },
  'console-stack': { type: 'string' },
  region: { type: 'string' },
  'table-name': { type: 'string' },
  'user-pool-id': { type: 'string' },
  'mail-from': { type: 'string' },
  'console-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof options; allowPositionals: true }>
>['values'];

export async function main(argv: string[], io: OpsIo): Promise<number> {
  try {
    if (argv.some((arg) => /^--?password/i.test(arg)))
      throw new UsageError(
        'This command never takes a password: a new support user is emailed a temporary one.',
      );
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help || positionals.length === 0) {
      io.out(help);
      return values.help ? exitCodes.done : exitCodes.usage;
    }
    const [area, command, ...rest] = positionals;
    if (area !== 'support-user')
      throw new UsageError(`Unknown command "${area}"; the one command is support-user.`);
    if (rest.length) throw new UsageError(`Unexpected argument "${rest[0]}".`);
    switch (command) {
      case 'add':
        return await add(values, io);
      case 'remove':
        return await remove(values, io);
      case 'list':
        return await list(values, io);
      default:
        throw new UsageError(
          command
            ? `Unknown subcommand "${command}"; use add, remove or list.`
            : 'Say add, remove or list.',
        );
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\nRun with --help for usage.\n`);
      return exitCodes.usage;
    }
    if (error instanceof SupportStaffError) {
      io.err(`${error.message}\n`);
      return refusalExit[error.refusal];
    }
    if (error instanceof SetupError) {
      io.err(`${error.message}\n`);
      return exitCodes.failed;
    }
    const { name, message } = error as Error;
    io.err(`Failed: ${name}: ${message}\n`);
    return exitCodes.failed;
  }
}

function emailOf(values: Values): string {
  if (values.email === undefined) throw new UsageError('--email is required.');
  const parsed = EmailSchema.safeParse(values.email);
  if (!parsed.success)
    throw new UsageError(`--email "${values.email}" ${parsed.error.issues[0]?.message}.`);
  return parsed.data;
}

function nameOf(values: Values): string | undefined {
  if (values.name === undefined) return undefined;
  const parsed = PersonNameSchema.safeParse(values.name);
  if (!parsed.success) throw new UsageError(`--name ${parsed.error.issues[0]?.message}.`);
  return parsed.data;
}

async function add(values: Values, io: OpsIo) {
  const email = emailOf(values);
  const name = nameOf(values);
  const deps = await depsOf(values, io, { forInvitation: true });
  const user = await addSupportUser(deps, { email, ...(name ? { name } : {}) });
  io.out(
    [
      `Added ${user.email} (${user.name}) as a support user, id ${user.userId}.`,
      `A temporary password was emailed to ${user.email}; it works for 7 days.`,
      'At first sign-in they choose their own password (and enrol MFA where the sign-in flow asks for it).',
      '',
    ].join('\n'),
  );
  return exitCodes.done;
}

async function remove(values: Values, io: OpsIo) {
  const email = emailOf(values);
  const deps = await depsOf(values, io, { forInvitation: false });
  const { user, loginRemoved } = await removeSupportUser(deps, email);
  io.out(
    loginRemoved
      ? `Removed support user ${user.email} (${user.name}, id ${user.userId}): record and login.\n`
      : `Removed the record of ${user.email} (id ${user.userId}); its login could not be deleted now and can no longer be used. Adding the same email later clears it.\n`,
  );
  return exitCodes.done;
}

async function list(values: Values, io: OpsIo) {
  const deps = await depsOf(values, io, { forInvitation: false });
  const users = await listSupportUsers(deps.db);
  io.out(`${formatUsers(users)}\n`);
  return exitCodes.done;
}

export function formatUsers(users: User[]): string {
  if (!users.length) return 'No support users.';
  const rows = [
    ['NAME', 'EMAIL', 'STATUS', 'ADDED', 'ID'],
    ...users.map((user) => [
      user.name,
      user.email,
      user.status,
      user.createdAt.slice(0, 10),
      user.userId,
    ]),
  ];
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  ) as number[];
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return [...lines, '', `${users.length} support user${users.length === 1 ? '' : 's'}.`].join('\n');
}

async function depsOf(
  values: Values,
  io: OpsIo,
  { forInvitation }: { forInvitation: boolean },
): Promise<SupportStaffDeps> {
  const { env } = io;
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? defaultRegion;
  const environment = values.env ?? env.HUB_ENV ?? defaultEnvironment;
  if (!environmentNamePattern.test(environment))
    throw new UsageError(
      `--env ${environment} is not an environment name (dev, staging, prod, …).`,
    );
  const stacks = stackNamesFor(environment);
  const stack = values.stack ?? env.HUB_STACK ?? stacks.stateful;
  const consoleStack = values['console-stack'] ?? env.HUB_CONSOLE_STACK ?? stacks.console;
  const readOutputs = io.describeStack ?? describeStackWithCli;
  const outputs = new Map<string, Promise<Record<string, string>>>();
  const outputOf = async (stackName: string, key: string) => {
    if (!outputs.has(stackName)) outputs.set(stackName, readOutputs(stackName, region));
    const value = (await (outputs.get(stackName) as Promise<Record<string, string>>))[key];
    if (!value)
      throw new SetupError(`The stack ${stackName} has no output ${key} (region ${region}).`);
    return value;
  };
  const setting = (given: string | undefined, variable: string, stackName: string, key: string) =>
    given ?? (env[variable]?.trim() || undefined) ?? outputOf(stackName, key);

  const tableName = await setting(values['table-name'], 'TABLE_NAME', stack, 'TableName');
  const userPoolId = await setting(values['user-pool-id'], 'USER_POOL_ID', stack, 'UserPoolId');
  const db = { client: new DynamoDBClient(clientSettings(env, region, 'DYNAMODB')), tableName };
  // Only signing in needs the app client, and this command never signs anyone in.
  const identity = cognitoIdentity(
    new CognitoIdentityProviderClient(clientSettings(env, region, 'COGNITO_IDENTITY_PROVIDER')),
    {
      userPoolId,
      userPoolClientId: '',
    },
  );
  if (!forInvitation) return { db, identity, clock: systemClock };
  const mailFrom = await setting(values['mail-from'], 'MAIL_FROM', stack, 'MailFrom');
  const consoleUrl = await setting(
    values['console-url'],
    'CONSOLE_URL',
    consoleStack,
    'ConsoleUrl',
  );
  return {
    db,
    identity,
    clock: systemClock,
    mailer: sesMailer(new SESClient(clientSettings(env, region, 'SES')), { mailFrom }),
    consoleUrl,
  };
}

/**
 * The SDK reads AWS_ENDPOINT_URL_<SERVICE> and credentials from process.env by itself; they
 * are taken from `env` explicitly so a caller (the tests) can point one run elsewhere.
 */
function clientSettings(env: NodeJS.ProcessEnv, region: string, service: string) {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`];
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {}),
  };
}

const run = promisify(execFile);

/** `aws cloudformation describe-stacks` (the CloudFormation SDK client is not a dependency). */
async function describeStackWithCli(
  stackName: string,
  region: string,
): Promise<Record<string, string>> {
  let stdout: string;
  try {
    ({ stdout } = await run(
      'aws',
      [
        'cloudformation',
        'describe-stacks',
        '--stack-name',
        stackName,
        '--region',
        region,
        '--output',
        'json',
      ],
      { maxBuffer: 4 * 1024 * 1024 },
    ));
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new SetupError(
      `Could not read the outputs of stack ${stackName} in ${region} with the AWS CLI: ${(stderr || message).trim()}\n` +
        'Give the settings as options or variables instead (see --help).',
    );
  }
  const outputs = (
    JSON.parse(stdout) as { Stacks?: { Outputs?: { OutputKey: string; OutputValue: string }[] }[] }
  ).Stacks?.[0]?.Outputs;
  return Object.fromEntries(
    (outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
  });
  process.exitCode = code;
}
