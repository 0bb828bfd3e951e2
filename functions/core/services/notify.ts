import { logger } from '../logger.js';
import { countEvent } from '../metrics.js';
import type { Email, Mailer } from '../ports.js';

/**
 * Sends a notice (no secret in it). The change it tells of has already happened and stays:
 * a notice that cannot be sent is logged and counted (`EmailsNotSent`, which is alarmed)
 * for operators, never turned into a failure.
 */
export async function sendNotice(mailer: Mailer, email: Email, what: string) {
  try {
    await mailer.send(email);
  } catch (error) {
    logger.warn('notice not sent', { notice: what, errorName: (error as Error).name });
    countEvent('EmailsNotSent');
  }
}
