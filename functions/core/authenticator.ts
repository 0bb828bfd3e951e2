/** Authenticator apps (TOTP, RFC 6238): what the hub tells an app about a new secret. */

/** The name an authenticator app shows beside the account. */
export const authenticatorIssuer = 'School Support Hub';

/**
 * The otpauth:// link an authenticator app understands (Key Uri Format): Cognito's codes are
 * HMAC-SHA1, 6 digits, every 30 seconds.
 */
export const otpauthUri = (email: string, secret: string) =>
  `otpauth://totp/${encodeURIComponent(`${authenticatorIssuer}:${email}`)}?${new URLSearchParams({
    secret,
    issuer: authenticatorIssuer,
    algorithm: 'SHA1',
    digits: '6',
    period: '30',
  })}`;

/** The access token of a request's `Authorization: Bearer …` header. */
export const bearerTokenOf = (headers: Record<string, string | undefined>) =>
  /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
