// Starts every local emulator on free ports, makes one real round-trip through the official
// AWS SDK v3 client for each, checks that each listens on 127.0.0.1 only, and that stop()
// really frees the port.
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  DescribeUserPoolClientCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cognitoClient,
  provisionUserPool,
  startCognitoLocal,
} from '../../infra/local/emulators/cognito.js';
import { startDynamoDbLocal } from '../../infra/local/emulators/dynamodb.js';
import { invokeViaLambdaEndpoint, startLambdaLocal } from '../../infra/local/emulators/lambda.js';
import { freePort } from '../../infra/local/emulators/ports.js';
import type { Handle } from '../../infra/local/emulators/process.js';
import { startS3Local } from '../../infra/local/emulators/s3.js';
import { readInbox, startSesLocal } from '../../infra/local/emulators/ses.js';
import { startStepFunctionsLocal } from '../../infra/local/emulators/stepfunctions.js';
import { credentials, region } from '../support/emulators.js';

const SM_ARN = 'arn:aws:states:eu-west-2:000000000000:stateMachine:Placeholder';
const RETRY_ARN = 'arn:aws:states:eu-west-2:000000000000:stateMachine:RetryCatch';

type Emulator = 'dynamodb' | 'cognito' | 'ses' | 'lambda' | 'sfn' | 's3';
const handles = {} as Record<Emulator, Handle>;
const ports = {} as Record<Emulator, number>;
let workDir = '';
const cognitoLog: string[] = [];
const triggerEvents: Array<Record<string, unknown>> = [];
let flakyCalls = 0;

function portOf(endpoint: string): number {
  return Number(new URL(endpoint).port);
}

/** Resolves with the connect error code, or 'connected'. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
  });
}

function nonLoopbackAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'hub-emulators-'));
  for (const name of ['dynamodb', 'cognito', 'ses', 'lambda', 'sfn', 's3'] as const)
    ports[name] = await freePort();

  handles.lambda = await startLambdaLocal({
    port: ports.lambda,
    functions: {
      'hub-custom-message': async (event) => {
        const e = event as { request: { codeParameter: string }; response: object };
        triggerEvents.push(event as Record<string, unknown>);
        return {
          ...e,
          response: {
            emailSubject: 'Reset your hub password',
            emailMessage: `Code: ${e.request.codeParameter}`,
          },
        };
      },
      double: async (event) => ({ n: (event as { n: number }).n * 2 }),
      flaky: async () => {
        flakyCalls += 1;
        if (flakyCalls < 2) throw Object.assign(new Error('try again'), { name: 'Transient' });
        return { ok: true };
      },
      fatal: async () => {
        throw Object.assign(new Error('no way'), { name: 'Fatal' });
      },
    },
  });
  const lambdaTask = (fn: string) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: fn, 'Payload.$': '$' },
    OutputPath: '$.Payload',
  });
  [handles.dynamodb, handles.cognito, handles.ses, handles.sfn, handles.s3] = await Promise.all([
    startDynamoDbLocal({ port: ports.dynamodb, workDir: join(workDir, 'dynamodb') }),
    startCognitoLocal({
      port: ports.cognito,
      workDir: join(workDir, 'cognito'),
      lambdaEndpoint: handles.lambda.endpoint,
      triggers: { CustomMessage: 'hub-custom-message' },
      log: (line) => cognitoLog.push(line),
    }),
    startSesLocal({ port: ports.ses }),
    startStepFunctionsLocal({
      port: ports.sfn,
      invokeLambda: invokeViaLambdaEndpoint(handles.lambda.endpoint),
      retryIntervalMs: 0,
      stateMachines: {
        [SM_ARN]: {
          definition: {
            StartAt: 'Prepare',
            States: {
              Prepare: { Type: 'Pass', Parameters: { 'n.$': '$.value' }, Next: 'Double' },
              Double: { ...lambdaTask('double'), Next: 'Done' },
              Done: { Type: 'Succeed' },
            },
          },
        },
        [RETRY_ARN]: {
          definition: {
            StartAt: 'Flaky',
            States: {
              Flaky: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Parameters: { FunctionName: 'flaky', 'Payload.$': '$' },
                Retry: [{ ErrorEquals: ['Transient'], MaxAttempts: 3 }],
                ResultSelector: { 'value.$': '$.Payload' },
                ResultPath: '$.flaky',
                Next: 'Fatal',
              },
              Fatal: {
                ...lambdaTask('fatal'),
                Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 1 }],
                Catch: [{ ErrorEquals: ['Fatal'], ResultPath: '$.caught', Next: 'Recovered' }],
                End: true,
              },
              Recovered: { Type: 'Pass', End: true },
            },
          },
        },
      },
    }),
    startS3Local({ port: ports.s3, workDir: join(workDir, 's3'), buckets: ['profile-pictures'] }),
  ]);
}, 120_000);

afterAll(async () => {
  // Safety net: stop() is idempotent, the last test already stopped everything.
  await Promise.allSettled(Object.values(handles).map((h) => h.stop()));
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('local emulators', () => {
  it('DynamoDB Local stores and reads an item', async () => {
    const ddb = new DynamoDBClient({ endpoint: handles.dynamodb.endpoint, region, credentials });
    await ddb.send(
      new CreateTableCommand({
        TableName: 'hub',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      }),
    );
    await ddb.send(
      new PutItemCommand({ TableName: 'hub', Item: { pk: { S: 'a' }, v: { N: '1' } } }),
    );
    const got = await ddb.send(new GetItemCommand({ TableName: 'hub', Key: { pk: { S: 'a' } } }));
    expect(got.Item?.v).toEqual({ N: '1' });
    ddb.destroy();
  });

  it('cognito-local signs a user in and sends ForgotPassword through the CustomMessage trigger', async () => {
    const pool = await provisionUserPool(handles.cognito.endpoint, {
      poolName: 'hub',
      clientName: 'web',
      passwordPolicy: { MinimumLength: 12, RequireNumbers: true },
    });
    expect(pool.issuer).toBe(`http://127.0.0.1:${ports.cognito}/${pool.userPoolId}`);
    const cognito = cognitoClient(handles.cognito.endpoint);
    const created = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.userPoolId,
        Username: 'teacher@example.org',
        TemporaryPassword: 'Temporary-1234',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'teacher@example.org' }],
      }),
    );
    const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    expect(created.User?.Username).toBe(sub);
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: pool.userPoolId,
        Username: 'teacher@example.org',
        Password: 'Permanent-1234',
        Permanent: true,
      }),
    );
    // The app client is confidential, as in AWS: every call naming it carries SECRET_HASH.
    const described = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientId: pool.clientId }),
    );
    const secretHash = (username: string) =>
      createHmac('sha256', described.UserPoolClient?.ClientSecret ?? '')
        .update(`${username}${pool.clientId}`)
        .digest('base64');
    const auth = await cognito.send(
      new AdminInitiateAuthCommand({
        UserPoolId: pool.userPoolId,
        ClientId: pool.clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: {
          USERNAME: 'teacher@example.org',
          PASSWORD: 'Permanent-1234',
          SECRET_HASH: secretHash('teacher@example.org'),
        },
      }),
    );
    const idToken = auth.AuthenticationResult?.IdToken ?? '';
    const claims = JSON.parse(
      Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: pool.issuer, aud: pool.clientId, sub, token_use: 'id' });
    const jwks = (await (await fetch(pool.jwksUri)).json()) as {
      keys: Array<{ kid: string; alg: string }>;
    };
    expect(jwks.keys[0]).toMatchObject({ kid: 'CognitoLocal', alg: 'RS256' });

    await cognito.send(
      new ForgotPasswordCommand({
        ClientId: pool.clientId,
        Username: 'teacher@example.org',
        SecretHash: secretHash('teacher@example.org'),
      }),
    );
    expect(triggerEvents[0]).toMatchObject({
      triggerSource: 'CustomMessage_ForgotPassword',
      userName: sub,
      request: { codeParameter: '{####}', userAttributes: { email: 'teacher@example.org' } },
    });
    // cognito-local only prints the message (its output reaches us through a pipe, which a
    // busy machine may deliver a moment after the answer); the trigger's subject is in it.
    await expect.poll(() => cognitoLog.join('\n')).toContain('Reset your hub password');
    cognito.destroy();
  });

  it('SES SendEmail lands in the local inbox', async () => {
    const ses = new SESClient({ endpoint: handles.ses.endpoint, region, credentials });
    await ses.send(
      new SendEmailCommand({
        Source: 'hub@example.org',
        Destination: { ToAddresses: ['parent@example.org'] },
        Message: { Subject: { Data: 'Welcome' }, Body: { Text: { Data: 'Hello from the hub' } } },
      }),
    );
    const inbox = await readInbox(handles.ses.endpoint);
    expect(inbox).toEqual([
      expect.objectContaining({
        from: 'hub@example.org',
        to: ['parent@example.org'],
        subject: 'Welcome',
        text: 'Hello from the hub',
      }),
    ]);
    ses.destroy();
  });

  it('S3 puts, gets and deletes an object', async () => {
    const s3 = new S3Client({
      endpoint: handles.s3.endpoint,
      region,
      credentials,
      forcePathStyle: true,
    });
    const Bucket = 'profile-pictures';
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: 'u/1.png',
        Body: Buffer.from('png!'),
        ContentType: 'image/png',
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'u/1.png' }));
    expect(await got.Body?.transformToString()).toBe('png!');
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'u/1.png' }));
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 'u/1.png' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    s3.destroy();
  });

  it('Step Functions runs Pass → Task → Succeed and honours Retry/Catch on the thrown error name', async () => {
    const sfn = new SFNClient({ endpoint: handles.sfn.endpoint, region, credentials });
    const finished = async (executionArn: string): Promise<DescribeExecutionOutput> => {
      for (;;) {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (d.status !== 'RUNNING') return d;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const start = {
      stateMachineArn: SM_ARN,
      name: 'placeholder-1',
      input: JSON.stringify({ value: 21 }),
    };
    const first = await sfn.send(new StartExecutionCommand(start));
    const again = await sfn.send(new StartExecutionCommand(start));
    expect(again.executionArn).toBe(first.executionArn);
    await expect(
      sfn.send(new StartExecutionCommand({ ...start, input: '{}' })),
    ).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
    const done = await finished(first.executionArn ?? '');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual({ n: 42 });

    const retry = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: RETRY_ARN, input: '{}' }),
    );
    const retried = await finished(retry.executionArn ?? '');
    expect(retried.status, `${retried.error}: ${retried.cause}`).toBe('SUCCEEDED');
    expect(JSON.parse(retried.output ?? 'null')).toEqual({
      flaky: { value: { ok: true } },
      caught: { Error: 'Fatal', Cause: 'no way' },
    });
    expect(flakyCalls).toBe(2);

    const unknown = await fetch(handles.sfn.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.CreateActivity',
      },
      body: '{}',
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
    sfn.destroy();
  });

  it('local Lambda answers like the Invoke API', async () => {
    const invoke = (fn: string) =>
      fetch(`${handles.lambda.endpoint}/2015-03-31/functions/${fn}/invocations`, {
        method: 'POST',
        body: '{"n":2}',
      });
    const ok = await invoke('arn:aws:lambda:eu-west-2:000000000000:function:double');
    expect([ok.status, await ok.json()]).toEqual([200, { n: 4 }]);
    const failed = await invoke('fatal');
    expect(failed.status).toBe(200);
    expect(failed.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await failed.json()).toMatchObject({ errorType: 'Fatal', errorMessage: 'no way' });
    const missing = await invoke('nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });

  it('every emulator listens on 127.0.0.1 only', async () => {
    const listening = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' });
    const other = nonLoopbackAddress();
    for (const [name, handle] of Object.entries(handles)) {
      const port = portOf(handle.endpoint);
      const local = listening
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[3] ?? '')
        .filter((address) => address.endsWith(`:${port}`));
      expect(local, name).toEqual([`127.0.0.1:${port}`]);
      if (other) expect(await tryConnect(other, port), `${name} on ${other}`).not.toBe('connected');
    }
  });

  it('stop() ends each emulator and frees its port', async () => {
    for (const [name, handle] of Object.entries(handles)) {
      await handle.stop();
      expect(await tryConnect('127.0.0.1', portOf(handle.endpoint)), name).toBe('ECONNREFUSED');
      if (handle.pid) expect(() => process.kill(handle.pid ?? 0, 0), `${name} pid`).toThrow();
    }
  });
});
