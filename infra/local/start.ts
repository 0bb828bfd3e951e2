/**
 * `npm start`: the whole School Support Hub on 127.0.0.1 against local emulators.
 * Ctrl-C or SIGTERM stops every process it started.
 */
import {
  defaultSupportAccount,
  PortInUseError,
  portsFromEnvironment,
  startLocalStack,
} from './stack.js';

const verbose = process.env.HUB_VERBOSE === '1';
process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';

async function main() {
  const started = performance.now();
  const stack = await startLocalStack({
    ports: portsFromEnvironment(),
    supportEmail: process.env.HUB_SUPPORT_EMAIL || defaultSupportAccount.email,
    supportPassword: process.env.HUB_SUPPORT_PASSWORD || defaultSupportAccount.password,
    mailFrom: process.env.MAIL_FROM || undefined,
    console: true,
    log: verbose ? (line) => console.error(`[local] ${line}`) : undefined,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`
School Support Hub is running (started in ${seconds} s)

  Console        ${stack.consoleUrl}            (sign in with the support login below)
  API            ${stack.apiUrl}            (try ${stack.apiUrl}/health, ${stack.apiUrl}/openapi.json)
  Email inbox    ${stack.inboxUrl}            (every email sent; JSON at ${stack.mailEndpoint}/store)
  Support login  ${stack.support.email} / ${stack.support.password}

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
