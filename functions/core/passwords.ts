import { randomInt } from 'node:crypto';
import { passwordPolicy } from './domain.js';

// No look-alike characters (0/O, 1/l/I): a person types this from an email.
const lower = 'abcdefghijkmnpqrstuvwxyz';
const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const digits = '23456789';
const all = lower + upper + digits;

/** A temporary password that meets the policy, from a cryptographic source. */
export function temporaryPassword(length = Math.max(16, passwordPolicy.minLength)): string {
  const pick = (alphabet: string) => alphabet[randomInt(alphabet.length)] as string;
  const chars = [pick(lower), pick(upper), pick(digits)];
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
