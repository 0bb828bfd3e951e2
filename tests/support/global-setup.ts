/**
 * One local stack for every integration and end-to-end test file: real emulators on free
 * ports, in a temporary folder, stopped when the run ends.
 */
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { logFileOf } from './test-logs-file.js';

export interface HubUnderTest {
  apiUrl: string;
  /** The local console's origin: the one browser origin the API allows (CORS). */
  consoleUrl: string;
  mailEndpoint: string;
  support: { email: string; password: string; userId: string; authenticatorSecret?: string };
  environment: Record<string, string>;
  userPoolId: string;
  userPoolClientId: string;
  tableName: string;
  /** Where each test's handler log lines are kept, one file per test (test-logs.ts). */
  logDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    hub: HubUnderTest;
  }
}

export default async function setup(project: TestProject) {
  // Before the handlers are imported: their logger and metrics read these once, when made.
  // INFO: every request's lines are kept for its test, and printed only if the test fails.
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const { startLocalStack } = await import('../../infra/local/stack.js');
  // The handlers' lines are kept per test and printed only for a test that fails.
  const logDir = await mkdtemp(join(tmpdir(), 'hub-test-logs-'));
  const stack = await startLocalStack({
    freePorts: true,
    // Support staff must answer an authenticator code: tests compute it from the secret.
    supportAuthenticator: true,
    handlerLogs: {
      request: ({ testId, lines, method, path, status, ms }) => {
        if (!testId) return;
        const header = `${method} ${path} ${status} ${ms} ms`;
        appendFileSync(
          logFileOf(logDir, testId),
          `${[header, ...lines.map((line) => `  ${line}`)].join('\n')}\n`,
        );
      },
    },
  });
  project.provide('hub', {
    apiUrl: stack.apiUrl,
    consoleUrl: stack.consoleUrl,
    mailEndpoint: stack.mailEndpoint,
    support: stack.support,
    environment: stack.environment,
    userPoolId: stack.userPoolId,
    userPoolClientId: stack.userPoolClientId,
    tableName: stack.tableName,
    logDir,
  });
  return async () => {
    await stack.stop();
    await rm(logDir, { recursive: true, force: true });
  };
}
