// DynamoDB Local: the official jar, taken from the npm tarball of amplify-dynamodb-simulator.
// Installing that package pulls ~350 MB of unrelated dependencies and its JS wrapper does
// not work, so we fetch only its tarball (npm pack, ~56 MB), check it against the
// registry's integrity and keep `emulator/` in node_modules/.cache (once per install).
//
// The jar has no host option and Jetty listens on every interface. A tiny launcher class
// builds the server exactly as the jar's main does, then sets the Jetty connector's host
// to 127.0.0.1 before start (the Server is a private field: reflection), and exits when
// its stdin closes so the JVM cannot outlive us.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { type Handle, type LogFn, spawnGuarded, waitUntilReady } from './process.js';

const run = promisify(execFile);

const PACKAGE = 'amplify-dynamodb-simulator';
const VERSION = '2.9.30';
// From `npm view amplify-dynamodb-simulator@2.9.30 dist.integrity`.
const INTEGRITY =
  'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';
const LAUNCHER = 'HubDynamoDbLauncher';

const LAUNCHER_SOURCE = `
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public class ${LAUNCHER} {
  public static void main(String[] args) throws Exception {
    Thread watchdog = new Thread(() -> {
      try { while (System.in.read() != -1) { } } catch (Exception ignored) { }
      Runtime.getRuntime().halt(0);
    });
    watchdog.setDaemon(true);
    watchdog.start();
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    java.lang.reflect.Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    for (Connector c : jetty.getConnectors()) ((ServerConnector) c).setHost(System.getProperty("hub.host", "127.0.0.1"));
    proxy.start();
    System.out.println("HUB_DDB_READY");
  }
}
`;

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cacheRoot = join(repoRoot, 'node_modules', '.cache', 'hub-dynamodb-local');
const installDir = join(cacheRoot, VERSION);

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function sha512Base64(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

/** Fetches, verifies and unpacks the jar plus the compiled launcher, once. Returns the dir. */
export async function ensureDynamoDbLocal(log?: LogFn): Promise<string> {
  if (await exists(join(installDir, `${LAUNCHER}.class`))) return installDir;
  await mkdir(cacheRoot, { recursive: true });
  // Build in a private dir and rename at the end: concurrent first runs (parallel test
  // files) then never see a half-extracted jar.
  const staging = await mkdtemp(join(cacheRoot, 'staging-'));
  try {
    log?.(`[dynamodb] fetching ${PACKAGE}@${VERSION} (once)`);
    await run(
      'npm',
      [
        'pack',
        `${PACKAGE}@${VERSION}`,
        '--pack-destination',
        staging,
        '--ignore-scripts',
        '--silent',
      ],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const tarball = (await readdir(staging)).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack produced no tarball');
    const tarPath = join(staging, tarball);
    const actual = `sha512-${await sha512Base64(tarPath)}`;
    if (actual !== INTEGRITY) {
      throw new Error(
        `${PACKAGE}@${VERSION} integrity mismatch: expected ${INTEGRITY}, got ${actual}`,
      );
    }
    await run('tar', ['-xzf', tarPath, '-C', staging, '--strip-components=1', 'package/emulator']);
    await rm(tarPath);
    const emulator = join(staging, 'emulator');
    await writeFile(join(staging, `${LAUNCHER}.java`), LAUNCHER_SOURCE);
    // Compiled once here: single-file source launch would recompile on every start (~1 s).
    await run('javac', [
      '-nowarn',
      '-cp',
      `${join(emulator, 'DynamoDBLocal.jar')}:${join(emulator, 'DynamoDBLocal_lib', '*')}`,
      '-d',
      staging,
      join(staging, `${LAUNCHER}.java`),
    ]);
    try {
      await rename(staging, installDir);
    } catch (error) {
      // Another process won the race; its copy is as good as ours.
      if (!(await exists(join(installDir, `${LAUNCHER}.class`)))) throw error;
      await rm(staging, { recursive: true, force: true });
    }
    return installDir;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

export async function startDynamoDbLocal(opts: {
  port: number;
  workDir: string;
  log?: LogFn;
}): Promise<Handle> {
  const dir = await ensureDynamoDbLocal(opts.log);
  const emulator = join(dir, 'emulator');
  await mkdir(opts.workDir, { recursive: true });
  const guarded = spawnGuarded(
    'java',
    [
      `-Djava.io.tmpdir=${opts.workDir}`,
      `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
      '-Dhub.host=127.0.0.1',
      // Plain IPv4 socket, so `ss` shows 127.0.0.1 rather than ::ffff:127.0.0.1.
      '-Djava.net.preferIPv4Stack=true',
      // Start-up time matters more than peak throughput for a local emulator.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-Xss1m',
      '-cp',
      `${dir}:${join(emulator, 'DynamoDBLocal.jar')}`,
      LAUNCHER,
      '-port',
      String(opts.port),
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
    ],
    { cwd: opts.workDir, log: opts.log, name: 'dynamodb' },
  );
  const endpoint = `http://127.0.0.1:${opts.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    await waitUntilReady(guarded, () => client.send(new ListTablesCommand({})), {
      name: 'DynamoDB Local',
      timeoutMs: 60_000,
    });
  } catch (error) {
    opts.log?.(String(error));
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, pid: guarded.pid, stop: guarded.stop };
}
