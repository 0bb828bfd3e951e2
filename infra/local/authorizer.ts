/**
 * What API Gateway's JWT authorizer does in AWS, done locally: the token must be signed by
 * the user pool's key, come from its issuer, be meant for our app client (`client_id` on
 * access tokens, `aud` on id tokens) and not be expired. The claims it passes on are
 * stringified, as API Gateway passes them, so handlers meet the same shapes everywhere.
 */
import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';

export interface LocalAuthorizer {
  /** The claims of a valid bearer token, or undefined. */
  verify(authorization: string | undefined): Promise<Record<string, string> | undefined>;
}

export async function createLocalAuthorizer(options: {
  issuer: string;
  jwksUri: string;
  clientId: string;
}): Promise<LocalAuthorizer> {
  const verifier = JwtRsaVerifier.create({
    issuer: options.issuer,
    jwksUri: options.jwksUri,
    // API Gateway accepts a token whose aud or client_id is one of the audiences.
    audience: null,
    customJwtCheck: ({ payload }) => {
      const audience = payload.client_id ?? payload.aud;
      if (audience !== options.clientId) throw new Error('Token is not for this app client');
    },
  });
  verifier.cacheJwks(await readJwks(options.jwksUri));

  return {
    async verify(authorization) {
      const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(
        authorization?.trim() ?? '',
      );
      if (!match?.[1]) return undefined;
      try {
        const payload = await verifier.verify(match[1]);
        return Object.fromEntries(
          Object.entries(payload).map(([name, value]) => [
            name,
            Array.isArray(value) ? `[${value.join(' ')}]` : String(value),
          ]),
        );
      } catch {
        return undefined;
      }
    },
  };
}

// A fresh connection each time: a pooled keep-alive socket the emulator has just closed
// fails with "other side closed".
async function readJwks(jwksUri: string): Promise<Jwks> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(jwksUri, { headers: { connection: 'close' } });
      if (!response.ok)
        throw new Error(`Could not read the JWKS at ${jwksUri}: ${response.status}`);
      return (await response.json()) as Jwks;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}
