/**
 * The API's one CORS configuration. CDK hands it to API Gateway (the HTTP API's
 * corsPreflight) and the local API server plays API Gateway with it, so a browser meets the
 * same rules on a laptop as in AWS. The origins are not here: they are settings
 * (hub:allowedOrigins and the deployed console in AWS, the local console's address locally).
 *
 * Credentials are never allowed: no cookie carries anything, the access token travels in
 * the Authorization header, which a page may send because it is listed below.
 */
export const cors = {
  /** Request headers a page may send: the access token, JSON bodies, idempotent creates. */
  allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  /**
   * Answer headers a page may read besides the CORS-safelisted ones: how long to wait after
   * a 429 (or an idempotent request still in progress), and whether an answer is a replay.
   */
  exposeHeaders: ['retry-after', 'idempotent-replayed'],
  /** How long a browser may reuse a preflight's answer before asking again. */
  maxAgeSeconds: 600,
} as const;

export type CorsMethod = (typeof cors.allowMethods)[number];
