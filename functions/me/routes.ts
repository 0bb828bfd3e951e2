import { bearerTokenOf, otpauthUri } from '../core/authenticator.js';
import { writeAudit } from '../core/data/audit.js';
import {
  cancelEmailChange,
  codeMatches,
  finishEmailChangeItem,
  startEmailChange,
  takeCodeAttempt,
} from '../core/data/email-change.js';
import { outboxItem } from '../core/data/outbox.js';
import { limits, rateLimited } from '../core/data/rate-limit.js';
import { getUserIdByEmail, moveEmailItems, publicUser, type User } from '../core/data/user.js';
import { emailVerificationEmail } from '../core/emails.js';
import { ProblemError } from '../core/errors.js';
import { type AreaImplementations, areaRoutes } from '../core/http.js';
import { logger } from '../core/logger.js';
import { meEntries } from '../core/route-table/me.js';
import { tokenSessionOf, weakPasswordCheck } from '../core/rules.js';
import { changeUser } from '../core/services/change-user.js';
import { checkCurrentPassword } from '../core/services/current-password.js';
import type { MeDeps } from './deps.js';

const meImplementations = (deps: MeDeps): AreaImplementations<'me'> => {
  const { db, identity, mailer, clock } = deps;
  // The pipeline has just read the caller's record: it is the change's starting point.
  const changeSelf = (
    caller: User,
    action: string,
    change: Parameters<typeof changeUser>[1]['change'],
  ) =>
    changeUser(deps, {
      centreId: caller.centreId,
      userId: caller.userId,
      current: caller,
      actorId: caller.userId,
      action,
      change,
    });

  /** Two-step sign-in changes go to the centre's log (support staff have none). */
  const auditSelf = (caller: User, action: string) =>
    caller.centreId
      ? writeAudit(db, caller.centreId, {
          at: clock().toISOString(),
          actorId: caller.userId,
          action,
          targetId: caller.userId,
          details: {},
        })
      : Promise.resolve();

  /** Cognito's own calls for the app need the caller's access token itself. */
  const accessTokenOf = (headers: Record<string, string | undefined>) => {
    const token = bearerTokenOf(headers);
    if (!token) throw new ProblemError('UNAUTHENTICATED');
    return token;
  };

  return {
    getMfa: async ({ caller }) => ({
      status: 200,
      body: { enabled: await identity.hasTotp(caller.userId), required: caller.isSupport },
    }),

    startMfaSetup: async ({ caller, headers }) => {
      const { secret } = await identity.startTotpSetup(accessTokenOf(headers));
      return { status: 200, body: { secret, otpauthUri: otpauthUri(caller.email, secret) } };
    },

    confirmMfa: async ({ caller, body, headers }) => {
      await deps.limiter.counting(
        limits.wrongAuthenticatorCodes,
        caller.userId,
        () => identity.finishTotpSetup(accessTokenOf(headers), body.code),
        (error) => error instanceof ProblemError && error.code === 'INVALID_CODE',
      );
      await auditSelf(caller, 'user.mfa_enabled');
      return { status: 204 };
    },

    disableMfa: async ({ caller, body }) => {
      if (caller.isSupport) throw new ProblemError('MFA_REQUIRED');
      await checkCurrentPassword(deps, caller, body.currentPassword);
      await identity.removeTotp(caller.userId);
      await auditSelf(caller, 'user.mfa_disabled');
      return { status: 204 };
    },

    // The pipeline has already read the caller's record: no second read.
    getMe: async ({ caller }) => ({ status: 200, body: publicUser(caller) }),

    updateMe: async ({ caller, body }) => {
      const { after } = await changeSelf(caller, 'user.profile_changed', (user) => ({
        next: { ...user, ...(body.name !== undefined ? { name: body.name } : {}) },
      }));
      return { status: 200, body: publicUser(after) };
    },

    requestEmailChange: async ({ caller, body }) => {
      await checkCurrentPassword(deps, caller, body.currentPassword);
      if (body.newEmail === caller.email || (await getUserIdByEmail(db, body.newEmail)))
        throw new ProblemError('EMAIL_TAKEN');
      // Each code is an email to an address the caller typed: a few an hour per address,
      // and per caller to any addresses, so the hub cannot be used to flood an inbox.
      const byCaller = await deps.limiter.take(limits.emailChangeRequests, caller.userId);
      try {
        await deps.limiter.take(
          limits.emailChangeCodesTo,
          body.newEmail,
          'Too many codes were sent to this address lately; try again later',
        );
      } catch (error) {
        await byCaller.giveBack();
        throw error;
      }
      const code = await startEmailChange(db, clock, caller.userId, body.newEmail);
      try {
        await mailer.send(
          emailVerificationEmail(deps.consoleUrl, body.newEmail, caller.name, code),
        );
      } catch {
        await cancelEmailChange(db, caller.userId);
        throw new ProblemError(
          'SERVICE_UNAVAILABLE',
          'The code could not be emailed; try again shortly',
        );
      }
      return { status: 202, body: { pendingEmail: body.newEmail } };
    },

    confirmEmailChange: async ({ caller, body }) => {
      const attempt = await takeCodeAttempt(db, clock, caller.userId);
      if (attempt.kind === 'none')
        throw new ProblemError('INVALID_CODE', 'There is no email change waiting, or it expired');
      if (attempt.kind === 'used-up')
        throw rateLimited(attempt.retryAfter, 'Too many wrong codes: ask for a new one');
      const { pending } = attempt;
      if (!codeMatches(pending, body.code)) throw new ProblemError('INVALID_CODE');
      const { newEmail } = pending;
      if (await getUserIdByEmail(db, newEmail)) throw new ProblemError('EMAIL_TAKEN');

      // The login moves first; if the records cannot follow, it is put back.
      await identity.changeEmail(caller.userId, newEmail);
      try {
        const { after } = await changeSelf(caller, 'user.email_changed', (user, now) => ({
          // A new address starts with no record of emails not arriving.
          next: { ...user, email: newEmail, emailStatus: undefined },
          alsoWrite: {
            items: [
              ...moveEmailItems(db, user, newEmail),
              finishEmailChangeItem(db, user.userId),
              // The notice goes to the address that no longer signs in.
              outboxItem(db, {
                userId: user.userId,
                now,
                email: { template: 'emailChanged', to: user.email, name: user.name, newEmail },
              }),
            ],
            conflict: new ProblemError('EMAIL_TAKEN'),
          },
        }));
        return { status: 200, body: publicUser(after) };
      } catch (error) {
        await identity
          .changeEmail(caller.userId, caller.email)
          .catch((undo: unknown) =>
            logger.error('could not put a login email back after a failed change', { error: undo }),
          );
        throw error;
      }
    },

    changePassword: async ({ caller, body, claims }) => {
      weakPasswordCheck(body.newPassword, 'newPassword');
      await checkCurrentPassword(deps, caller, body.currentPassword);
      await identity.setPassword(caller.userId, body.newPassword, true);
      // Every other session is refused from now on, whatever second it began in; this one
      // (its session id, exactly) is kept.
      const { sessionId } = tokenSessionOf(claims);
      await changeSelf(caller, 'user.password_changed', (user, now) => ({
        next: {
          ...user,
          tokensValidAfter: Math.floor(Date.parse(now) / 1000),
          keptSession: sessionId,
        },
      }));
      return { status: 204 };
    },
  };
};

/** The me area's routes: its implementations and the entries they answer. */
export const meRoutes = areaRoutes(meEntries, meImplementations);
