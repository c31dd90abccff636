import type { Context, MiddlewareHandler } from 'hono';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import type { Config } from '../config.ts';

/** The paths this server answers for itself; routes an embedding adds (the demo host, the sandboxes) set their own. */
const ownPaths = /^\/(v1\/|widget\/|healthz$|readyz$|metrics$|openapi\.json$)/;

/**
 * Security headers on every answer of the BFF's own routes, for its HTML pages above all (the OAuth start and
 * callback pages, the Disconnect URL page):
 * - Content-Security-Policy: nothing loads but the page's own inline script and style, which carry this
 *   response's nonce; `frame-ancestors 'none'` (and X-Frame-Options DENY for old browsers) so no site can
 *   frame a consent or result page to trick a click; no base URI, no form posts.
 * - Referrer-Policy: no-referrer, so the callback URL (code, state) never leaves in a Referer header.
 * - X-Content-Type-Options: nosniff, so JSON and the widget bundle are never run as something else.
 * Deliberately off: Cross-Origin-Opener-Policy (the popup's result page posts to `window.opener`, the host's
 * page on another origin) and Cross-Origin-Resource-Policy (the widget bundle and API are read cross-origin
 * under CORS). HSTS only when the public URL is https.
 */
export function securityHeaders(config: Pick<Config, 'publicUrl'>): MiddlewareHandler {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: [NONCE],
      styleSrc: [NONCE],
      imgSrc: ["'self'", 'data:'],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    strictTransportSecurity: config.publicUrl.startsWith('https:'),
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
  });
  return async function securityHeadersForOwnRoutes(c, next) {
    if (!ownPaths.test(c.req.path)) return next();
    return headers(c, next);
  };
}

/** The nonce this response's Content-Security-Policy allows inline script and style with. */
export function pageNonce(c: Context): string | undefined {
  return (c as Context<{ Variables: { secureHeadersNonce?: string } }>).get('secureHeadersNonce');
}
