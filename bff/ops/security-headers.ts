import type { Context } from 'hono';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { SecurityValues } from '../http/answer.ts';

/** The paths this server answers for itself; routes an embedding adds (the demo host, the sandboxes) set their own. */
const ownPaths = /^\/(v1\/|widget\/|healthz$|readyz$|metrics$|openapi\.json$)/;

/**
 * Security headers on every answer of the BFF's own routes (the request pipeline, bff/http/pipeline.ts, writes
 * them), for its HTML pages above all (the OAuth start and callback pages, the Disconnect URL page):
 * - Content-Security-Policy: nothing loads but the page's own inline script and style, which carry this
 *   response's nonce; `frame-ancestors 'none'` (and X-Frame-Options DENY for old browsers) so no site can
 *   frame a consent or result page to trick a click; no base URI, no form posts.
 * - Referrer-Policy: no-referrer, so the callback URL (code, state) never leaves in a Referer header.
 * - X-Content-Type-Options: nosniff, so JSON and the widget bundle are never run as something else.
 * Deliberately off: Cross-Origin-Opener-Policy (the popup's result page posts to `window.opener`, the host's
 * page on another origin) and Cross-Origin-Resource-Policy (the widget bundle and API are read cross-origin
 * under CORS). HSTS only when the public URL is https.
 */
export function securityValues(config: Pick<Config, 'publicUrl'>): SecurityValues {
  // Every header but the policy is the same on every answer: built once, not per request.
  const fixed: [string, string][] = [
    ['Origin-Agent-Cluster', '?1'],
    ['Referrer-Policy', 'no-referrer'],
    ...(config.publicUrl.startsWith('https:') ? [['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'] as [string, string]] : []),
    ['X-Content-Type-Options', 'nosniff'],
    ['X-DNS-Prefetch-Control', 'off'],
    ['X-Download-Options', 'noopen'],
    ['X-Frame-Options', 'DENY'],
    ['X-Permitted-Cross-Domain-Policies', 'none'],
    ['X-XSS-Protection', '0'],
  ];
  return {
    fixed,
    fixedObject: Object.fromEntries(fixed.map(([name, value]) => [name.toLowerCase(), value])),
    // A page that asked for a nonce may run its own inline script and style; any other answer (JSON above
    // all) may run none: one random nonce per page, none spent on the answers no browser renders.
    policyFor(c) {
      const nonce = (c as Context<NonceEnv>).get(NONCE_KEY);
      return nonce ? policy(`'nonce-${nonce}'`) : NO_SCRIPT_POLICY;
    },
  };
}

/** Whether a path is one of this server's own (they get the headers); routes an embedding adds set their own. */
export function isOwnPath(path: string): boolean {
  return ownPaths.test(path);
}

type NonceEnv = { Variables: { [NONCE_KEY]?: string } };
const NONCE_KEY = 'secureHeadersNonce';

function policy(scripts: string): string {
  return `default-src 'none'; script-src ${scripts}; style-src ${scripts}; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

const NO_SCRIPT_POLICY = policy("'none'");

/**
 * The nonce this response's Content-Security-Policy allows inline script and style with, made on first
 * call: a route that renders a page calls it, and the policy sent with its answer names it.
 */
export function pageNonce(c: Context): string {
  const scoped = c as Context<NonceEnv>;
  let nonce = scoped.get(NONCE_KEY);
  if (!nonce) scoped.set(NONCE_KEY, (nonce = randomBytes(16).toString('base64')));
  return nonce;
}
