import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A new id that sorts by creation time (10 characters of milliseconds, then 12 random):
 * results and learners list in the order they were recorded.
 */
export function newId(now = Date.now()): string {
  let time = '';
  for (let rest = now, i = 0; i < 10; i++, rest = Math.floor(rest / 32))
    time = alphabet[rest % 32] + time;
  const random = randomBytes(12);
  let tail = '';
  for (const byte of random) tail += alphabet[byte % 32];
  return time + tail;
}
