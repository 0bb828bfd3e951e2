import { auditItem } from '../core/data/audit.js';
import { consumeChallenge, startChallenge } from '../core/data/challenge.js';
import { type Db, transactWrite } from '../core/data/db.js';
import { getUser, getUserIdByEmail, refuseTokensUntilItem, type User } from '../core/data/user.js';
import { passwordProblems } from '../core/domain.js';
import { ProblemError } from '../core/errors.js';
import type { AreaImplementations } from '../core/http.js';
import { claimsOfFreshToken } from '../core/jwt.js';
import type { Clock, Identity, Tokens } from '../core/ports.js';
import { changeUser } from '../core/services/change-user.js';

export interface AuthDeps {
  db: Db;
  identity: Identity;
  clock: Clock;
}

/** A user may sign in unless suspended or deleted; either answers like a wrong password. */
const mayUse = (user: User | undefined): user is User => !!user && user.status !== 'suspended';

const ownerOf = (tokens: Tokens) => claimsOfFreshToken(tokens.accessToken);

export function weakPasswordCheck(password: string, path: string) {
  const problems = passwordProblems(password);
  if (problems.length)
    throw new ProblemError('WEAK_PASSWORD', `The password ${problems.join(', ')}`, {
      errors: problems.map((message) => ({ path, message })),
    });
}

export const authRoutes = ({ db, identity, clock }: AuthDeps): AreaImplementations<'auth'> => ({
  login: async ({ body }) => {
    const result = await identity.signIn(body.email, body.password);
    const userId =
      result.kind === 'tokens'
        ? (ownerOf(result.tokens).sub as string)
        : await getUserIdByEmail(db, body.email);
    const user = userId ? await getUser(db, userId) : undefined;
    // Cognito in AWS refuses disabled users itself; the record is checked everywhere alike.
    if (!mayUse(user)) throw new ProblemError('INVALID_CREDENTIALS');
    if (result.kind === 'newPasswordRequired' || user.status === 'invited') {
      const session = await startChallenge(db, clock, user);
      return { status: 200, body: { challenge: 'NEW_PASSWORD_REQUIRED', session } };
    }
    return { status: 200, body: result.tokens };
  },

  newPassword: async ({ body }) => {
    weakPasswordCheck(body.newPassword, 'newPassword');
    const userId = await consumeChallenge(db, clock, body.session, body.email);
    const user = userId ? await getUser(db, userId) : undefined;
    if (!mayUse(user)) throw new ProblemError('INVALID_CREDENTIALS');

    await identity.setPassword(user.userId, body.newPassword, true);
    const result = await identity.signIn(body.email, body.newPassword);
    if (result.kind !== 'tokens') throw new ProblemError('INVALID_CREDENTIALS');
    if (user.status === 'invited' && user.centreId)
      await changeUser(
        { db, clock },
        {
          centreId: user.centreId,
          userId: user.userId,
          actorId: user.userId,
          action: 'user.activated',
          // Suspended meanwhile, or already active: nothing to do.
          change: (current, now) => ({
            next:
              current.status === 'invited'
                ? { ...current, status: 'active', activatedAt: now }
                : current,
          }),
        },
      );
    return { status: 200, body: result.tokens };
  },

  refresh: async ({ body }) => {
    const tokens = await identity.refresh(body.refreshToken);
    const claims = ownerOf(tokens);
    const user = await getUser(db, claims.sub as string);
    // A refresh token from before a sign-out or password change mints nothing usable.
    const authTime = Number(claims.auth_time ?? claims.iat);
    if (!mayUse(user) || !(authTime > user.tokensValidAfter))
      throw new ProblemError('UNAUTHENTICATED');
    const { refreshToken: _notReturned, ...rest } = tokens;
    return { status: 200, body: rest };
  },

  resetPassword: async ({ body }) => {
    weakPasswordCheck(body.newPassword, 'newPassword');
    await identity.confirmPasswordReset(body.email, body.code, body.newPassword);
    const userId = await getUserIdByEmail(db, body.email);
    const user = userId ? await getUser(db, userId) : undefined;
    if (user) {
      const now = clock();
      await transactWrite(db, [
        refuseTokensUntilItem(db, user.userId, Math.floor(now.getTime() / 1000)),
        ...(user.centreId
          ? [
              auditItem(db, user.centreId, {
                at: now.toISOString(),
                actorId: user.userId,
                action: 'user.password_reset',
                targetId: user.userId,
                details: {},
              }),
            ]
          : []),
      ]);
    }
    return { status: 204 };
  },
});
