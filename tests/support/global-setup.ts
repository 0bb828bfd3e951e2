/**
 * One local stack for every integration and end-to-end test file: real emulators on free
 * ports, in a temporary folder, stopped when the run ends.
 */
import type { TestProject } from 'vitest/node';

export interface HubUnderTest {
  apiUrl: string;
  /** The local console's origin: the one browser origin the API allows (CORS). */
  consoleUrl: string;
  mailEndpoint: string;
  support: { email: string; password: string; userId: string };
  environment: Record<string, string>;
  userPoolId: string;
  userPoolClientId: string;
  tableName: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    hub: HubUnderTest;
  }
}

export default async function setup(project: TestProject) {
  // Before the handlers are imported: their logger and metrics read these once, when made.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const { startLocalStack } = await import('../../infra/local/stack.js');
  const stack = await startLocalStack({ freePorts: true });
  project.provide('hub', {
    apiUrl: stack.apiUrl,
    consoleUrl: stack.consoleUrl,
    mailEndpoint: stack.mailEndpoint,
    support: stack.support,
    environment: stack.environment,
    userPoolId: stack.userPoolId,
    userPoolClientId: stack.userPoolClientId,
    tableName: stack.tableName,
  });
  return async () => {
    await stack.stop();
  };
}
