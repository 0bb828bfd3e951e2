import { defineConfig } from 'vitest/config';

/**
 * Unit test files that change what other files would see in a shared module cache: the
 * handlers' logger and metrics (they point them at a sink of their own), the environment,
 * mocked modules. Each runs in a module cache of its own.
 */
const unitIsolated = [
  'tests/unit/edge.test.ts',
  'tests/unit/emails.test.ts',
  'tests/unit/handler-logs.test.ts',
  'tests/unit/learners.test.ts',
  'tests/unit/metrics-and-logs.test.ts',
  'tests/unit/outbox-sender.test.ts',
];
// No origin secret: the local stack of the integration project (global setup, same run) puts
// one in the environment its workers inherit; unit tests pass their own.
const unitEnvironment = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_REGION: 'eu-west-2',
  HUB_ORIGIN_SECRET: '',
};

export default defineConfig({
  test: {
    // The default on 2 cores is one worker, yet most of a test's time is spent waiting on the
    // emulators and the API server (other processes). Measured on 2 cores (2 Dec 2026), the
    // integration project alone: 4 workers 241 s at 68 % CPU, 6 workers 191 s.
    maxWorkers: 6,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          exclude: unitIsolated,
          environment: 'node',
          // These files keep no state in the modules they share (the files that do are
          // below): one module cache per worker spares importing the handlers and the AWS SDK
          // once per file (measured 2 Dec 2026, 2 cores, both unit projects: 39 → 29
          // CPU-seconds, 20 → 15 s).
          isolate: false,
          env: unitEnvironment,
        },
      },
      {
        test: {
          name: 'unit-isolated',
          include: unitIsolated,
          environment: 'node',
          env: unitEnvironment,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['tests/infra/**/*.test.ts'],
          environment: 'node',
          // The CDK apps' temporary cloud assemblies, removed after each file.
          setupFiles: ['tests/infra/temp-folder.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          // These files talk to the one local stack over HTTP and keep no module state of their
          // own: sharing a worker's module cache between them saves about 15 s of imports.
          isolate: false,
          include: [
            'tests/integration/**/*.test.ts',
            'tests/e2e/**/*.test.ts',
            'tests/workflows/**/*.test.ts',
          ],
          // 10,000 Progression Test results, 10,000 users losing a site: a suite of their own
          // (npm run test:scale).
          exclude: ['tests/workflows/scale.test.ts', 'tests/workflows/site-removal-scale.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/global-setup.ts'],
          // Handler logs are printed for a failing test only.
          setupFiles: ['tests/support/test-logs.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One local stack serves every file; files still run in parallel against it.
          env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
        },
      },
      {
        test: {
          name: 'scale',
          // tests/scale/: issue 11's 10,000-user search; the site removal of a 10,000-user centre.
          include: [
            'tests/workflows/scale.test.ts',
            'tests/workflows/site-removal-scale.test.ts',
            'tests/scale/**/*.test.ts',
          ],
          environment: 'node',
          globalSetup: ['tests/support/global-setup.ts'],
          setupFiles: ['tests/support/test-logs.ts'],
          testTimeout: 300_000,
          hookTimeout: 60_000,
          env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
        },
      },
    ],
  },
});
