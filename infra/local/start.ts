/**
 * `npm start`: the whole School Support Hub on 127.0.0.1 against local emulators.
 * Ctrl-C or SIGTERM stops every process it started.
 */
import type { RequestRecord } from './handler-logs.js';

const verbose = process.env.HUB_VERBOSE === '1';

/**
 * HUB_LOG: what the terminal shows of the API's work.
 *  - `requests` (the default): one line per request: method, path, status, milliseconds,
 *    followed by the request's ERROR log lines if any (every line, for a 5xx); a handler
 *    error outside any request (a workflow task) is printed too.
 *  - `debug`: the same, followed by every request's full JSON log lines at DEBUG level.
 *  - `quiet`: nothing but the banner and handler errors.
 */
const logModes = ['requests', 'debug', 'quiet'] as const;
const logMode = (process.env.HUB_LOG || 'requests') as (typeof logModes)[number];
if (!logModes.includes(logMode)) {
  console.error(`HUB_LOG must be one of ${logModes.join(', ')}, not "${process.env.HUB_LOG}"`);
  process.exit(1);
}
// The handlers' logger reads its level once, when first imported: the stack is imported after.
process.env.POWERTOOLS_LOG_LEVEL ??= logMode === 'debug' ? 'DEBUG' : 'INFO';
const { levelOf } = await import('./handler-logs.js');
const { defaultSupportAccount, PortInUseError, portsFromEnvironment, startLocalStack } =
  await import('./stack.js');
const isError = (line: string) => ['ERROR', 'CRITICAL'].includes(levelOf(line) ?? '');

function printRequest(record: RequestRecord) {
  if (logMode !== 'quiet')
    console.log(`${record.method} ${record.path} ${record.status} ${record.ms} ms`);
  const lines =
    logMode === 'debug' || record.status >= 500 ? record.lines : record.lines.filter(isError);
  for (const line of lines) console.log(`  ${line}`);
}

async function main() {
  const started = performance.now();
  const stack = await startLocalStack({
    ports: portsFromEnvironment(),
    supportEmail: process.env.HUB_SUPPORT_EMAIL || defaultSupportAccount.email,
    supportPassword: process.env.HUB_SUPPORT_PASSWORD || defaultSupportAccount.password,
    mailFrom: process.env.MAIL_FROM || undefined,
    console: true,
    log: verbose ? (line) => console.error(`[local] ${line}`) : undefined,
    handlerLogs: {
      request: printRequest,
      unattributed: (line) => {
        if (logMode === 'debug' || isError(line)) console.log(line);
      },
    },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`
School Support Hub is running (started in ${seconds} s)

  Console        ${stack.consoleUrl}            (sign in with the support login below)
  API            ${stack.apiUrl}            (try ${stack.apiUrl}/health, ${stack.apiUrl}/openapi.json)
  Email inbox    ${stack.inboxUrl}            (every email sent; JSON at ${stack.mailEndpoint}/store)
  Support login  ${stack.support.email} / ${stack.support.password}
  SES refusals   ${stack.environment.AWS_ENDPOINT_URL_SES}/_faults   (make SES refuse an address: README, "The outbox")
  Logs           one line per request; HUB_LOG=debug npm start for every handler log line

  Sign in:  curl -s -X POST ${stack.apiUrl}/auth/login -H 'content-type: application/json' \\
              -d '{"email":"${stack.support.email}","password":"${stack.support.password}"}'

Press Ctrl-C to stop.
`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping every emulator…`);
    await stack.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof PortInUseError) console.error(`Cannot start: ${error.message}`);
  else console.error('Cannot start the School Support Hub:', error);
  process.exit(1);
});
