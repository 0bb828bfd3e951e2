/**
 * One local stack, console included, for every console test: real emulators on free ports.
 * Its addresses reach the test workers through the environment.
 */
export default async function globalSetup() {
  // Before the handlers are imported: their logger and metrics read these once, when made.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const { startLocalStack } = await import('../../infra/local/stack.js');
  const stack = await startLocalStack({
    freePorts: true,
    console: true,
    supportAuthenticator: true,
  });
  process.env.HUB_TEST_CONSOLE_URL = stack.consoleUrl;
  process.env.HUB_TEST_API_URL = stack.apiUrl;
  process.env.HUB_TEST_MAIL_URL = stack.mailEndpoint;
  process.env.HUB_TEST_SUPPORT = JSON.stringify(stack.support);
  process.env.HUB_TEST_ENVIRONMENT = JSON.stringify(stack.environment);
  return async () => {
    await stack.stop();
  };
}
