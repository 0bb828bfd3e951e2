/**
 * A pending change of a user's own email: the new address, and the code sent to it, kept
 * only as a salted hash. One per user (a new request replaces the old); single-use; expires
 * in 15 minutes; five codes checked and it is used up (until it expires or a new request
 * replaces it).
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Clock } from '../ports.js';
import { type Db, deleteItem, fromAttributes, put, toAttributes } from './db.js';

export const emailChangeValidSeconds = 15 * 60;
export const emailChangeAttempts = 5;

const pendingKey = (userId: string) => ({ PK: `USER#${userId}`, SK: 'EMAIL_CHANGE' });
const hashOf = (salt: string, code: string) =>
  createHash('sha256').update(`${salt}:${code}`).digest('base64url');

export interface PendingEmailChange {
  newEmail: string;
  salt: string;
  codeHash: string;
  attempts: number;
  expiresAt: number;
}

/** Starts (or restarts) a change; answers the code to email to the new address. */
export async function startEmailChange(db: Db, clock: Clock, userId: string, newEmail: string) {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const salt = randomBytes(16).toString('base64url');
  const item = put(db, {
    ...pendingKey(userId),
    type: 'email-change',
    newEmail,
    salt,
    codeHash: hashOf(salt, code),
    attempts: 0,
    expiresAt: Math.floor(clock().getTime() / 1000) + emailChangeValidSeconds,
  }).Put;
  if (item) await db.client.send(new PutItemCommand(item));
  return code;
}

export type CodeAttempt =
  | { kind: 'none' }
  | { kind: 'used-up'; retryAfter: number }
  | { kind: 'taken'; pending: PendingEmailChange };

/**
 * Takes one of the pending change's attempts before its code is compared: ONE conditional
 * UpdateItem that counts only while attempts are left and the change has not expired, so
 * however many confirmations race, at most `emailChangeAttempts` codes are ever checked.
 * Answers the change to check the code against, or why there is none to check.
 */
export async function takeCodeAttempt(db: Db, clock: Clock, userId: string): Promise<CodeAttempt> {
  const now = Math.floor(clock().getTime() / 1000);
  try {
    const { Attributes } = await db.client.send(
      new UpdateItemCommand({
        TableName: db.tableName,
        Key: toAttributes(pendingKey(userId)),
        UpdateExpression: 'ADD attempts :one',
        ConditionExpression: 'attribute_exists(PK) AND attempts < :max AND expiresAt > :now',
        ExpressionAttributeValues: toAttributes({
          ':one': 1,
          ':max': emailChangeAttempts,
          ':now': now,
        }),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return {
      kind: 'taken',
      pending: fromAttributes(Attributes ?? {}) as unknown as PendingEmailChange,
    };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const old = error.Item ? fromAttributes(error.Item) : undefined;
    const expiresAt = Number(old?.expiresAt);
    if (!old || !(expiresAt > now)) return { kind: 'none' };
    return { kind: 'used-up', retryAfter: expiresAt - now };
  }
}

export function codeMatches(pending: PendingEmailChange, code: string) {
  const expected = Buffer.from(pending.codeHash);
  const given = Buffer.from(hashOf(pending.salt, code));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Transaction item: uses the pending change up, with the change it confirms. */
export const finishEmailChangeItem = (db: Db, userId: string): TransactWriteItem =>
  deleteItem(db, pendingKey(userId));

export const cancelEmailChange = async (db: Db, userId: string) => {
  const del = deleteItem(db, pendingKey(userId)).Delete;
  if (del) await db.client.send(new DeleteItemCommand(del));
};
