/**
 * Where the handlers' log lines go on the local stack. In AWS each invocation's lines go to
 * CloudWatch; here every handler runs in one process, so instead of printing them to the
 * terminal as they come, each line is kept with the request that wrote it (found through
 * AsyncLocalStorage), and whoever started the stack decides what to print: `npm start` one
 * short line per request, the tests nothing unless a test fails. The level is still
 * POWERTOOLS_LOG_LEVEL's, read when the logger is made: set it before the handlers are imported
 * (Powertools puts it back to that level at every invocation).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Console } from 'node:console';
import { EventEmitter } from 'node:events';
import { logger } from '../../functions/core/logger.js';

/** What the local API server reports once a request has been answered. */
export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  ms: number;
  /** The `x-hub-test` header: which test sent the request (tests/support/test-logs.ts). */
  testId?: string;
  /** The handler's log lines for this request, each a JSON document, in order. */
  lines: string[];
}

export interface HandlerLogOptions {
  /** Called once per request the API server answered, with its log lines. */
  request?(record: RequestRecord): void;
  /** Log lines written outside any request: workflow tasks, Cognito triggers. */
  unattributed?(line: string): void;
}

/** The header a test sends so that the handler's logs of its requests can be found again. */
export const testIdHeader = 'x-hub-test';

const current = new AsyncLocalStorage<string[]>();
let unattributed: ((line: string) => void) | undefined;

/**
 * Points the one handler logger at the request being served. Powertools' Logger prints
 * through a `console` it makes itself; it is replaced by one writing here.
 */
export function captureHandlerLogs(options: HandlerLogOptions) {
  unattributed = options.unattributed;
  // Not a Writable, which may buffer a write and run it later, outside the request that
  // made it: an emitter (Console listens for 'error') whose write files the line at once.
  const sink = Object.assign(new EventEmitter(), {
    write(chunk: string | Uint8Array) {
      const line = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const lines = current.getStore();
      if (lines) lines.push(line.endsWith('\n') ? line.slice(0, -1) : line);
      else unattributed?.(line.endsWith('\n') ? line.slice(0, -1) : line);
      return true;
    },
  }) as unknown as NodeJS.WritableStream;
  const console = new Console({ stdout: sink, stderr: sink });
  // As Powertools does for its own console: trace prints like the others, without a stack.
  console.trace = (...args: unknown[]) => console.log(...args);
  Reflect.set(logger, 'console', console);
}

/** Runs `serve` with its own list of log lines, which `lines` answers at any time. */
export function withRequestLogs<T>(serve: () => T): { result: T; lines: string[] } {
  const lines: string[] = [];
  return { result: current.run(lines, serve), lines };
}

/** A log line's level (`INFO`, `ERROR`…), or undefined when it is not a Powertools line. */
export function levelOf(line: string): string | undefined {
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return typeof level === 'string' ? level : undefined;
  } catch {
    return undefined;
  }
}
