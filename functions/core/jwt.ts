/**
 * Reads the claims of a token that Cognito has just handed us. No signature check: this is
 * only for tokens received straight from Cognito, never for tokens a client sent.
 */
export function claimsOfFreshToken(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('Not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
