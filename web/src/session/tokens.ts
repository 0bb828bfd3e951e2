/**
 * The signed-in session's tokens, held in memory only: never in localStorage or
 * sessionStorage, where any script on the page could read them. A reload signs the user
 * out; that is the price of keeping tokens out of storage (see README, "The console").
 */
import type { components } from '../api/schema';

export type Tokens = components['schemas']['Tokens'];

/** Why the last session ended, in plain words on the sign-in page. */
export type EndReason = 'ended' | 'signed-out';

interface Held {
  accessToken: string;
  refreshToken: string | undefined;
  /** Milliseconds since the epoch when the access token stops working. */
  expiresAt: number;
}

let held: Held | null = null;
let endReason: EndReason | null = null;
/** Set while the user signs out: whatever ends the session meanwhile, the user ended it. */
let ending: EndReason | null = null;
const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};

export const tokenStore = {
  accessToken: () => held?.accessToken ?? null,
  refreshToken: () => held?.refreshToken ?? null,
  expiresAt: () => held?.expiresAt ?? 0,
  isSignedIn: () => held !== null,
  /** New tokens from sign-in or refresh; a refresh answer keeps the refresh token it had. */
  set(tokens: Tokens) {
    held = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken ?? held?.refreshToken,
      expiresAt: Date.now() + tokens.expiresIn * 1000,
    };
    endReason = null;
    notify();
  },
  /**
   * The user is signing out: a request refused meanwhile (its token was just revoked) ends
   * the session as the user's own sign-out, not as one the hub ended.
   */
  signingOut() {
    ending = 'signed-out';
  },
  /** Ends the session (if there is one) and any sign-out under way: a sign-out always ends here. */
  clear(reason: EndReason | null = null) {
    const why = ending ?? reason;
    ending = null;
    if (!held) return;
    held = null;
    endReason = why;
    notify();
  },
  /** Why the last session ended, until the next sign-in. */
  endReason: (): EndReason | null => endReason,
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
