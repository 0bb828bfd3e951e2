/**
 * SES's bounce and complaint events (configuration set → SNS → functions/mail-events): each
 * recipient is found through their email marker (no Scan) and their email is marked on the
 * user, where coordinators see it. A permanent bounce marks the address `bouncing`; a
 * transient one (mailbox full, out of office) or an undetermined one is only logged, since
 * the next email may arrive. A complaint marks it `complained`. SES's account-level
 * suppression list (the configuration set's BOUNCE and COMPLAINT reasons) stops later
 * emails to those addresses; this makes them visible.
 */
import type { Db } from '../data/db.js';
import { type EmailStatus, getUserIdByEmail, recordEmailStatus } from '../data/user.js';
import { logger } from '../logger.js';

/** The parts of SES's event record this reads (event publishing, or identity notifications). */
export interface SesEvent {
  eventType?: string;
  notificationType?: string;
  bounce?: {
    bounceType: string;
    bounceSubType?: string;
    bouncedRecipients: { emailAddress: string }[];
    timestamp: string;
  };
  complaint?: {
    complainedRecipients: { emailAddress: string }[];
    complaintFeedbackType?: string;
    timestamp: string;
  };
}

/** What an event says of each address, if anything. */
export function problemsOf(event: SesEvent): { address: string; status: EmailStatus }[] {
  const type = event.eventType ?? event.notificationType;
  if (type === 'Bounce' && event.bounce) {
    const { bounce } = event;
    if (bounce.bounceType !== 'Permanent') return [];
    return bounce.bouncedRecipients.map((recipient) => ({
      address: recipient.emailAddress,
      status: {
        problem: 'bouncing',
        at: bounce.timestamp,
        detail: `Permanent${bounce.bounceSubType ? ` (${bounce.bounceSubType})` : ''}`,
      },
    }));
  }
  if (type === 'Complaint' && event.complaint) {
    const { complaint } = event;
    return complaint.complainedRecipients.map((recipient) => ({
      address: recipient.emailAddress,
      status: {
        problem: 'complained',
        at: complaint.timestamp,
        ...(complaint.complaintFeedbackType ? { detail: complaint.complaintFeedbackType } : {}),
      },
    }));
  }
  return [];
}

/** Records what one SES event says on the users it concerns; answers how many were marked. */
export async function recordSesEvent(db: Db, event: SesEvent): Promise<number> {
  let marked = 0;
  const type = event.eventType ?? event.notificationType;
  if (type === 'Bounce' && event.bounce?.bounceType !== 'Permanent')
    logger.info('transient or undetermined bounce, not recorded', {
      bounceType: event.bounce?.bounceType,
    });
  for (const { address, status } of problemsOf(event)) {
    // SES may echo an address with a display name or in other case: the marker is lower case.
    const email = (address.match(/<([^>]+)>/)?.[1] ?? address).trim().toLowerCase();
    const userId = await getUserIdByEmail(db, email);
    if (!userId) continue;
    const outcome = await recordEmailStatus(db, userId, email, status);
    if (outcome === 'recorded') marked++;
  }
  return marked;
}
