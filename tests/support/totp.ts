/** Authenticator codes for tests (RFC 6238; the implementation is infra/local/totp.ts). */
export { base32Decode, totpCode } from '../../infra/local/totp.js';
