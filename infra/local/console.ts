/**
 * The web console on 127.0.0.1, as CloudFront serves it in AWS: the built files, a
 * /config.json written at start (where the API is), every unknown path answered with
 * index.html (the console routes in the browser), and the same security headers.
 *
 * The build is Vite's production build of web/, kept in node_modules/.cache/hub-console/
 * under a hash of everything it reads: a second `npm start` with the same sources reuses it
 * and starts fast. Each build is written to a folder of its own and renamed into place, so
 * two stacks starting at once (parallel test runs) never serve a half-written build.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { consoleSecurityHeaders } from '../console-security-headers.js';
import { listenOnLoopback } from './emulators/process.js';

const projectRoot = resolve(import.meta.dirname, '..', '..');
export const consoleSourceDir = join(projectRoot, 'web');
const cacheDir = join(projectRoot, 'node_modules', '.cache', 'hub-console');

/** What the console build reads: its sources, the API's zod schemas, and the lock file. */
const buildInputs = [
  join(projectRoot, 'web'),
  join(projectRoot, 'functions', 'core', 'schemas'),
  join(projectRoot, 'functions', 'core', 'domain.ts'),
  join(projectRoot, 'package-lock.json'),
];

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => entry.name !== 'dist' && entry.name !== 'node_modules')
      .map((entry) => filesUnder(join(path, entry.name))),
  );
  return nested.flat();
}

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await Promise.all(buildInputs.map(filesUnder))).flat().sort();
  for (const file of files) {
    hash.update(relative(projectRoot, file));
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}

/**
 * Vite in a process of its own, with NODE_ENV=production: Vite takes NODE_ENV from the
 * environment, and a build started from a test runner (NODE_ENV=test) shipped React's
 * development code, 60 KB gzip more (the budget test caught it). It also keeps a running
 * stack's event loop free while it builds.
 */
async function buildInProcessOfItsOwn(outDir: string) {
  // The package's own command-line entry (its exports map does not list it).
  const vite = join(
    dirname(createRequire(import.meta.url).resolve('vite/package.json')),
    'bin',
    'vite.js',
  );
  await promisify(execFile)(
    process.execPath,
    [
      vite,
      'build',
      '--config',
      join(consoleSourceDir, 'vite.config.ts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { env: { ...process.env, NODE_ENV: 'production' }, maxBuffer: 16 * 1024 * 1024 },
  );
}

/** The console built from the current sources: built now, or found from an earlier build. */
export async function buildConsole(log: (line: string) => void = () => undefined) {
  const hash = (await sourceHash()).slice(0, 16);
  const dir = join(cacheDir, hash);
  if (await stat(join(dir, 'index.html')).catch(() => undefined)) {
    log('console: unchanged since the last build');
    return { dir, built: false };
  }
  const started = performance.now();
  await mkdir(cacheDir, { recursive: true });
  const partial = join(cacheDir, `${hash}.${process.pid}.${Date.now()}.partial`);
  try {
    await buildInProcessOfItsOwn(partial);
    await rename(partial, dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another process finished the same build first: theirs is as good as ours.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      await rm(partial, { recursive: true, force: true });
    });
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  log(`console: built in ${Math.round(performance.now() - started)} ms`);
  await pruneBuilds(hash);
  return { dir, built: true };
}

/** Keeps the newest few builds (another running stack may still serve one of them). */
async function pruneBuilds(current: string, keep = 5) {
  const entries = await readdir(cacheDir, { withFileTypes: true });
  const builds = await Promise.all(
    entries
      .filter(
        (entry) =>
          entry.isDirectory() && entry.name !== current && !entry.name.endsWith('.partial'),
      )
      .map(async (entry) => ({
        path: join(cacheDir, entry.name),
        time: (await stat(join(cacheDir, entry.name))).mtimeMs,
      })),
  );
  builds.sort((a, b) => b.time - a.time);
  for (const old of builds.slice(keep - 1)) await rm(old.path, { recursive: true, force: true });
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export async function startConsoleServer(options: {
  port: number;
  dir: string;
  apiUrl: string;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const root = resolve(options.dir);
  const apiOrigin = new URL(options.apiUrl).origin;
  const securityHeaders = consoleSecurityHeaders(apiOrigin);
  const config = JSON.stringify({ apiUrl: options.apiUrl });

  const server = createServer(async (request, response) => {
    const headers: Record<string, string> = { ...securityHeaders };
    const reply = (status: number, type: string, body: string | Buffer, cache = 'no-cache') => {
      response.writeHead(status, { ...headers, 'content-type': type, 'cache-control': cache });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...headers, allow: 'GET, HEAD' });
      response.end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      reply(400, 'text/plain; charset=utf-8', 'Bad request');
      return;
    }
    if (path === '/config.json') {
      reply(200, contentTypes['.json'] as string, config, 'no-store');
      return;
    }
    const file = normalize(join(root, path));
    const inside = file === root || file.startsWith(root + sep);
    const extension = extname(path);
    if (inside && extension) {
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile()) {
        response.writeHead(200, {
          ...headers,
          'content-type': contentTypes[extension] ?? 'application/octet-stream',
          'content-length': String(info.size),
          // Vite's file names carry a content hash: they never change, so cache them for good.
          'cache-control': path.startsWith('/assets/')
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        });
        if (request.method === 'HEAD') response.end();
        else createReadStream(file).pipe(response);
        return;
      }
      // A missing file is a 404, as in AWS: only paths without an extension are pages.
      reply(404, 'text/plain; charset=utf-8', 'Not found');
      return;
    }
    const index = await readFile(join(root, 'index.html')).catch(() => undefined);
    if (!index) {
      reply(503, 'text/plain; charset=utf-8', 'The console has not been built.');
      return;
    }
    reply(200, contentTypes['.html'] as string, index);
  });
  return listenOnLoopback(server, options.port);
}
