/**
 * Addresses for test users, and their inboxes. The local inbox holds every email of a run
 * (thousands by the end of `npm test`) and tests read it thousands of times, so an address
 * made here is read only from the moment it was made (no email can reach it before), and
 * only its own emails are converted. Shared by the API tests and the console tests.
 */
import { randomBytes } from 'node:crypto';
import { readInbox } from '../../infra/local/emulators/ses.js';

/** When each address of uniqueEmail was made, in epoch milliseconds. */
const madeAt = new Map<string, number>();

/** A fresh address no one has used, in lower case. */
export function uniqueEmail(label = 'user') {
  const address = `${label}.${randomBytes(5).toString('hex')}@school.example`;
  madeAt.set(address, Date.now());
  return address;
}

/** Every email a person received, oldest first (the address is compared in lower case). */
export function inboxOf(endpoint: string, address: string) {
  const to = address.toLowerCase();
  const made = madeAt.get(to);
  // The emulator stores whole seconds: start a second early.
  const since = made === undefined ? undefined : Math.floor(made / 1000) - 1;
  return readInbox(endpoint, { to, since });
}
