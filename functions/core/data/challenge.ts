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
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Clock, Tokens } from '../ports.js';
import { type Db, fromAttributes, toAttributes } from './db.js';

const validSeconds = 5 * 60;
const hashOf = (session: string) => createHash('sha256').update(session).digest('base64url');
const challengeKey = (session: string) => ({ PK: `CHALLENGE#${hashOf(session)}`, SK: 'CHALLENGE' });

/**
 * What a session stands for:
 * - `newPassword`: the temporary password was right; a new one is to be chosen;
 * - `mfaCode`: the password was right; Cognito's SOFTWARE_TOKEN_MFA session waits for a code
 *   from the user's authenticator app (Cognito's session never leaves the hub);
 * - `mfaSetup`: the password was right for someone who must use an authenticator app and has
 *   none yet (support staff). The tokens Cognito issued are held here, never handed out,
 *   until a code of the new app's secret is checked; the item lives five minutes at most
 *   and is deleted when used.
 */
export type Challenge =
  | { kind: 'newPassword' }
  | { kind: 'mfaCode'; cognitoSession: string }
  | { kind: 'mfaSetup'; tokens: Tokens };

export type ChallengeKind = Challenge['kind'];

export type ChallengeRecord<K extends ChallengeKind> = Extract<Challenge, { kind: K }> & {
  userId: string;
  email: string;
};

/** Starts a challenge for a user; answers the session to hand the client. */
export async function startChallenge(
  db: Db,
  clock: Clock,
  user: { userId: string; email: string },
  challenge: Challenge = { kind: 'newPassword' },
) {
  const session = randomBytes(32).toString('base64url');
  await db.client.send(
    new PutItemCommand({
      TableName: db.tableName,
      Item: toAttributes({
        ...challengeKey(session),
        type: 'challenge',
        ...challenge,
        userId: user.userId,
        email: user.email,
        expiresAt: Math.floor(clock().getTime() / 1000) + validSeconds,
      }),
    }),
  );
  return session;
}

const liveFor = (clock: Clock, email: string, kind: ChallengeKind) => ({
  // Sessions started before challenges had kinds were all new-password ones.
  ConditionExpression: `attribute_exists(PK) AND expiresAt > :now AND email = :email AND (${
    kind === 'newPassword' ? 'attribute_not_exists(kind) OR ' : ''
  }kind = :kind)`,
  ExpressionAttributeValues: toAttributes({
    ':now': Math.floor(clock().getTime() / 1000),
    ':email': email,
    ':kind': kind,
  }),
});

/**
 * Uses up a session: answers what it stands for when it is live, of this kind and was
 * issued for this email.
 */
export async function consumeChallenge<K extends ChallengeKind>(
  db: Db,
  clock: Clock,
  session: string,
  email: string,
  kind: K,
): Promise<ChallengeRecord<K> | undefined> {
  try {
    const { Attributes } = await db.client.send(
      new DeleteItemCommand({
        TableName: db.tableName,
        Key: toAttributes(challengeKey(session)),
        ...liveFor(clock, email, kind),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes ? (fromAttributes(Attributes) as ChallengeRecord<K>) : undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/** Reads a session without using it up (a wrong code may be typed again). */
export async function readChallenge<K extends ChallengeKind>(
  db: Db,
  clock: Clock,
  session: string,
  email: string,
  kind: K,
): Promise<ChallengeRecord<K> | undefined> {
  const { Item } = await db.client.send(
    new GetItemCommand({
      TableName: db.tableName,
      Key: toAttributes(challengeKey(session)),
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  const item = fromAttributes(Item) as ChallengeRecord<K> & { expiresAt: number; kind?: string };
  const live =
    item.expiresAt > Math.floor(clock().getTime() / 1000) &&
    item.email === email &&
    (item.kind ?? 'newPassword') === kind;
  return live ? item : undefined;
}
