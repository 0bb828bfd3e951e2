/**
 * What the authorizer refuses, over HTTP. cognito-local signs with a key that ships in its
 * npm package, so the tests can mint tokens that are valid in every way but one.
 */
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import {
  AdminInitiateAuthCommand,
  CreateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import { localCognito } from '../support/emulators.js';
import { api, centreWithCoordinator, hub } from '../support/hub.js';

const require = createRequire(import.meta.url);
const localKey = createPrivateKey({
  key: JSON.parse(
    readFileSync(require.resolve('cognito-local/lib/keys/cognitoLocal.private.json'), 'utf8'),
  ).jwk,
  format: 'jwk',
});
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

function mint(claims: Record<string, unknown>, key = localKey, kid = 'CognitoLocal') {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${part(claims)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
}

let coordinator: Awaited<ReturnType<typeof centreWithCoordinator>>;
let claims: Record<string, unknown>;
beforeAll(async () => {
  coordinator = await centreWithCoordinator();
  claims = JSON.parse(
    Buffer.from(coordinator.tokens.accessToken.split('.')[1] as string, 'base64url').toString(),
  );
});

describe('the authorizer refuses every token that is not a live access token for this app', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts the genuine token (the control case)', async () => {
    expect((await api('GET', '/me', { token: coordinator.tokens.accessToken })).status).toBe(200);
    expect((await api('GET', '/me', { token: mint({ ...claims }) })).status).toBe(200);
  });

  it.each<[string, () => string | undefined, (() => Record<string, string>) | undefined]>([
    ['no Authorization header', () => undefined, undefined],
    ['a malformed token', () => 'not.a.jwt', undefined],
    [
      'an expired token',
      () => mint({ ...claims, iat: now() - 7200, exp: now() - 3600 }),
      undefined,
    ],
    [
      'a token from another issuer',
      () => mint({ ...claims, iss: 'http://127.0.0.1:1/elsewhere' }),
      undefined,
    ],
    [
      'a token for another app client',
      () => mint({ ...claims, client_id: 'someone-else' }),
      undefined,
    ],
    ['a token signed by a stranger key', () => mint({ ...claims }, strangerKey), undefined],
    [
      'a token with the signature of another token',
      () => {
        const [header, payload] = mint({ ...claims, sub: 'someone-else' }).split('.');
        return `${header}.${payload}.${coordinator.tokens.accessToken.split('.')[2]}`;
      },
      undefined,
    ],
    ['an id token instead of an access token', () => coordinator.tokens.idToken, undefined],
    [
      'a Basic scheme instead of Bearer',
      () => undefined,
      () => ({ authorization: `Basic ${coordinator.tokens.accessToken}` }),
    ],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_case, token, headers) => {
    const answer = await api('GET', `/centres/${coordinator.centreId}`, {
      token: token(),
      headers: headers?.(),
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.json.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token signed in through a second app client of the same pool', async () => {
    const cognito = localCognito();
    const other = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: hub().userPoolId,
        ClientName: 'another-app',
        ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH'],
      }),
    );
    const signedIn = await cognito.send(
      new AdminInitiateAuthCommand({
        UserPoolId: hub().userPoolId,
        ClientId: other.UserPoolClient?.ClientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: coordinator.email, PASSWORD: 'Chosen-Password-42' },
      }),
    );
    const answer = await api('GET', '/me', { token: signedIn.AuthenticationResult?.AccessToken });
    expect(answer.status).toBe(401);
  });
});

describe('bad input over HTTP gets a 4xx problem and writes nothing', () => {
  const centresNow = async (token: string) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api(
        'GET',
        `/support/centres?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        { token },
      );
      ids.push(...page.json.items.map((c: { centreId: string }) => c.centreId));
      cursor = page.json.nextCursor;
    } while (cursor);
    return ids;
  };

  it.each([
    [
      'malformed JSON',
      { rawBody: '{"centreId":', headers: { 'content-type': 'application/json' } },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a body that is a string',
      { rawBody: '"GB1"', headers: { 'content-type': 'application/json' } },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an unknown field',
      {
        body: {
          centreId: 'GB4444444',
          name: 'N',
          eligibleSites: [],
          coordinator: { name: 'N', email: 'n@school.example' },
          extra: 1,
        },
      },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a field of the wrong type',
      {
        body: {
          centreId: 4444444,
          name: 'N',
          eligibleSites: [],
          coordinator: { name: 'N', email: 'n@school.example' },
        },
      },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a body over 256 KiB',
      {
        body: {
          centreId: 'GB4444444',
          name: 'N'.repeat(300_000),
          eligibleSites: [],
          coordinator: { name: 'N', email: 'n@school.example' },
        },
      },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a body over 2 MiB',
      { rawBody: 'x'.repeat(3 * 1024 * 1024), headers: { 'content-type': 'application/json' } },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'form data instead of JSON',
      {
        rawBody: 'centreId=GB4444444',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
  ])('%s → %i %s', async (_case, request, status, code) => {
    const token = coordinator.supportToken;
    const before = await centresNow(token);
    const answer = await api('POST', '/support/centres', { token, ...request });
    expect(answer.status).toBe(status);
    expect(answer.json.code).toBe(code);
    expect(answer.text).not.toMatch(/Exception|at \S+\.ts|arn:aws/);
    // Other files create centres meanwhile: every centre there was is still there, and the
    // refused one (each case that names a centre names GB4444444) is not among them.
    const after = await centresNow(token);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after).not.toContain('GB4444444');
    expect((await api('GET', '/centres/GB4444444', { token })).status).toBe(404);
  });

  it('answers 413 to a client still sending a body over 2 MiB, without resetting its upload', async () => {
    // 2.5 MiB handed to the socket, then 400 ms in which this client reads nothing (as a
    // client on a loaded machine may not), then the last 0.5 MiB. A server that answered at
    // 2 MiB and closed with the rest unread sent a reset, which threw away the 413 before the
    // client read it: `fetch failed: write ECONNRESET`, seen in a loaded run.
    const { hostname, port } = new URL(hub().apiUrl);
    const piece = Buffer.alloc(512 * 1024, 'x');
    const outcome = await new Promise<{ status: number; code?: string; writeError?: string }>(
      (resolve) => {
        const seen: { status: number; code?: string; writeError?: string } = { status: 0 };
        const upload = httpRequest(
          {
            host: hostname,
            port,
            method: 'POST',
            path: '/support/centres',
            headers: {
              authorization: `Bearer ${coordinator.supportToken}`,
              'content-type': 'application/json',
              'content-length': String(piece.length * 6),
            },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk) => {
              text += chunk;
            });
            response.on('end', () => {
              seen.status = response.statusCode ?? 0;
              seen.code = JSON.parse(text).code;
            });
          },
        );
        upload.on('error', (error: NodeJS.ErrnoException) => {
          seen.writeError = error.code ?? error.message;
        });
        // Settled once the upload is over, whether it was all sent or cut off.
        upload.on('close', () => setTimeout(() => resolve(seen), 50));
        let written = true;
        for (let i = 0; i < 5; i++) written = upload.write(piece);
        const deaf = () => {
          const until = Date.now() + 400;
          while (Date.now() < until) {
            // Busy on purpose: no read of the socket can happen meanwhile.
          }
          upload.end(piece);
        };
        if (written) setImmediate(deaf);
        else upload.once('drain', deaf);
      },
    );
    expect(outcome).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE', writeError: undefined });
  });
});
