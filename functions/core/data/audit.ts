import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type Db, type Item, type Page, put, queryPage } from './db.js';

export interface AuditEntry {
  at: string;
  actorId: string;
  action: string;
  targetId?: string;
  details: Record<string, unknown>;
}

const auditPartition = (centreId: string) => `CENTRE#${centreId}#AUDIT`;

/**
 * Transaction item: one audit entry, written with the change it records. The sort key
 * starts with the time, so the log reads newest first by querying backwards.
 */
export const auditItem = (db: Db, centreId: string, entry: AuditEntry, id = randomUUID()) =>
  put(db, { ...auditKey(centreId, entry.at, id), type: 'audit', centreId, ...entry });

/** The key of one audit entry; a change that is rolled back removes its entry with it. */
export const auditKey = (centreId: string, at: string, id: string) => ({
  PK: auditPartition(centreId),
  SK: `${at}#${id}`,
});

const fromAuditItem = (item: Item): AuditEntry => ({
  at: item.at as string,
  actorId: item.actorId as string,
  action: item.action as string,
  ...(item.targetId ? { targetId: item.targetId as string } : {}),
  details: (item.details as Record<string, unknown>) ?? {},
});

/** A centre's audit log, newest first. */
export function listAudit(
  db: Db,
  centreId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<AuditEntry>> {
  return queryPage(
    db,
    {
      KeyConditionExpression: 'PK = :partition',
      ExpressionAttributeValues: { ':partition': { S: auditPartition(centreId) } },
      ScanIndexForward: false,
    },
    { limit, cursor, partition: { PK: auditPartition(centreId) }, map: fromAuditItem },
  );
}

/** Writes one audit entry on its own, for actions that change nothing else in the table. */
export async function writeAudit(db: Db, centreId: string, entry: AuditEntry): Promise<void> {
  const item = auditItem(db, centreId, entry).Put;
  if (item) await db.client.send(new PutItemCommand(item));
}
