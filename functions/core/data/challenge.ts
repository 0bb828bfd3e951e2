/**
 * First sign-in challenges. The session a client gets back is ours, not Cognito's: a random
 * secret stored only as its hash, single-use and short-lived, issued only after the
 * temporary password was checked. (cognito-local hands out a NEW_PASSWORD_REQUIRED session
 * without checking the password and accepts any session back; this design does not depend
 * on that, and behaves the same in AWS.)
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Clock } from '../ports.js';
import { type Db, fromAttributes, toAttributes } from './db.js';

const validSeconds = 5 * 60;
const hashOf = (session: string) => createHash('sha256').update(session).digest('base64url');
const challengeKey = (session: string) => ({ PK: `CHALLENGE#${hashOf(session)}`, SK: 'CHALLENGE' });

/** Starts a new-password challenge for a user; answers the session to hand the client. */
export async function startChallenge(
  db: Db,
  clock: Clock,
  user: { userId: string; email: string },
) {
  const session = randomBytes(32).toString('base64url');
  await db.client.send(
    new PutItemCommand({
      TableName: db.tableName,
      Item: toAttributes({
        ...challengeKey(session),
        type: 'challenge',
        userId: user.userId,
        email: user.email,
        expiresAt: Math.floor(clock().getTime() / 1000) + validSeconds,
      }),
    }),
  );
  return session;
}

/** Uses up a session: answers its user id when it is live and was issued for this email. */
export async function consumeChallenge(
  db: Db,
  clock: Clock,
  session: string,
  email: string,
): Promise<string | undefined> {
  try {
    const { Attributes } = await db.client.send(
      new DeleteItemCommand({
        TableName: db.tableName,
        Key: toAttributes(challengeKey(session)),
        ConditionExpression: 'attribute_exists(PK) AND expiresAt > :now AND email = :email',
        ExpressionAttributeValues: toAttributes({
          ':now': Math.floor(clock().getTime() / 1000),
          ':email': email,
        }),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes ? (fromAttributes(Attributes).userId as string) : undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}
