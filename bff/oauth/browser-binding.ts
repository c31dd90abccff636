import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/**
 * Binds a connect attempt to the browser that opened its start link. The start link sets a random nonce as
 * an HttpOnly, SameSite=Lax cookie (Secure on https) scoped to /v1/oauth/ and living as long as the attempt;
 * the signed state carries only the nonce's hash. The callback completes nothing unless the browser loading
 * it presents the nonce: someone holding a leaked state and their own code, in their own browser, gets a
 * refusal, and the attempt stays open for its rightful browser. Lax, because the callback is a top-level
 * navigation back from Intuit (a cross-site GET), which Lax cookies accompany and Strict ones would not.
 * One cookie per attempt (named from the attempt id), so two tabs connecting at once do not overwrite each other.
 */
export function bindBrowser(c: Context, attemptId: string, expiresAt: Date, now: Date): string {
  const nonce = randomBytes(32).toString('base64url');
  setCookie(c, cookieName(attemptId), nonce, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c),
    path: '/v1/oauth/',
    maxAge: Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000)),
  });
  return digest(nonce);
}

/** Whether the browser loading the callback is the one that opened the start link of this attempt. */
export function isSameBrowser(c: Context, attemptId: string, binding: string): boolean {
  const nonce = getCookie(c, cookieName(attemptId));
  if (!nonce) return false;
  const presented = Buffer.from(digest(nonce));
  const expected = Buffer.from(binding);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

function cookieName(attemptId: string): string {
  return `ll_oauth_${createHash('sha256').update(attemptId).digest('base64url').slice(0, 16)}`;
}

function digest(nonce: string): string {
  return createHash('sha256').update(nonce).digest('base64url');
}

/** https as the browser sees it: this request's URL, or the public URL when a proxy terminates TLS. */
function isHttps(c: Context): boolean {
  const deps = c.get('deps') as { config: { publicUrl: string } } | undefined;
  return new URL(c.req.url).protocol === 'https:' || Boolean(deps?.config.publicUrl.startsWith('https:'));
}
