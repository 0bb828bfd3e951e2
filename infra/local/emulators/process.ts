// Shared plumbing for emulators that run as child processes.
//
// Orphans are the main hazard: a test runner killed with SIGKILL, or a Ctrl-C on
// `npm start`, must not leave a JVM holding a port. Two independent guards:
//  1. each child gets a stdin pipe and exits when it reads EOF. The kernel closes that
//     pipe however the parent dies (even SIGKILL), so this is the one that always works.
//     Node children get it from NODE_WATCHDOG_ARGS; the Java launcher has its own thread.
//  2. a synchronous process.on('exit') hook SIGKILLs live children, for the case where
//     the parent exits normally but forgot to call stop().
// We deliberately do not install SIGINT/SIGTERM handlers: that would change the
// parent's own signal behaviour, and guard 1 already covers those deaths.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';

export interface Handle {
  endpoint: string;
  stop(): Promise<void>;
  pid?: number;
}

export type LogFn = (line: string) => void;

/** Node flags that make a Node child exit when its parent goes away. */
export const NODE_WATCHDOG_ARGS: string[] = [
  '--import',
  // ppid polling covers a parent that dies while something else keeps our stdin open.
  `data:text/javascript,${encodeURIComponent(
    'const p=process.ppid;const bye=()=>process.exit(0);' +
      'process.stdin.on("end",bye);process.stdin.on("error",bye);process.stdin.resume();' +
      'setInterval(()=>{if(process.ppid!==p)bye()},1000).unref();',
  )}`,
];

// cognito-local's pino-pretty forces colours on; escape codes are noise in a log file.
const ANSI_COLOURS = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

export interface GuardedChild {
  child: ChildProcess;
  pid: number;
  /** Last lines of stdout+stderr, to explain a failed start. */
  recentOutput(): string;
  /** Resolves when the child has exited (immediately if it already has). */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export function spawnGuarded(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; log?: LogFn; name: string },
): GuardedChild {
  installExitHook();
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    throw new Error(`${opts.name}: could not spawn ${command}`);
  }
  const pid = child.pid;
  live.add(child);

  const lines: string[] = [];
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').replace(ANSI_COLOURS, '').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 80) lines.shift();
      opts.log?.(`[${opts.name}] ${line}`);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  // EPIPE on stdin when the child dies first is expected, not a crash of ours.
  child.stdin?.on('error', () => {});

  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => {
      live.delete(child);
      resolve();
    });
    child.once('error', () => {
      live.delete(child);
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), 5000).unref()),
    ]);
    if (timedOut) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  return { child, pid, recentOutput: () => lines.join('\n'), exited, stop };
}

/**
 * Polls `probe` until it resolves, failing early (with the child's output) if the
 * child exits, so a broken start reports its real cause rather than a timeout.
 */
export async function waitUntilReady(
  guarded: GuardedChild,
  probe: () => Promise<unknown>,
  opts: { name: string; timeoutMs: number; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let died = false;
  void guarded.exited.then(() => {
    died = true;
  });
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (died) {
      throw new Error(`${opts.name} exited during start-up:\n${guarded.recentOutput()}`);
    }
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
  await guarded.stop();
  throw new Error(
    `${opts.name} did not answer within ${opts.timeoutMs} ms (${String(lastError)}):\n${guarded.recentOutput()}`,
  );
}

/** Closes an http server including keep-alive sockets, which server.close() alone waits on. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Starts an http server on 127.0.0.1 (port 0: any free one) and says where it listens. */
export async function listenOnLoopback(
  server: Server,
  port: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return { url: `http://127.0.0.1:${bound}`, stop: () => closeServer(server) };
}
