/**
 * One record per sign-in, keyed by a hash of its refresh token: who signed in, when, and
 * which session it is (rules.sessionIdOf of its newest tokens).
 * A refresh is judged by when its session began, so a refresh token from before a
 * sign-out, suspension or password reset mints nothing — whatever `auth_time` the identity
 * provider stamps on the new tokens (cognito-local stamps the time of the refresh).
 */
import { createHash } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../ports.js';
import { type Db, getItem, toAttributes } from './db.js';

/** As long as the app client's refresh tokens live (infra: 30 days). */
const sessionSeconds = 30 * 24 * 60 * 60;
const sessionKey = (refreshToken: string) => ({
  PK: `SESSION#${createHash('sha256').update(refreshToken).digest('base64url')}`,
  SK: 'SESSION',
});

export async function recordSession(
  db: Db,
  clock: Clock,
  session: { refreshToken: string; userId: string; authTime: number; sessionId?: string },
) {
  await db.client.send(
    new PutItemCommand({
      TableName: db.tableName,
      Item: toAttributes({
        ...sessionKey(session.refreshToken),
        type: 'session',
        userId: session.userId,
        authTime: session.authTime,
        ...(session.sessionId ? { sessionId: session.sessionId } : {}),
        expiresAt: Math.floor(clock().getTime() / 1000) + sessionSeconds,
      }),
    }),
  );
}

export async function sessionOf(db: Db, clock: Clock, refreshToken: string) {
  const item = await getItem(db, sessionKey(refreshToken));
  if (!item || Number(item.expiresAt) <= Math.floor(clock().getTime() / 1000)) return undefined;
  return {
    userId: item.userId as string,
    authTime: Number(item.authTime),
    sessionId: typeof item.sessionId === 'string' ? item.sessionId : undefined,
  };
}
