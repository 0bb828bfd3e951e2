/**
 * Issue 12 item 10: the operators' command for support staff (`npm run ops -- support-user
 * add|remove|list`, scripts/ops.ts), against the real local emulators. It is pointed at them
 * the way it is pointed at any environment without reading stack outputs: TABLE_NAME,
 * USER_POOL_ID, MAIL_FROM, CONSOLE_URL and the AWS_ENDPOINT_URL_* variables.
 *
 * The hub's own pool and table serve the sign-in checks (POST /auth/login reads them); the
 * "last support user" and "changes nothing" checks run on a pool and table of their own, so
 * they never touch the support account every other test signs in with.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DeleteTableCommand,
  DynamoDBClient,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getUser, getUserIdByEmail } from '../../functions/core/data/user.js';
import { cognitoClient, provisionUserPool } from '../../infra/local/emulators/cognito.js';
import { createTable } from '../../infra/local/table.js';
import { exitCodes, main } from '../../scripts/ops.js';
import {
  api,
  emailsTo,
  hub,
  lastEmailTo,
  nextEmailTo,
  secretLine,
  signIn,
  uniqueCentreId,
  uniqueEmail,
} from '../support/hub.js';
import { totpCode } from '../support/totp.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

/** The environment of the hub's own pool and table, as an operator's shell would set it. */
function hubEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { environment, consoleUrl } = hub();
  return {
    AWS_REGION: environment.AWS_REGION,
    AWS_ACCESS_KEY_ID: environment.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: environment.AWS_SECRET_ACCESS_KEY,
    AWS_ENDPOINT_URL_DYNAMODB: environment.AWS_ENDPOINT_URL_DYNAMODB,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER:
      environment.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
    AWS_ENDPOINT_URL_SES: environment.AWS_ENDPOINT_URL_SES,
    TABLE_NAME: environment.TABLE_NAME as string,
    USER_POOL_ID: environment.USER_POOL_ID as string,
    MAIL_FROM: environment.MAIL_FROM as string,
    CONSOLE_URL: consoleUrl,
    ...overrides,
  };
}

async function ops(args: string[], env: NodeJS.ProcessEnv = hubEnv()): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(args, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env,
    describeStack: async (name) => {
      throw new Error(`the test gave every setting; no stack (${name}) is read`);
    },
  });
  return { code, out, err };
}

/** The command as an operator runs it: `npm run ops -- …`, its exit code and streams. */
function npmRunOps(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'ops', '--', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

const db = () => ({
  client: new DynamoDBClient({
    endpoint: hub().environment.AWS_ENDPOINT_URL_DYNAMODB,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
  tableName: hub().tableName,
});

describe('npm run ops -- support-user, on the hub of this run', () => {
  it('adds a support user who is emailed a temporary password, must choose a new one, and works', async () => {
    const email = uniqueEmail('ops-support');
    const added = await ops([
      'support-user',
      'add',
      '--email',
      email.toUpperCase(),
      '--name',
      'Ada Ops',
    ]);
    expect(added).toMatchObject({ code: exitCodes.done, err: '' });
    expect(added.out).toContain(`Added ${email} (Ada Ops) as a support user`);

    // In the support group, with a temporary password (Cognito's FORCE_CHANGE_PASSWORD).
    const cognito = cognitoClient(
      hub().environment.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER as string,
    );
    const login = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: hub().userPoolId, Username: email }),
    );
    expect(login.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    const userId = (await getUserIdByEmail(db(), email)) as string;
    const groups = await cognito.send(
      new AdminListGroupsForUserCommand({ UserPoolId: hub().userPoolId, Username: userId }),
    );
    expect(groups.Groups?.map((group) => group.GroupName)).toEqual(['support']);
    expect(await getUser(db(), userId)).toMatchObject({
      email,
      name: 'Ada Ops',
      centreId: null,
      isSupport: true,
      isAdmin: false,
      status: 'invited',
    });
    const pattern = (status: string) =>
      new RegExp(`Ada Ops\\s+${email.replace(/[.+]/g, '\\$&')}\\s+${status}`);
    expect((await ops(['support-user', 'list'])).out).toMatch(pattern('invited'));

    // The invitation is in the local inbox, from the noreply address, linking to the console.
    const invitation = await lastEmailTo(email);
    expect(invitation.from).toBe(hub().environment.MAIL_FROM);
    expect(invitation.text).toContain('customer services (support) account');
    expect(invitation.text).toContain(`${hub().consoleUrl}/sign-in?email=`);
    const first = secretLine(invitation.text, 'Temporary password');
    expect(added.out).not.toContain(first);

    // Lost or expired: Forgotten password sends a fresh temporary password; the first stops.
    const forgotten = await api('POST', '/auth/forgotten-password', { body: { email } });
    expect(forgotten.status).toBe(202);
    const fresh = await nextEmailTo(email, 1);
    expect(fresh.text).toContain('customer services (support) account');
    const temporary = secretLine(fresh.text, 'Temporary password');
    expect(temporary).not.toBe(first);
    expect((await api('POST', '/auth/login', { body: { email, password: first } })).status).toBe(
      401,
    );

    // First sign-in: the temporary password answers the new-password challenge.
    const challenge = await api('POST', '/auth/login', { body: { email, password: temporary } });
    expect(challenge.status).toBe(200);
    expect(challenge.json.challenge).toBe('NEW_PASSWORD_REQUIRED');
    const chosen = await api('POST', '/auth/new-password', {
      body: { email, session: challenge.json.session, newPassword: 'Ops-Chosen-Password-7' },
    });
    expect(chosen.status).toBe(200);
    expect(await getUser(db(), userId)).toMatchObject({ status: 'active' });
    // Support staff get no token before an authenticator app is set up (MFA_SETUP).
    expect(chosen.json).toMatchObject({ challenge: 'MFA_SETUP' });
    expect(chosen.json.accessToken).toBeUndefined();
    const setUp = await api('POST', '/auth/mfa-setup', {
      body: { email, session: chosen.json.session, code: totpCode(chosen.json.secret) },
    });
    expect(setUp.status).toBe(200);
    // …and they are support: the support search answers them.
    const centres = await api('GET', '/support/centres', { token: setUp.json.accessToken });
    expect(centres.status).toBe(200);

    // list shows them (and the support account the hub started with).
    const listed = await ops(['support-user', 'list']);
    expect(listed.code).toBe(exitCodes.done);
    expect(listed.out).toMatch(pattern('active'));
    expect(listed.out).toContain(hub().support.email);

    // Adding them again is refused, changing nothing.
    const again = await ops(['support-user', 'add', '--email', email]);
    expect(again).toMatchObject({ code: exitCodes.refused, out: '' });
    expect(again.err).toContain(`${email} is already a support user`);
    expect(await emailsTo(email)).toHaveLength(2);

    // remove: the record and the login go, and their sign-in stops working.
    const removed = await ops(['support-user', 'remove', '--email', email]);
    expect(removed).toMatchObject({ code: exitCodes.done, err: '' });
    expect(removed.out).toContain(`Removed support user ${email}`);
    expect(await getUserIdByEmail(db(), email)).toBeUndefined();
    expect(await getUser(db(), userId)).toBeUndefined();
    await expect(
      cognito.send(new AdminGetUserCommand({ UserPoolId: hub().userPoolId, Username: email })),
    ).rejects.toMatchObject({ name: 'UserNotFoundException' });
    const refused = await api('POST', '/auth/login', {
      body: { email, password: 'Ops-Chosen-Password-7' },
    });
    expect(refused.status).toBe(401);
    expect((await ops(['support-user', 'list'])).out).not.toContain(email);
    // The hub's own support account is untouched.
    // A fresh sign-in, not a kept token: the account itself must still be there.
    await expect(signIn(hub().support.email, hub().support.password)).resolves.toBeTruthy();
  });

  it('refuses the email of a centre user, and removing a centre user', async () => {
    const support = await signIn(hub().support.email, hub().support.password);
    const coordinator = uniqueEmail('ops-coordinator');
    const centreId = uniqueCentreId();
    const created = await api('POST', '/support/centres', {
      token: support.accessToken,
      body: {
        centreId,
        name: `Ops School ${centreId}`,
        eligibleSites: ['primary'],
        coordinator: { name: 'Grace Hopper', email: coordinator },
      },
    });
    expect(created.status).toBe(201);

    const add = await ops(['support-user', 'add', '--email', coordinator]);
    expect(add.code).toBe(exitCodes.refused);
    expect(add.err).toContain(`already belongs to a user of centre ${centreId}`);
    const remove = await ops(['support-user', 'remove', '--email', coordinator]);
    expect(remove.code).toBe(exitCodes.refused);
    expect(remove.err).toContain('not a support user');
    expect(await getUserIdByEmail(db(), coordinator)).toBe(created.json.coordinator.userId);
  });
});

describe('npm run ops -- support-user, on a pool and table of its own', () => {
  let env: NodeJS.ProcessEnv;
  let tableName: string;
  let userPoolId: string;
  const isolatedDb = () => ({ client: db().client, tableName });

  beforeAll(async () => {
    tableName = `ops-${randomBytes(4).toString('hex')}`;
    const endpoint = hub().environment.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER as string;
    const [pool] = await Promise.all([
      provisionUserPool(endpoint, {
        poolName: tableName,
        clientName: tableName,
        passwordPolicy: { MinimumLength: 10 },
      }),
      createTable(db().client, tableName),
    ]);
    userPoolId = pool.userPoolId;
    env = hubEnv({ TABLE_NAME: tableName, USER_POOL_ID: userPoolId });
  });

  afterAll(async () => {
    await db().client.send(new DeleteTableCommand({ TableName: tableName }));
  });

  const loginsInPool = async () =>
    (
      await cognitoClient(
        hub().environment.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER as string,
      ).send(new ListUsersCommand({ UserPoolId: userPoolId }))
    ).Users?.length ?? 0;

  it('lists nobody, adds, lists by name, and refuses to remove the last support user', async () => {
    expect(await ops(['support-user', 'list'], env)).toMatchObject({
      code: exitCodes.done,
      out: 'No support users.\n',
    });
    const zed = uniqueEmail('ops-zed');
    const amy = uniqueEmail('ops-amy');
    expect((await ops(['support-user', 'add', '--email', zed, '--name', 'Zed'], env)).code).toBe(0);

    const last = await ops(['support-user', 'remove', '--email', zed], env);
    expect(last).toMatchObject({ code: exitCodes.refused, out: '' });
    expect(last.err).toContain(`${zed} is the last support user`);
    expect(await getUserIdByEmail(isolatedDb(), zed)).toBeTruthy();
    expect(await loginsInPool()).toBe(1);

    // Without a name: "Customer Services", listed before Zed.
    expect((await ops(['support-user', 'add', '--email', amy], env)).code).toBe(0);
    const listed = await ops(['support-user', 'list'], env);
    const lines = listed.out.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+EMAIL\s+STATUS\s+ADDED\s+ID$/);
    expect(lines[1]).toMatch(/^Customer Services\s+ops-amy\./);
    expect(lines[2]).toMatch(/^Zed\s+ops-zed\./);
    expect(listed.out).toContain('2 support users.');

    expect((await ops(['support-user', 'remove', '--email', zed], env)).code).toBe(exitCodes.done);
    const alone = await ops(['support-user', 'remove', '--email', amy], env);
    expect(alone.code).toBe(exitCodes.refused);
    expect((await ops(['support-user', 'list'], env)).out).toContain('1 support user.');
    expect(await loginsInPool()).toBe(1);

    const unknown = await ops(
      ['support-user', 'remove', '--email', uniqueEmail('ops-nobody')],
      env,
    );
    expect(unknown.code).toBe(exitCodes.notFound);
    expect(unknown.err).toContain('has no account');
  });

  it('puts a support user made by the old CLI sequence (no list keys) in the list with add', async () => {
    const email = uniqueEmail('ops-old');
    const userId = `old-${randomBytes(4).toString('hex')}`;
    const now = new Date().toISOString();
    // What README's AWS CLI sequence wrote before this command: the user and the marker.
    await isolatedDb().client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            PK: `USER#${userId}`,
            SK: 'USER',
            type: 'user',
            userId,
            centreId: null,
            name: 'Old Timer',
            email,
            isAdmin: false,
            isSupport: true,
            sites: [],
            status: 'active',
            tokensValidAfter: 0,
            version: 0,
            createdAt: now,
            updatedAt: now,
          },
          { PK: `EMAIL#${email}`, SK: 'EMAIL', type: 'email', userId },
        ].map((item) => ({ Put: { TableName: tableName, Item: marshall(item) } })),
      }),
    );
    expect((await ops(['support-user', 'list'], env)).out).not.toContain(email);

    const again = await ops(['support-user', 'add', '--email', email], env);
    expect(again.code).toBe(exitCodes.refused);
    expect(again.err).toContain('already a support user');
    expect((await ops(['support-user', 'list'], env)).out).toMatch(/Old Timer\s+ops-old\./);
  });

  it('undoes the login and the record when the invitation cannot be sent', async () => {
    const email = uniqueEmail('ops-unsent');
    const before = await loginsInPool();
    // Nothing listens on port 9 of this machine: SES is unreachable.
    const failed = await ops(['support-user', 'add', '--email', email], {
      ...env,
      AWS_ENDPOINT_URL_SES: 'http://127.0.0.1:9',
    });
    expect(failed.code).toBe(exitCodes.failed);
    expect(failed.err).toContain(`The invitation email could not be sent`);
    expect(failed.err).toContain(`so ${email} was not added`);
    expect(await getUserIdByEmail(isolatedDb(), email)).toBeUndefined();
    expect(await loginsInPool()).toBe(before);
    expect((await ops(['support-user', 'list'], env)).out).not.toContain(email);
  });

  it('refuses bad input with a message and a non-zero exit, changing nothing', async () => {
    const before = (await ops(['support-user', 'list'], env)).out;
    const logins = await loginsInPool();
    const cases: [string[], RegExp][] = [
      [['support-user', 'add'], /--email is required/],
      [
        ['support-user', 'add', '--email', 'not-an-email'],
        /"not-an-email" is not a valid email address/,
      ],
      [['support-user', 'add', '--email', ''], /is not a valid email address/],
      [['support-user', 'add', '--email', 'ok@school.example', '--name', '<b>'], /--name/],
      [['support-user', 'remove'], /--email is required/],
      [['support-user', 'remove', '--email', 'a@'], /is not a valid email address/],
      [
        ['support-user', 'add', '--email', 'x@school.example', '--password', 'Secret-123'],
        /never takes a password/,
      ],
      [
        ['support-user', 'add', '--email', 'x@school.example', '--colour', 'red'],
        /Unknown option '--colour'/,
      ],
      [['support-user', 'promote', '--email', 'x@school.example'], /Unknown subcommand "promote"/],
      [['centre', 'add'], /Unknown command "centre"/],
      [['support-user'], /Say add, remove or list/],
    ];
    for (const [args, message] of cases) {
      const run = await ops(args, env);
      expect({ args, code: run.code }).toEqual({ args, code: exitCodes.usage });
      expect(run.err).toMatch(message);
      expect(run.out).toBe('');
    }
    expect((await ops(['support-user', 'list'], env)).out).toBe(before);
    expect(await loginsInPool()).toBe(logins);
  });

  it('finds the table, pool, sender and console from the stack outputs when not given', async () => {
    const { TABLE_NAME, USER_POOL_ID, MAIL_FROM, CONSOLE_URL, ...withoutSettings } = env;
    const asked: string[] = [];
    const outputs: Record<string, Record<string, string>> = {
      'HubStaging-Stateful': {
        TableName: TABLE_NAME as string,
        UserPoolId: USER_POOL_ID as string,
        MailFrom: MAIL_FROM as string,
      },
      'HubStaging-Console': { ConsoleUrl: CONSOLE_URL as string },
    };
    const email = uniqueEmail('ops-outputs');
    let out = '';
    const code = await main(['support-user', 'add', '--email', email, '--env', 'staging'], {
      out: (text) => {
        out += text;
      },
      err: (text) => {
        out += text;
      },
      env: withoutSettings,
      describeStack: async (name, region) => {
        asked.push(`${name} ${region}`);
        return outputs[name] ?? {};
      },
    });
    expect({ code, out }).toMatchObject({ code: 0, out: expect.stringContaining('Added') });
    // Each stack is read once, in the environment's region.
    expect(asked.sort()).toEqual(['HubStaging-Console eu-west-2', 'HubStaging-Stateful eu-west-2']);
    expect(await getUserIdByEmail(isolatedDb(), email)).toBeTruthy();
    expect((await lastEmailTo(email)).text).toContain(`${CONSOLE_URL}/sign-in`);

    // A stack without the output: a clear message, exit 1, nothing read further.
    let err = '';
    const missing = await main(['support-user', 'list', '--stack', 'Elsewhere'], {
      out: () => {},
      err: (text) => {
        err += text;
      },
      env: withoutSettings,
      describeStack: async () => ({}),
    });
    expect(missing).toBe(exitCodes.failed);
    expect(err).toContain('The stack Elsewhere has no output TableName');
  });

  it('runs as `npm run ops`: --help, exit codes and messages on the real streams', async () => {
    const helped = await npmRunOps(['--help'], env);
    expect(helped.code).toBe(0);
    expect(helped.out).toContain('Usage: npm run ops -- support-user <add|remove|list>');
    const bad = await npmRunOps(['support-user', 'add', '--email', 'not-an-email'], env);
    expect(bad.code).toBe(exitCodes.usage);
    expect(bad.err).toContain('is not a valid email address');

    // The stack outputs through the AWS CLI: a stand-in `aws` first on the PATH answers
    // describe-stacks as the real one does, and records how it was asked.
    const bin = await mkdtemp(join(tmpdir(), 'ops-aws-'));
    try {
      const answer = JSON.stringify({
        Stacks: [
          {
            StackName: 'HubTest-Stateful',
            Outputs: [
              { OutputKey: 'TableName', OutputValue: tableName },
              { OutputKey: 'UserPoolId', OutputValue: userPoolId },
            ],
          },
        ],
      });
      await writeFile(join(bin, 'answer.json'), answer);
      await writeFile(
        join(bin, 'aws'),
        `#!/bin/sh\necho "$@" >> "${bin}/asked"\ncat "${bin}/answer.json"\n`,
        { mode: 0o755 },
      );
      const { TABLE_NAME, USER_POOL_ID, ...withoutSettings } = env;
      const listed = await npmRunOps(['support-user', 'list', '--stack', 'HubTest-Stateful'], {
        ...withoutSettings,
        PATH: `${bin}:${process.env.PATH}`,
      });
      expect(listed.err).not.toMatch(/Failed|Could not|no output/);
      expect(listed.code).toBe(0);
      expect(listed.out).toMatch(/support users?\./);
      expect(await readFile(join(bin, 'asked'), 'utf8')).toBe(
        'cloudformation describe-stacks --stack-name HubTest-Stateful --region eu-west-2 --output json\n',
      );
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  }, 60_000);
});
