// s3rver (npm, v3.7.1) in process, on 127.0.0.1, storing objects under workDir.
// Clients must use `forcePathStyle: true`: virtual-host buckets would need DNS for
// `<bucket>.127.0.0.1`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { closeServer, type Handle, type LogFn } from './process.js';

// s3rver ships no type declarations: describe the little we use.
interface S3rverInstance {
  configureBuckets(): Promise<void>;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  resetOnClose: boolean;
  vhostBuckets: boolean;
  allowMismatchedSignatures: boolean;
  configureBuckets: Array<{ name: string }>;
}) => S3rverInstance;
interface AwsAccountModule {
  registry: Map<string, unknown>;
  DUMMY_ACCOUNT: unknown;
}

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as S3rverConstructor;
const accounts = require('s3rver/lib/models/account.js') as AwsAccountModule;

// s3rver rejects any access key id other than its hard-coded `S3RVER` (InvalidAccessKeyId)
// and never checks SigV4 signatures anyway. Handlers run with whatever credentials the
// environment has, so accept every key id as the dummy account. Done once per process.
const registry = accounts.registry;
if (!(registry as { hubPatched?: boolean }).hubPatched) {
  const get = registry.get.bind(registry);
  registry.get = (key: string) => get(key) ?? accounts.DUMMY_ACCOUNT;
  (registry as { hubPatched?: boolean }).hubPatched = true;
}

/**
 * Decodes an `aws-chunked` body. SDK v3 sends streamed PutObject bodies that way (with a
 * trailing CRC32) by default; s3rver does not understand it and would store the chunk
 * framing as the object's content.
 */
function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(raw.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size === 0) break; // what follows is trailers
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

async function unchunked(req: IncomingMessage): Promise<IncomingMessage> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = decodeAwsChunked(Buffer.concat(chunks));
  const headers = { ...req.headers, 'content-length': String(body.length) };
  const encodings = String(headers['content-encoding'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e && e !== 'aws-chunked');
  if (encodings.length) headers['content-encoding'] = encodings.join(',');
  else delete headers['content-encoding'];
  // Koa only reads these fields of the request; the socket stays the real one.
  return Object.assign(Readable.from([body]), {
    headers,
    method: req.method,
    url: req.url,
    socket: req.socket,
    connection: req.socket,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
  }) as unknown as IncomingMessage;
}

export async function startS3Local(opts: {
  port: number;
  workDir: string;
  buckets: string[];
  log?: LogFn;
}): Promise<Handle> {
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: opts.port,
    directory: opts.workDir,
    silent: true,
    resetOnClose: false,
    vhostBuckets: false,
    allowMismatchedSignatures: true,
    configureBuckets: opts.buckets.map((name) => ({ name })),
  });
  await s3rver.configureBuckets();
  const koa = s3rver.callback();
  const server = createServer((req, res) => {
    if (!String(req.headers['content-encoding'] ?? '').includes('aws-chunked')) {
      koa(req, res);
      return;
    }
    unchunked(req).then(
      (decoded) => koa(decoded, res),
      (error: unknown) => {
        opts.log?.(`[s3] could not read request body: ${String(error)}`);
        res.writeHead(400).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      opts.log?.(`[s3] failed to start on 127.0.0.1:${opts.port}: ${String(error)}`);
      reject(error);
    });
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${opts.port}`,
    stop: () => closeServer(server),
  };
}
