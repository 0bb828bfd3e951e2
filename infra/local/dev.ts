/**
 * `npm run dev`: the local stack as `npm start` runs it, with the console served by Vite's
 * dev server instead of its production build, so a saved file shows at once in the browser.
 * (Vite's dev server injects inline scripts, so the production CSP is not sent here: use
 * `npm start` to see the console exactly as CloudFront serves it.)
 */
import { join } from 'node:path';
import { createServer } from 'vite';
import { consoleSourceDir } from './console.js';
import { defaultSupportAccount, portsFromEnvironment, startLocalStack } from './stack.js';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

async function main() {
  const ports = portsFromEnvironment();
  const stack = await startLocalStack({
    ports,
    supportEmail: process.env.HUB_SUPPORT_EMAIL || defaultSupportAccount.email,
    supportPassword: process.env.HUB_SUPPORT_PASSWORD || defaultSupportAccount.password,
  });
  const config = JSON.stringify({ apiUrl: stack.apiUrl });
  const vite = await createServer({
    configFile: join(consoleSourceDir, 'vite.config.ts'),
    server: { host: '127.0.0.1', port: ports.console, strictPort: true },
    plugins: [
      {
        name: 'hub-config',
        configureServer(server) {
          server.middlewares.use('/config.json', (_request, response) => {
            response.setHeader('content-type', 'application/json');
            response.setHeader('cache-control', 'no-store');
            response.end(config);
          });
        },
      },
    ],
  });
  await vite.listen();
  console.log(`
School Support Hub (development: the console reloads as you edit web/)

  Console        ${stack.consoleUrl}
  API            ${stack.apiUrl}
  Email inbox    ${stack.inboxUrl}
  Support login  ${stack.support.email} / ${stack.support.password}
`);
  const stop = async () => {
    await vite.close();
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error('Cannot start:', error);
  process.exit(1);
});
