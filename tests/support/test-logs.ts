/**
 * Handler logs for a failing test only. Every request a test sends to the local API carries
 * the test's id (header x-hub-test); the stack keeps each request's handler log lines in that
 * test's file (global-setup.ts), and this prints the file when, and only when, the test fails.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, inject } from 'vitest';
import { testIdHeader } from '../../infra/local/handler-logs.js';
import { logFileOf } from './test-logs-file.js';

interface TestLogState {
  current?: string;
}
const stateKey = Symbol.for('hub.test-logs');
const shared = globalThis as unknown as Record<symbol, TestLogState | undefined>;

// Files share a worker (isolate: false), and this file runs before each: patch fetch once.
let state = shared[stateKey];
if (!state) {
  const created: TestLogState = {};
  state = created;
  shared[stateKey] = created;
  const { apiUrl } = inject('hub');
  const fetchOfNode = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!created.current || !url.startsWith(apiUrl)) return fetchOfNode(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : {}));
    headers.set(testIdHeader, created.current);
    return fetchOfNode(input, { ...init, headers });
  };
}
const testLogState = state;

beforeEach((context) => {
  const testId = context.task.id;
  testLogState.current = testId;
  context.onTestFailed(async () => {
    // The server records a request once its answer is sent, a moment after the client has it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = await readFile(logFileOf(inject('hub').logDir, testId), 'utf8').catch(
      () => '(no request of this test reached the API)\n',
    );
    console.log(`Handler logs of "${context.task.name}":\n${text}`);
  });
});

afterEach(() => {
  testLogState.current = undefined;
});
