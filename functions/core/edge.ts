/**
 * What the API trusts about the edge in front of it. In AWS with hub:apiDomain, CloudFront
 * (and its WAF) is the API's only door: the execute-api endpoint is disabled, and CloudFront
 * adds a secret header (the origin secret) that a request to API Gateway's regional custom
 * domain made around CloudFront cannot carry. The API then refuses any request without it,
 * and takes the client's IP from the header CloudFront's viewer-request function sets
 * (API Gateway's sourceIp is a CloudFront server). Without an origin secret (the execute-api
 * endpoint, no CloudFront) the request comes straight from the client: its sourceIp is the
 * client, and the edge headers mean nothing and are ignored.
 */
import { timingSafeEqual } from 'node:crypto';

export const edgeHeaders = {
  /** Set by CloudFront as an origin custom header; dropped from the viewer's request. */
  originSecret: 'x-hub-origin-secret',
  /** Set by the distribution's viewer-request function from `event.viewer.ip`. */
  viewerIp: 'x-hub-viewer-ip',
} as const;

/** The environment variable that carries the origin secret (empty or unset: no CloudFront). */
export const originSecretVariable = 'HUB_ORIGIN_SECRET';

export interface EdgeRequest {
  headers?: Record<string, string | undefined>;
  requestContext?: { http?: { sourceIp?: string } };
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Whether the request may be served, and who the client is. `viaEdge: false` with a secret
 * configured means the request went around CloudFront: refuse it.
 */
export function edgeOf(
  event: EdgeRequest,
  originSecret: string | undefined,
): { viaEdge: boolean; clientIp: string } {
  const sourceIp = event.requestContext?.http?.sourceIp ?? '';
  if (!originSecret) return { viaEdge: true, clientIp: sourceIp };
  const given = event.headers?.[edgeHeaders.originSecret];
  if (typeof given !== 'string' || !sameSecret(given, originSecret))
    return { viaEdge: false, clientIp: sourceIp };
  const viewerIp = event.headers?.[edgeHeaders.viewerIp]?.trim();
  return { viaEdge: true, clientIp: viewerIp || sourceIp };
}
