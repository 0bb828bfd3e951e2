import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../functions/core/errors.js';
import {
  activeAdminDelta,
  assertNotSelf,
  assertSitesEligible,
  changedFields,
  isActiveAdmin,
  statusAfterRestore,
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

  it('refuses tokens signed in at or before tokensValidAfter, except the kept session', () => {
    const user = { tokensValidAfter: 1000, keptAuthTime: 900 };
    expect(tokenStillValid(user, 1001)).toBe(true);
    expect(tokenStillValid(user, 1000)).toBe(false);
    expect(tokenStillValid(user, 999)).toBe(false);
    expect(tokenStillValid(user, 900)).toBe(true);
    expect(tokenStillValid(user, Number.NaN)).toBe(false);
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
