import { otpauthUri } from '../core/authenticator.js';
import { auditItem } from '../core/data/audit.js';
import { consumeChallenge, readChallenge, startChallenge } from '../core/data/challenge.js';
import { type Db, transactWrite } from '../core/data/db.js';
import { type Limit, limits, type RateLimiter } from '../core/data/rate-limit.js';
import { recordSession, sessionOf } from '../core/data/session.js';
import {
  activateSupportUser,
  getUser,
  getUserIdByEmail,
  refuseTokensUntilItem,
  type User,
} from '../core/data/user.js';
import { ProblemError } from '../core/errors.js';
import { type AreaImplementations, areaRoutes } from '../core/http.js';
import { claimsOfFreshToken } from '../core/jwt.js';
import { logger } from '../core/logger.js';
import type { Clock, Identity, RequestOrigin, SignInResult, Tokens } from '../core/ports.js';
import { authEntries } from '../core/route-table/auth.js';
import { tokenSessionOf, tokenStillValid, weakPasswordCheck } from '../core/rules.js';
import { changeUser } from '../core/services/change-user.js';
import { sendFreshInvitation } from '../core/services/invite-user.js';

export interface AuthDeps {
  db: Db;
  identity: Identity;
  limiter: RateLimiter;
  clock: Clock;
}

/**
 * Forgotten-password answers take at least this long, whatever happened, so the time of the
 * answer does not tell whether the email has an account (the real work takes less).
 */
export const forgottenPasswordFloorMs = 400;

/** A user may sign in unless suspended or deleted; either answers like a wrong password. */
const mayUse = (user: User | undefined): user is User => !!user && user.status !== 'suspended';

const ownerOf = (tokens: Tokens) => claimsOfFreshToken(tokens.accessToken);

/** Headers that help Cognito's threat protection judge a sign-in; nothing else is sent. */
const originHeaders = ['user-agent', 'accept-language', 'host', 'origin', 'x-forwarded-for'];

/** Where the request came from, for Cognito's threat protection (ContextData). */
const originOf = (request: {
  sourceIp: string;
  path: string;
  headers: Record<string, string | undefined>;
}): RequestOrigin => ({
  ipAddress: request.sourceIp,
  serverName: request.headers.host ?? '',
  serverPath: request.path,
  headers: Object.fromEntries(
    originHeaders.flatMap((name) => {
      const value = request.headers[name];
      return value ? [[name, value]] : [];
    }),
  ),
});
const sessionOfTokens = (tokens: Tokens) => tokenSessionOf(ownerOf(tokens));

/** Runs `attempt` on one of `subject`'s attempts; only a wrong password or code counts. */
const counting = <T>(
  limiter: RateLimiter,
  limit: Limit,
  subject: string,
  attempt: () => Promise<T>,
) =>
  limiter.counting(
    limit,
    subject,
    attempt,
    (error) =>
      error instanceof ProblemError && ['INVALID_CREDENTIALS', 'INVALID_CODE'].includes(error.code),
  );

const authImplementations = (deps: AuthDeps): AreaImplementations<'auth'> => {
  const { db, identity, limiter, clock } = deps;

  /**
   * Tokens carry their sign-in time in whole seconds. Signing in during the very second the
   * user's tokens were revoked (suspension, sign-out, reset) would yield tokens that are
   * refused at once, so in that case sign in once more in the next second.
   */
  /** Every token signed in until now is refused from the next request on; audited. */
  const refuseEarlierTokens = async (user: User, action: string) => {
    const now = clock();
    await transactWrite(db, [
      refuseTokensUntilItem(db, user.userId, Math.floor(now.getTime() / 1000)),
      // Support staff belong to no centre, so their sign-outs have no centre log.
      ...(user.centreId
        ? [
            auditItem(db, user.centreId, {
              at: now.toISOString(),
              actorId: user.userId,
              action,
              targetId: user.userId,
              details: {},
            }),
          ]
        : []),
    ]);
  };

  /** Waits into the second after `epochSeconds` (at most one second). */
  const untilAfter = async (epochSeconds: number) => {
    const wait = (epochSeconds + 1) * 1000 - clock().getTime();
    if (wait > 0 && wait <= 1000) await new Promise((resolve) => setTimeout(resolve, wait + 5));
  };

  /** Tokens of this sign-in that the hub still accepts (see untilAfter), or a challenge. */
  const freshSignIn = async (
    user: User,
    email: string,
    password: string,
    first: SignInResult,
    origin: RequestOrigin,
  ) => {
    if (first.kind === 'tokens' && !tokenStillValid(user, sessionOfTokens(first.tokens))) {
      await untilAfter(user.tokensValidAfter);
      return identity.signIn(email, password, origin);
    }
    return first;
  };

  /** The tokens go to the client: their refresh token's session is recorded first. */
  const release = async (user: User, tokens: Tokens) => {
    if (!tokenStillValid(user, sessionOfTokens(tokens)))
      throw new ProblemError('INVALID_CREDENTIALS');
    const { refreshToken } = tokens;
    if (refreshToken)
      await recordSession(db, clock, {
        refreshToken,
        userId: user.userId,
        ...sessionOfTokens(tokens),
      });
    return tokens;
  };

  /**
   * After a right password: tokens, or the authenticator step still to come. Cognito asks
   * for a code itself when the user has an app (the pool's MFA is OPTIONAL, so coordinators
   * may choose); support staff must have one, and the hub holds their tokens back until
   * they have set one up.
   */
  const afterPassword = async (
    user: User,
    email: string,
    password: string,
    first: SignInResult,
    origin: RequestOrigin,
  ) => {
    const result = await freshSignIn(user, email, password, first, origin);
    if (result.kind === 'mfaRequired') {
      const session = await startChallenge(db, clock, user, {
        kind: 'mfaCode',
        cognitoSession: result.session,
      });
      return { challenge: 'SOFTWARE_TOKEN_MFA' as const, session };
    }
    if (result.kind !== 'tokens') throw new ProblemError('INVALID_CREDENTIALS');
    if (user.isSupport) {
      const { secret } = await identity.startTotpSetup(result.tokens.accessToken);
      const session = await startChallenge(db, clock, user, {
        kind: 'mfaSetup',
        tokens: result.tokens,
      });
      return {
        challenge: 'MFA_SETUP' as const,
        session,
        secret,
        otpauthUri: otpauthUri(user.email, secret),
      };
    }
    return release(user, result.tokens);
  };

  return {
    login: async (request) => {
      const { body } = request;
      const origin = originOf(request);
      const result = await counting(limiter, limits.failedLogins, body.email, () =>
        identity.signIn(body.email, body.password, origin),
      );
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
      return {
        status: 200,
        body: await afterPassword(user, body.email, body.password, result, origin),
      };
    },

    mfaCode: async (request) => {
      const { body } = request;
      const tokens = await counting(limiter, limits.failedLogins, body.email, async () => {
        const challenge = await consumeChallenge(db, clock, body.session, body.email, 'mfaCode');
        if (!challenge)
          throw new ProblemError(
            'INVALID_CODE',
            'Sign in again: the code was asked for too long ago',
          );
        return identity.answerMfaChallenge(
          body.email,
          challenge.cognitoSession,
          body.code,
          originOf(request),
        );
      });
      const user = await getUser(db, ownerOf(tokens).sub as string);
      if (!mayUse(user)) throw new ProblemError('INVALID_CREDENTIALS');
      return { status: 200, body: await release(user, tokens) };
    },

    mfaSetup: async ({ body }) => {
      const challenge = await readChallenge(db, clock, body.session, body.email, 'mfaSetup');
      if (!challenge)
        throw new ProblemError('INVALID_CODE', 'Sign in again: the set-up took too long');
      const user = await getUser(db, challenge.userId);
      if (!mayUse(user)) throw new ProblemError('INVALID_CREDENTIALS');
      await counting(limiter, limits.failedLogins, body.email, () =>
        identity.finishTotpSetup(challenge.tokens.accessToken, body.code),
      );
      // The app is on; the held tokens are handed out once (a second answer finds nothing).
      if (!(await consumeChallenge(db, clock, body.session, body.email, 'mfaSetup')))
        throw new ProblemError('INVALID_CODE', 'Sign in again: the set-up took too long');
      return { status: 200, body: await release(user, challenge.tokens) };
    },

    newPassword: async (request) => {
      const { body } = request;
      weakPasswordCheck(body.newPassword, 'newPassword');
      const challenge = await consumeChallenge(db, clock, body.session, body.email, 'newPassword');
      const user = challenge ? await getUser(db, challenge.userId) : undefined;
      if (!mayUse(user)) throw new ProblemError('INVALID_CREDENTIALS');

      const origin = originOf(request);
      await identity.setPassword(user.userId, body.newPassword, true);
      const result = await afterPassword(
        user,
        body.email,
        body.newPassword,
        await identity.signIn(body.email, body.newPassword, origin),
        origin,
      );
      if (user.status === 'invited' && user.centreId)
        await changeUser(
          { db, clock },
          {
            centreId: user.centreId,
            userId: user.userId,
            // Read (strongly) above: spares a second read; if it changed since, the version
            // check fails and changeUser reads it again.
            current: user,
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
      // Support staff invited by the operator command (npm run ops) have no centre.
      else if (user.status === 'invited' && user.isSupport)
        await activateSupportUser(db, user.userId, clock().toISOString());
      return { status: 200, body: result };
    },

    refresh: async ({ body }) => {
      // A refresh token from before a sign-out, suspension or reset mints nothing.
      const session = await sessionOf(db, clock, body.refreshToken);
      const user = session ? await getUser(db, session.userId) : undefined;
      if (!session || !mayUse(user) || !tokenStillValid(user, session))
        throw new ProblemError('UNAUTHENTICATED');
      // Support staff without an authenticator app (reset by an operator) sign in again and
      // set one up; a refresh token from before cannot get round that.
      if (user.isSupport && !(await identity.hasTotp(user.userId)))
        throw new ProblemError('UNAUTHENTICATED');
      let tokens = await identity.refresh(body.refreshToken, user.userId);
      if (ownerOf(tokens).sub !== user.userId) throw new ProblemError('UNAUTHENTICATED');
      // In AWS a refreshed token keeps its session's auth_time and origin_jti; cognito-local
      // stamps the refresh time and a new event_id, refused in the very second of a
      // password change.
      if (!tokenStillValid(user, sessionOfTokens(tokens))) {
        await untilAfter(user.tokensValidAfter);
        tokens = await identity.refresh(body.refreshToken, user.userId);
      }
      // The session follows what its newest tokens carry (unchanged in AWS), so a password
      // change made with them keeps this session's refresh token working too.
      const newest = sessionOfTokens(tokens);
      if (newest.authTime !== session.authTime || newest.sessionId !== session.sessionId)
        await recordSession(db, clock, {
          refreshToken: body.refreshToken,
          userId: user.userId,
          ...newest,
        });
      const { refreshToken: _notReturned, ...rest } = tokens;
      return { status: 200, body: rest };
    },

    resetPassword: async (request) => {
      const { body } = request;
      weakPasswordCheck(body.newPassword, 'newPassword');
      await counting(limiter, limits.resetCodeAttempts, body.email, () =>
        identity.confirmPasswordReset(body.email, body.code, body.newPassword, originOf(request)),
      );
      const userId = await getUserIdByEmail(db, body.email);
      const user = userId ? await getUser(db, userId) : undefined;
      // Every session from before the reset is refused: whoever knew the old password is out.
      if (user) await refuseEarlierTokens(user, 'user.password_reset');
      return { status: 204 };
    },

    forgottenPassword: async (request) => {
      const { body } = request;
      const started = clock().getTime();
      await limiter.take(limits.passwordResetRequests, body.email);
      try {
        const userId = await getUserIdByEmail(db, body.email);
        const user = userId ? await getUser(db, userId) : undefined;
        if (user?.status === 'invited') await sendFreshInvitation(deps, user, user.userId);
        else if (user?.status === 'active')
          await identity.startPasswordReset(body.email, originOf(request));
        // Unknown and suspended emails: nothing is sent, and the answer is the same.
      } catch (error) {
        // A failure must not answer differently from an unknown email either.
        logger.error('forgotten-password request failed', { error });
      }
      const remaining = forgottenPasswordFloorMs - (clock().getTime() - started);
      if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
      return { status: 202 };
    },

    logout: async ({ caller }) => {
      await refuseEarlierTokens(caller, 'user.signed_out');
      // Cognito's refresh tokens too; the API already refuses anything they would mint.
      await identity
        .signOutEverywhere(caller.userId)
        .catch((error: unknown) =>
          logger.warn('Cognito global sign-out failed', { errorName: (error as Error).name }),
        );
      return { status: 204 };
    },
  };
};

/** The auth area's routes: its implementations and the entries they answer. */
export const authRoutes = areaRoutes(authEntries, authImplementations);
