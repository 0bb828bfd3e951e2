/**
 * The product's rules about who may do what to whom. Pure functions: no AWS, no I/O, so
 * they are tested directly and read like the administration guide.
 */
import type { User } from './data/user.js';
import { passwordProblems, type Site } from './domain.js';
import { ProblemError } from './errors.js';

/** An active coordinator: admin rights and signed in at least once, not suspended. */
export const isActiveAdmin = (user: Pick<User, 'isAdmin' | 'status'>) =>
  user.isAdmin && user.status === 'active';

/** How a change moves the centre's count of active coordinators (-1, 0 or +1). */
export const activeAdminDelta = (before: User, after: User) =>
  Number(isActiveAdmin(after)) - Number(isActiveAdmin(before));

/** Only sites the centre is eligible for may be ticked. */
export function assertSitesEligible(sites: readonly Site[], eligible: readonly Site[]) {
  const refused = sites.filter((site) => !eligible.includes(site));
  if (refused.length)
    throw new ProblemError(
      'SITE_NOT_ELIGIBLE',
      `The centre is not eligible for ${refused.join(', ')}`,
      { errors: refused.map((site) => ({ path: 'sites', message: `${site} is not eligible` })) },
    );
}

/** Coordinators cannot suspend, delete or offboard themselves, nor drop their own rights. */
export function assertNotSelf(
  actor: Pick<User, 'userId'>,
  target: Pick<User, 'userId'>,
  what: string,
) {
  if (actor.userId === target.userId)
    throw new ProblemError('CANNOT_MODIFY_SELF', `You cannot ${what} your own account`);
}

/** Suspension is possible from invited or active; restore only from suspended. */
export function statusAfterRestore(user: Pick<User, 'activatedAt'>): User['status'] {
  return user.activatedAt ? 'active' : 'invited';
}

/** The fields that differ between two versions of a user, for the audit log. */
export function changedFields(before: User, after: User) {
  const fields = ['name', 'email', 'isAdmin', 'sites', 'status'] as const;
  const changed = fields.filter(
    (field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]),
  );
  return {
    before: Object.fromEntries(changed.map((field) => [field, before[field]])),
    after: Object.fromEntries(changed.map((field) => [field, after[field]])),
  };
}

/** What a token says of the sign-in it belongs to. */
export interface TokenSession {
  /** When the sign-in was (epoch seconds, `auth_time`). */
  authTime: number;
  /** Which sign-in it was, exactly (sessionIdOf). */
  sessionId: string | undefined;
}

/**
 * Which sign-in a token belongs to, exactly (whole seconds cannot tell two sign-ins of the
 * same second apart). In AWS, `origin_jti`: the app client revokes tokens, so each sign-in
 * has one, kept by every token its refresh token mints. cognito-local issues none; there,
 * the `event_id` of the sign-in or refresh that minted the token (its access and id tokens
 * share it), and the hub records it again at each refresh. `jti` as a last resort.
 */
export function sessionIdOf(claims: Record<string, unknown>): string | undefined {
  for (const name of ['origin_jti', 'event_id', 'jti']) {
    const value = claims[name];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

/** The session of a token's claims (as Cognito issues them, or as API Gateway passes them). */
export const tokenSessionOf = (claims: Record<string, unknown>): TokenSession => ({
  authTime:
    claims.auth_time === undefined && claims.iat === undefined
      ? Number.NaN
      : Number(claims.auth_time ?? claims.iat),
  sessionId: sessionIdOf(claims),
});

/**
 * Whether a token still counts: Cognito cannot revoke an access token it has issued, so
 * every token signed in (auth_time) at or before `tokensValidAfter` is refused — sign-out,
 * suspension, password reset — except those of the one session that changed the password
 * itself, told apart by its session id, never by its second.
 */
export function tokenStillValid(
  user: Pick<User, 'tokensValidAfter' | 'keptSession'>,
  token: TokenSession,
): boolean {
  if (!Number.isFinite(token.authTime)) return false;
  if (token.authTime > user.tokensValidAfter) return true;
  return user.keptSession !== undefined && token.sessionId === user.keptSession;
}

/** WEAK_PASSWORD before Cognito is asked, naming each rule the password breaks. */
export function weakPasswordCheck(password: string, path: string) {
  const problems = passwordProblems(password);
  if (problems.length)
    throw new ProblemError('WEAK_PASSWORD', `The password ${problems.join(', ')}`, {
      errors: problems.map((message) => ({ path, message })),
    });
}
