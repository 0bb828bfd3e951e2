/**
 * Issue 12, item 6: each Lambda's role grants exactly the actions its code can send, both
 * ways. The commands come from the code (tests/infra/sdk-commands.ts follows every reference
 * from the function's entry file); the grants from the role's policies in the template.
 */
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { HubFunction } from '../../infra/hub-function.js';
import { defaultApp } from './default-app.js';
import { type SentCommand, sdkCommandAnalyser } from './sdk-commands.js';

/**
 * What a command needs beyond (or instead of) its own action. Each entry says why.
 */
const actionsNeededBy: Record<string, readonly string[]> = {
  // DynamoDB has no TransactWriteItems action: each item is authorised by its own action
  // (PutItem, UpdateItem, DeleteItem, ConditionCheckItem), which the analysis counts.
  'dynamodb:TransactWriteItems': [],
  // Public Cognito APIs, authorised by the app client id, not by IAM.
  'cognito-idp:ForgotPassword': [],
  'cognito-idp:ConfirmForgotPassword': [],
  // Authorised by the user's own access token (setting an authenticator app up), not by IAM.
  'cognito-idp:AssociateSoftwareToken': [],
  'cognito-idp:VerifySoftwareToken': [],
  'cognito-idp:SetUserMFAPreference': [],
  // Without s3:ListBucket a GetObject of a missing key answers 403, not 404 NoSuchKey
  // (infra/resource-access.ts, usePictures).
  's3:GetObject': ['s3:GetObject', 's3:ListBucket'],
};

/** Granted to every function by the runtime, not asked for by its code: logs and traces. */
const runtimeActions = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  // The outbox sender's stream event source mapping reads the stream and writes batches it
  // gave up on to its on-failure queue with the function's role (CDK grants both).
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:SendMessage',
];

type Statement = { Effect: string; Action: string | string[] };

let functions: HubFunction[];
let commandsOf: (entry: string) => SentCommand[];

beforeAll(() => {
  const { hub } = defaultApp();
  functions = hub.app.node.findAll().filter((node) => node instanceof HubFunction);
  commandsOf = sdkCommandAnalyser([...new Set(functions.map((fn) => fn.entry))]);
}, 120_000);

function grantedActions(fn: HubFunction): Set<string> {
  const stack = Stack.of(fn);
  const { assembly } = defaultApp();
  const resources: Record<string, { Type: string; Properties: any }> = assembly.getStackByName(
    stack.stackName,
  ).template.Resources;
  const roleId = stack.getLogicalId(fn.role.node.defaultChild as CfnElement);
  const statements = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
  return new Set(statements.flatMap((statement) => [statement.Action].flat()));
}

function neededActions(commands: readonly SentCommand[]): Map<string, string> {
  const needed = new Map<string, string>();
  for (const command of commands)
    for (const action of actionsNeededBy[command.action] ?? [command.action])
      if (!needed.has(action)) needed.set(action, `${command.command} at ${command.at}`);
  return needed;
}

describe('every role grants exactly what its code sends', () => {
  it('finds every hub function of the app (the API areas, both workflows, the Cognito trigger)', () => {
    expect(functions.map((fn) => fn.entry).sort()).toEqual(
      [
        'functions/auth/index.ts',
        'functions/centres/index.ts',
        'functions/mail-events/index.ts',
        'functions/me/index.ts',
        'functions/outbox/index.ts',
        'functions/pictures/index.ts',
        'functions/sites/index.ts',
        'functions/support/index.ts',
        'functions/system/index.ts',
        'functions/triggers/custom-message.ts',
        'workflows/site-removal/index.ts',
        'workflows/tasks/index.ts',
      ].sort(),
    );
  });

  it('sees a port method only where it is called, and a transaction through its items', () => {
    const support = commandsOf('functions/support/index.ts').map((command) => command.action);
    // Its bundle holds the whole Cognito adapter; it calls only find, delete and create.
    expect(support).toContain('cognito-idp:AdminCreateUser');
    expect(support).not.toContain('cognito-idp:AdminSetUserPassword');
    expect(support).not.toContain('cognito-idp:AdminAddUserToGroup');
    const sites = commandsOf('functions/sites/index.ts');
    expect(
      sites.find((command) => command.command === 'TransactWriteItems ConditionCheck'),
    ).toBeDefined();
  });

  it('grants every action the code can send (no AccessDenied in production)', () => {
    const missing: string[] = [];
    for (const fn of functions) {
      const granted = grantedActions(fn);
      for (const [action, where] of neededActions(commandsOf(fn.entry)))
        if (!granted.has(action)) missing.push(`${fn.node.path}: ${action} (${where})`);
    }
    expect(missing).toEqual([]);
  });

  it('grants no action that no command of the code needs', () => {
    const unused: string[] = [];
    for (const fn of functions) {
      const needed = neededActions(commandsOf(fn.entry));
      for (const action of grantedActions(fn))
        if (!needed.has(action) && !runtimeActions.includes(action))
          unused.push(`${fn.node.path}: ${action}`);
    }
    expect(unused).toEqual([]);
  });
});
