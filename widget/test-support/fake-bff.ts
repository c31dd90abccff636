/**
 * A stand-in for the BFF inside the browser test page: replaces `fetch` for one base URL, records requests,
 * and answers from a handler. Tests of rendering and token handling need no server; the end-to-end suite
 * (test/e2e) runs the components against the real BFF.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

export type FakeHandler = (request: RecordedRequest) => { status?: number; body?: unknown } | Promise<{ status?: number; body?: unknown }>;

export function installFakeBff(baseUrl: string, handler: FakeHandler) {
  const original = globalThis.fetch;
  const requests: RecordedRequest[] = [];
  globalThis.fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== new URL(baseUrl).origin) return original(input, init);
    const headers = new Headers(init.headers);
    const recorded: RecordedRequest = {
      method: init.method ?? 'GET',
      path: url.pathname + url.search,
      authorization: headers.get('authorization'),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(recorded);
    const answer = await handler(recorded);
    const status = answer.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return {
    requests,
    restore() {
      globalThis.fetch = original;
    },
  };
}

/** A JWT-shaped token whose payload carries `exp` (the widget reads expiry from it; no signature needed here). */
export function fakeToken(expiresInSeconds: number, id = Math.random().toString(36).slice(2)): string {
  const payload = btoa(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + expiresInSeconds, jti: id }))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  return `eyJhbGciOiJIUzI1NiJ9.${payload}.signature`;
}

let counter = 0;
/** A tag name no other test uses, so definitions never collide across tests. */
export function uniqueTag(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}
