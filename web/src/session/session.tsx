/**
 * Who is signed in. The API client and the signed-in user (GET /me) are shared through this
 * one context; pages ask `useSession()` rather than holding tokens themselves.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useSyncExternalStore,
} from 'react';
import { type Api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { type Tokens, tokenStore } from './tokens';

export type User = components['schemas']['User'];

export interface Session {
  api: Api;
  signedIn: boolean;
  /** The signed-in user, once GET /me has answered. */
  me: User | undefined;
  meError: unknown;
  /** Support staff have no centre of their own and may open any centre. */
  isSupport: boolean;
  /** Coordinators (admin rights) and support see Administration. */
  isAdministrator: boolean;
  signIn(tokens: Tokens): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export const meQueryKey = ['me'] as const;

export function SessionProvider({ api, children }: { api: Api; children: ReactNode }) {
  const queryClient = useQueryClient();
  const signedIn = useSyncExternalStore(tokenStore.subscribe, tokenStore.isSignedIn);

  const me = useQuery({
    queryKey: meQueryKey,
    queryFn: async () => unwrap(await api.GET('/me')),
    enabled: signedIn,
    staleTime: 60_000,
  });

  // Whatever ended the session (sign-out, suspension, a revoked token), nothing of the
  // previous user's data stays in the cache for the next one.
  useEffect(() => {
    if (!signedIn) queryClient.clear();
  }, [signedIn, queryClient]);

  // Refresh shortly before the access token expires, so an open page keeps working.
  useEffect(() => {
    if (!signedIn) return;
    let timer: ReturnType<typeof setTimeout>;
    const schedule = () => {
      const wait = Math.max(5_000, tokenStore.expiresAt() - Date.now() - 60_000);
      timer = setTimeout(async () => {
        if (!(await api.refresh())) tokenStore.clear('ended');
        else schedule();
      }, wait);
    };
    schedule();
    return () => clearTimeout(timer);
  }, [signedIn, api]);

  const signIn = useCallback((tokens: Tokens) => tokenStore.set(tokens), []);
  const signOut = useCallback(async () => {
    // A request still running when the logout revokes the tokens is refused with 401 and
    // ends the session first: the sign-in page must still say the user signed out.
    tokenStore.signingOut();
    try {
      await api.POST('/auth/logout');
    } finally {
      tokenStore.clear('signed-out');
    }
  }, [api]);

  const user = signedIn ? me.data : undefined;
  const value = useMemo<Session>(
    () => ({
      api,
      signedIn,
      me: user,
      meError: me.error,
      isSupport: user !== undefined && !user.centreId,
      isAdministrator: user !== undefined && (user.isAdmin || !user.centreId),
      signIn,
      signOut,
    }),
    [api, signedIn, user, me.error, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export const useApi = () => useSession().api;
