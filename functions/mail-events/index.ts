/**
 * SES's bounce and complaint events, from the configuration set's SNS event destination.
 * A message that cannot be read is logged and dropped (SNS would only redeliver the same
 * text); a failure to record throws, so SNS retries and then uses the subscription's
 * dead-letter queue.
 */
import type { SNSEvent } from 'aws-lambda';
import { logger } from '../core/logger.js';
import { recordSesEvent, type SesEvent } from '../core/services/mail-events.js';
import { tableFromEnvironment } from '../core/wiring.js';

const db = tableFromEnvironment();

export async function handler(event: SNSEvent) {
  for (const record of event.Records) {
    let parsed: SesEvent;
    try {
      parsed = JSON.parse(record.Sns.Message) as SesEvent;
    } catch {
      logger.warn('an SES event that is not JSON, dropped', { messageId: record.Sns.MessageId });
      continue;
    }
    await recordSesEvent(db, parsed);
  }
}
