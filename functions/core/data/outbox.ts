/**
 * The outbox: an email the hub owes someone, written in the same transaction as the change it
 * tells of (no email without the change, no change without its email). The table's stream
 * hands each new outbox item to the sender (functions/outbox/), which sends it at the
 * account's rate, retries, and records the outcome here and, when it finally fails, on the
 * user (`emailStatus`).
 *
 * An item names a template and its words, never a secret: an invitation's temporary password
 * is made and set by the sender at the moment it sends.
 */
import { randomUUID } from 'node:crypto';
import { type TransactWriteItem, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type Db, getItem, type Item, putIfAbsent, toAttributes } from './db.js';

export type OutboxEmail =
  | { template: 'invitation'; to: string; name: string; centreName: string }
  /** Support staff invited by the operator command, asking again with Forgotten password. */
  | { template: 'supportInvitation'; to: string; name: string }
  | { template: 'suspended'; to: string; name: string; centreName: string }
  | { template: 'restored'; to: string; name: string; centreName: string }
  | { template: 'deleted'; to: string; name: string; centreName: string }
  | { template: 'emailChanged'; to: string; name: string; newEmail: string }
  | { template: 'dataTransferred'; to: string; name: string; from: string; moved: number };

export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'skipped';

export interface OutboxEntry {
  outboxId: string;
  /** Whom the email concerns: its outcome is recorded on them. */
  userId: string;
  email: OutboxEmail;
  status: OutboxStatus;
  attempts: number;
  createdAt: string;
}

/** The item type the sender's stream filter selects (infra and the local poller read it). */
export const outboxItemType = 'outbox';
/** Sent or not, an outbox item is kept this long for operators, then expires (TTL). */
export const outboxRetentionDays = 30;

export const outboxKey = (outboxId: string) => ({ PK: `OUTBOX#${outboxId}`, SK: 'OUTBOX' });

export const toOutboxItem = (entry: OutboxEntry): Item => ({
  ...outboxKey(entry.outboxId),
  type: outboxItemType,
  ...entry,
  expiresAt: Math.floor(Date.parse(entry.createdAt) / 1000) + outboxRetentionDays * 86_400,
});

export const fromOutboxItem = (item: Item): OutboxEntry => ({
  outboxId: item.outboxId as string,
  userId: item.userId as string,
  email: item.email as OutboxEmail,
  status: item.status as OutboxStatus,
  attempts: (item.attempts as number) ?? 0,
  createdAt: item.createdAt as string,
});

/** Transaction item: an email to send once the transaction it is part of commits. */
export const outboxItem = (
  db: Db,
  input: { userId: string; email: OutboxEmail; now: string },
): TransactWriteItem =>
  putIfAbsent(
    db,
    toOutboxItem({
      outboxId: randomUUID(),
      userId: input.userId,
      email: input.email,
      status: 'pending',
      attempts: 0,
      createdAt: input.now,
    }),
  );

export async function getOutboxEntry(db: Db, outboxId: string) {
  const item = await getItem(db, outboxKey(outboxId));
  return item ? fromOutboxItem(item) : undefined;
}

/** Records one more failed attempt; answers how many there have been. */
export async function countOutboxAttempt(db: Db, outboxId: string, error: string) {
  const answer = await db.client.send(
    new UpdateItemCommand({
      TableName: db.tableName,
      Key: toAttributes(outboxKey(outboxId)),
      UpdateExpression: 'ADD attempts :one SET lastError = :error',
      ExpressionAttributeValues: toAttributes({ ':one': 1, ':error': error }),
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(answer.Attributes?.attempts?.N ?? 1);
}

/** The outcome: sent, failed for good, or skipped (nobody to send it to any more). */
export async function settleOutboxEntry(
  db: Db,
  outboxId: string,
  status: Exclude<OutboxStatus, 'pending'>,
  at: string,
) {
  await db.client.send(
    new UpdateItemCommand({
      TableName: db.tableName,
      Key: toAttributes(outboxKey(outboxId)),
      UpdateExpression: 'SET #status = :status, settledAt = :at',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: toAttributes({ ':status': status, ':at': at }),
    }),
  );
}
