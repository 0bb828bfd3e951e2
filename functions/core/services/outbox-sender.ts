/**
 * Sends one outbox email (data/outbox.ts), the sender Lambda's work per stream record.
 *
 * - An entry already settled (a batch retried after a crash) is not sent again.
 * - An invitation is only sent while its user is still invited at that address; its
 *   temporary password is made and set in Cognito here, at the moment of sending, so no
 *   password is ever stored. Sending it again makes a new password: the last email counts.
 * - SES throttling (the account's sending rate) waits and tries again, a few times.
 * - A refusal that cannot change (MessageRejected, an unverified sender, a bad parameter)
 *   fails at once; any other failure is counted on the entry and retried by the caller (the
 *   stream's retry) until `maxAttempts`, then fails for good.
 * - A final failure is recorded on the entry and on the user (`emailStatus: failed`), where
 *   the coordinator sees it, and counted (`EmailsNotSent`, alarmed). The next email to that
 *   address that is sent clears it (Resend invitation after the cause is fixed).
 */

import type { Db } from '../data/db.js';
import {
  countOutboxAttempt,
  getOutboxEntry,
  type OutboxEmail,
  settleOutboxEntry,
} from '../data/outbox.js';
import { getUser, recordEmailStatus, type User } from '../data/user.js';
import {
  dataTransferredNotice,
  deletedNotice,
  emailChangedNotice,
  invitationEmail,
  restoredNotice,
  supportInvitationEmail,
  suspendedNotice,
} from '../emails.js';
import { logger } from '../logger.js';
import { countEvent } from '../metrics.js';
import { temporaryPassword } from '../passwords.js';
import type { Clock, Email, Identity, Mailer } from '../ports.js';

export interface SenderDeps {
  db: Db;
  mailer: Mailer;
  identity: Pick<Identity, 'setPassword'>;
  consoleUrl: string;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  /** Attempts (each a stream retry) before an email fails for good. */
  maxAttempts: number;
  /** Waits after a throttled send, in order; one more send after each. */
  throttleBackoffMs: readonly number[];
}

export type SendOutcome = 'sent' | 'failed' | 'skipped' | 'retry';

/** SES errors that no retry can cure. */
const permanentErrors = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'ConfigurationSetDoesNotExistException',
  'InvalidParameterValue',
]);
const throttlingErrors = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException']);

export const isThrottling = (error: unknown) => throttlingErrors.has((error as Error)?.name);

export function renderOutboxEmail(
  consoleUrl: string,
  email: OutboxEmail,
  password?: string,
): Email {
  switch (email.template) {
    case 'invitation':
      return invitationEmail(consoleUrl, {
        to: email.to,
        name: email.name,
        centreName: email.centreName,
        temporaryPassword: password ?? '',
      });
    case 'supportInvitation':
      return supportInvitationEmail(consoleUrl, {
        to: email.to,
        name: email.name,
        temporaryPassword: password ?? '',
      });
    case 'suspended':
      return suspendedNotice(consoleUrl, email.to, email.name, email.centreName);
    case 'restored':
      return restoredNotice(consoleUrl, email.to, email.name, email.centreName);
    case 'deleted':
      return deletedNotice(consoleUrl, email.to, email.name, email.centreName);
    case 'emailChanged':
      return emailChangedNotice(consoleUrl, email.to, email.name, email.newEmail);
    case 'dataTransferred':
      return dataTransferredNotice(consoleUrl, email.to, email.name, email.from, email.moved);
  }
}

async function sendPaced(deps: SenderDeps, email: Email) {
  for (let retry = 0; ; retry++) {
    try {
      return await deps.mailer.send(email);
    } catch (error) {
      const wait = deps.throttleBackoffMs[retry];
      if (!isThrottling(error) || wait === undefined) throw error;
      await deps.sleep(wait);
    }
  }
}

export async function sendOutboxEntry(deps: SenderDeps, outboxId: string): Promise<SendOutcome> {
  const { db } = deps;
  const entry = await getOutboxEntry(db, outboxId);
  if (entry?.status !== 'pending') return 'skipped';
  const settle = (status: 'sent' | 'failed' | 'skipped') =>
    settleOutboxEntry(db, outboxId, status, deps.clock().toISOString());

  let email: Email;
  let user: User | undefined;
  try {
    if (entry.email.template === 'invitation' || entry.email.template === 'supportInvitation') {
      user = await getUser(db, entry.userId);
      if (user?.status !== 'invited' || user.email !== entry.email.to) {
        await settle('skipped');
        return 'skipped';
      }
      const password = temporaryPassword();
      await deps.identity.setPassword(user.userId, password, false);
      email = renderOutboxEmail(deps.consoleUrl, entry.email, password);
    } else email = renderOutboxEmail(deps.consoleUrl, entry.email);
    await sendPaced(deps, email);
  } catch (error) {
    const name = (error as Error)?.name ?? 'Error';
    const attempts = await countOutboxAttempt(db, outboxId, name);
    const final = permanentErrors.has(name) || attempts >= deps.maxAttempts;
    logger.warn(final ? 'email not sent, for good' : 'email not sent; will try again', {
      outboxId,
      template: entry.email.template,
      attempts,
      errorName: name,
    });
    if (!final) return 'retry';
    await settle('failed');
    countEvent('EmailsNotSent');
    await recordEmailStatus(db, entry.userId, entry.email.to, {
      problem: 'failed',
      at: deps.clock().toISOString(),
      detail: name,
    });
    return 'failed';
  }
  await settle('sent');
  // An earlier email that was not sent no longer stands: this one went (a bounce or a
  // complaint stays; only SES's events or a new address clear those).
  user ??= await getUser(db, entry.userId);
  if (user?.emailStatus?.problem === 'failed')
    await recordEmailStatus(db, entry.userId, entry.email.to, undefined);
  return 'sent';
}
