/**
 * Makes an address bounce (or complain) on the local stack started by `npm start`, as SES's
 * event destination would in AWS: the real mail-events handler records it on the user, and
 * the console shows it on the user's page and under the Users page's email filter.
 *
 *   npx tsx scripts/local-mail-event.ts bounce ada@example.com
 *   npx tsx scripts/local-mail-event.ts complaint ada@example.com
 *
 * It calls the local Lambda service (port HUB_LAMBDA_PORT, 9001 unless set): local only.
 */
import { type LocalMailEvent, sendLocalMailEvent } from '../infra/local/mail-events.js';

const [kind, address] = process.argv.slice(2);
if ((kind !== 'bounce' && kind !== 'complaint') || !address) {
  console.error('usage: npx tsx scripts/local-mail-event.ts bounce|complaint <email address>');
  process.exit(2);
}
const endpoint = `http://127.0.0.1:${process.env.HUB_LAMBDA_PORT ?? '9001'}`;
await sendLocalMailEvent(endpoint, kind as LocalMailEvent, address);
console.log(`${kind} of ${address} delivered to the local mail-events handler`);
