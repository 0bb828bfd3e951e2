import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../functions/core/errors.js';
import {
  activeAdminDelta,
  assertNotSelf,
  assertSitesEligible,
  changedFields,
  isActiveAdmin,
  sessionIdOf,
  statusAfterRestore,
  tokenSessionOf,
  tokenStillValid,
  weakPasswordCheck,
} from '../../functions/core/rules.js';
import { aUser } from './fakes/index.js';

const codeOf = (run: () => void) => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as ProblemError).code;
  }
};

describe('the rules', () => {
  it('counts only coordinators who are active', () => {
    expect(isActiveAdmin(aUser({ isAdmin: true, status: 'active' }))).toBe(true);
    expect(isActiveAdmin(aUser({ isAdmin: true, status: 'invited' }))).toBe(false);
    expect(isActiveAdmin(aUser({ isAdmin: true, status: 'suspended' }))).toBe(false);
    expect(isActiveAdmin(aUser({ isAdmin: false, status: 'active' }))).toBe(false);
  });

  it.each([
    ['demoting an active coordinator', { isAdmin: true }, { isAdmin: false }, -1],
    [
      'suspending an active coordinator',
      { isAdmin: true },
      { isAdmin: true, status: 'suspended' as const },
      -1,
    ],
    ['promoting an active teacher', { isAdmin: false }, { isAdmin: true }, 1],
    [
      'an invited coordinator signing in',
      { isAdmin: true, status: 'invited' as const },
      { isAdmin: true },
      1,
    ],
    ['renaming a coordinator', { isAdmin: true }, { isAdmin: true, name: 'New' }, 0],
  ])('moves the active-coordinator count for %s', (_case, before, after, delta) => {
    const user = aUser({ status: 'active', ...before });
    expect(activeAdminDelta(user, { ...user, status: 'active', ...after })).toBe(delta);
  });

  it('refuses an ineligible site with SITE_NOT_ELIGIBLE, naming it', () => {
    expect(
      codeOf(() => assertSitesEligible(['primary'], ['primary', 'lower-secondary'])),
    ).toBeUndefined();
    expect(codeOf(() => assertSitesEligible(['advanced'], ['primary']))).toBe('SITE_NOT_ELIGIBLE');
  });

  it('refuses acting on yourself with CANNOT_MODIFY_SELF', () => {
    expect(codeOf(() => assertNotSelf({ userId: 'a' }, { userId: 'a' }, 'suspend'))).toBe(
      'CANNOT_MODIFY_SELF',
    );
    expect(
      codeOf(() => assertNotSelf({ userId: 'a' }, { userId: 'b' }, 'suspend')),
    ).toBeUndefined();
  });

  it('restores a user to active only if they ever signed in', () => {
    expect(statusAfterRestore({ activatedAt: '2026-01-01T00:00:00Z' })).toBe('active');
    expect(statusAfterRestore({})).toBe('invited');
  });

  it('refuses tokens signed in at or before tokensValidAfter, except the kept session, told apart by its id', () => {
    const user = { tokensValidAfter: 1000, keptSession: 'kept' };
    const token = (authTime: number, sessionId?: string) => ({ authTime, sessionId });
    expect(tokenStillValid(user, token(1001, 'other'))).toBe(true);
    expect(tokenStillValid(user, token(1000, 'other'))).toBe(false);
    expect(tokenStillValid(user, token(999))).toBe(false);
    expect(tokenStillValid(user, token(900, 'kept'))).toBe(true);
    // Another sign-in in the very second of the kept one is refused: seconds do not decide.
    expect(tokenStillValid(user, token(900, 'other'))).toBe(false);
    expect(tokenStillValid({ tokensValidAfter: 1000 }, token(900))).toBe(false);
    expect(tokenStillValid(user, token(Number.NaN, 'kept'))).toBe(false);
  });

  it("reads a token's session: origin_jti (AWS), else event_id (cognito-local), else jti", () => {
    const claims = { auth_time: '900', origin_jti: 'o', event_id: 'e', jti: 'j' };
    expect(tokenSessionOf(claims)).toEqual({ authTime: 900, sessionId: 'o' });
    expect(tokenSessionOf({ ...claims, origin_jti: undefined })).toEqual({
      authTime: 900,
      sessionId: 'e',
    });
    expect(sessionIdOf({ jti: 'j' })).toBe('j');
    expect(tokenSessionOf({}).authTime).toBeNaN();
  });

  it('names every password rule broken, under the field given', () => {
    try {
      weakPasswordCheck('short', 'newPassword');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemError);
      const problem = (error as ProblemError).toProblem();
      expect(problem.code).toBe('WEAK_PASSWORD');
      expect(problem.errors?.map((e) => e.message)).toEqual([
        'must be at least 10 characters',
        'must contain an uppercase letter',
        'must contain a digit',
      ]);
      expect(new Set(problem.errors?.map((e) => e.path))).toEqual(new Set(['newPassword']));
    }
    expect(
      codeOf(() => weakPasswordCheck('Long-Enough-Password-1', 'newPassword')),
    ).toBeUndefined();
  });

  it('lists before and after of the changed fields only, for the audit log', () => {
    const before = aUser({ sites: ['primary'] });
    expect(changedFields(before, { ...before, sites: [], name: before.name })).toEqual({
      before: { sites: ['primary'] },
      after: { sites: [] },
    });
  });
});
