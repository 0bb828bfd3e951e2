/**
 * The security headers the web console is served with: in AWS by CloudFront's response
 * headers policy, locally by the console server of `npm start`. One list, so the local
 * console behaves as the deployed one (a page that would break under the CSP in AWS
 * breaks in the Playwright tests too).
 */

/** sha256 of the text of React Aria's `react-aria-pressable-style` element. */
export const reactAriaPressableStyleHash = 'sha256-38RhXrc7EdReTKsOm23ZPOCUgniTUUcjky8QOOrQx6o=';

/** The Content-Security-Policy directives; `apiOrigin` is where the console calls the API. */
export function consoleContentSecurityPolicy(apiOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React Aria adds one <style> of its own (touch-action on pressable elements, against
    // the tap delay); its hash lets exactly that rule in. A React Aria upgrade that changes
    // it shows as a CSP violation in the console's browser tests.
    `style-src 'self' '${reactAriaPressableStyleHash}'`,
    // Pictures are fetched with the user's token and shown from blob: URLs.
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self' ${apiOrigin}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const strictTransportSecurity = 'max-age=63072000; includeSubDomains; preload';
export const referrerPolicy = 'strict-origin-when-cross-origin';

/** Every header, by name, as the local console server sends them. */
export function consoleSecurityHeaders(apiOrigin: string): Record<string, string> {
  return {
    'content-security-policy': consoleContentSecurityPolicy(apiOrigin),
    'strict-transport-security': strictTransportSecurity,
    'x-content-type-options': 'nosniff',
    'referrer-policy': referrerPolicy,
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
}
