/**
 * The bundle CDK deploys, run the way Lambda runs it: a lone .mjs file with no node_modules
 * beside it, credentials only in the environment (the bundle's credential provider reads
 * nothing else), talking to the real DynamoDB Local.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { edgeHeaders, originSecretVariable } from '../../functions/core/edge.js';
import { esbuildOptions } from '../../infra/bundling.js';
import { hub } from '../support/hub.js';

const run = promisify(execFile);
const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe('the deployed bundle', () => {
  it('answers GET /me from DynamoDB with credentials from the environment alone', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'hub-bundle-'));
    folders.push(folder);
    await build(esbuildOptions('functions/me/index.ts', join(folder, 'index.mjs')));
    const event = {
      version: '2.0',
      routeKey: 'GET /me',
      rawPath: '/me',
      // As CloudFront sends it: the local stack, like AWS with hub:apiDomain, has a secret.
      headers: { [edgeHeaders.originSecret]: hub().environment[originSecretVariable] },
      requestContext: {
        requestId: 'bundle-test',
        http: { method: 'GET', path: '/me' },
        authorizer: {
          jwt: {
            claims: {
              sub: hub().support.userId,
              token_use: 'access',
              auth_time: String(Math.floor(Date.now() / 1000)),
            },
          },
        },
      },
      isBase64Encoded: false,
    };
    await writeFile(
      join(folder, 'invoke.mjs'),
      `const { handler } = await import('./index.mjs');
       const result = await handler(${JSON.stringify(event)}, { awsRequestId: 'bundle-test', functionName: 'me' });
       process.stdout.write(JSON.stringify(result));`,
    );
    const env = hub().environment;
    const { stdout } = await run(process.execPath, ['invoke.mjs'], {
      cwd: folder,
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'eu-west-2',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_SESSION_TOKEN: 'local',
        // Every setting the function reads, and the endpoints of the emulators.
        ...Object.fromEntries(
          Object.entries(env).filter(
            ([name]) =>
              !name.startsWith('AWS_') ||
              name.startsWith('AWS_ENDPOINT_URL_') ||
              name === 'AWS_S3_FORCE_PATH_STYLE',
          ),
        ),
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        // No shared config files to fall back on, as in Lambda.
        HOME: folder,
      },
    });
    const result = JSON.parse(stdout);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({
      userId: hub().support.userId,
      email: hub().support.email,
    });
  });
});
