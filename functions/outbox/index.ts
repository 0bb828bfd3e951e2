import {
  identityFromEnvironment,
  mailerFromEnvironment,
} from '../core/adapters/from-environment.js';
import { readSettings } from '../core/config.js';
import { systemClock } from '../core/ports.js';
import { tableFromEnvironment } from '../core/wiring.js';
import { sendBatch } from './sender.js';

const { consoleUrl, mailSendRate } = readSettings(['consoleUrl', 'mailSendRate']);
const rate = Number(mailSendRate);
if (!(rate > 0)) throw new Error(`MAIL_SEND_RATE must be a positive number, not "${mailSendRate}"`);

const deps = {
  db: tableFromEnvironment(),
  mailer: mailerFromEnvironment(),
  identity: identityFromEnvironment(),
  consoleUrl,
  clock: systemClock,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  now: () => performance.now(),
  minIntervalMs: 1000 / rate,
  /** With the stream's own retries: an email fails for good after this many tries. */
  maxAttempts: 5,
  throttleBackoffMs: [1000, 2000, 4000],
};

export const handler = (event: Parameters<typeof sendBatch>[1]) => sendBatch(deps, event);
