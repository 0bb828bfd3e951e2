/**
 * The console's end-to-end tests: Debian's Chromium (never a downloaded browser), driven
 * against the real local stack that tests/console/global-setup.ts starts on free ports.
 */
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * Debian's `chromium-headless-shell` when it is installed (.ci/run installs it): the same
 * Blink and V8 as `chromium` without the desktop browser around them. Measured on 2 cores,
 * the 13 tests of users.spec.ts and user-page.spec.ts took 80 CPU-seconds and 46 s with it,
 * 114 CPU-seconds and 64 s with `chromium`. HUB_CHROMIUM names another browser.
 */
export const chromiumPath =
  process.env.HUB_CHROMIUM ??
  ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((path) => existsSync(path)) ??
  '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/console',
  testMatch: '**/*.spec.ts',
  // tests/console/large/ (1,000-row imports) runs only by `npm run test:console:large`.
  // Tests tagged @extended (a second journey through a page already covered, a second way to
  // the same button, an error or edge state, paging, token timing) run in `npm run
  // test:console` and before every deploy, not in `npm test`, which runs one journey per page
  // of the guide (`--grep-invert @extended`): the README's "Tests" says why.
  testIgnore: process.env.HUB_CONSOLE_LARGE ? [] : ['**/large/**'],
  globalSetup: './tests/console/global-setup.ts',
  outputDir: 'test-results/console',
  fullyParallel: true,
  // Most of a test's time is spent waiting on the API and the emulators: four browsers at
  // once finish sooner than two, even on 2 cores.
  workers: 4,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    trace: process.env.HUB_TRACE ? 'retain-on-failure' : 'off',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
