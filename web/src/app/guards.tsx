/** Pages for signed-in people only, and pages for administrators (coordinators, support). */
import type { ReactNode } from 'react';
import { Redirect, useLocation, useSearch } from 'wouter';
import { ErrorState, LoadingState } from '../components/states';
import { t } from '../i18n';
import { useSession } from '../session/session';

export function RequireSignIn({ children }: { children: ReactNode }) {
  const { signedIn, me, meError } = useSession();
  const [location] = useLocation();
  const search = useSearch();
  if (!signedIn) {
    const next =
      location === '/'
        ? ''
        : `?next=${encodeURIComponent(location + (search ? `?${search}` : ''))}`;
    return <Redirect to={`/sign-in${next}`} replace />;
  }
  if (meError) return <ErrorState error={meError} />;
  if (!me) return <LoadingState label={t.common.loadingAccount} />;
  return children;
}

export function RequireAdministrator({ children }: { children: ReactNode }) {
  const { isAdministrator } = useSession();
  if (!isAdministrator) return <Redirect to="/" replace />;
  return children;
}

/** Where a user lands after signing in. */
export function homePath(me: { centreId: string; isAdmin: boolean }): string {
  if (!me.centreId) return '/support';
  if (me.isAdmin) return `/centres/${me.centreId}/users`;
  return '/profile';
}

/**
 * The page to return to after signing in, from `?next=`: only a path of this console, never
 * another site (an open redirect would let a phishing link borrow the hub's sign-in page).
 */
export function safeNextPath(search: string): string | null {
  const next = new URLSearchParams(search).get('next');
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
    return null;
  return next;
}
