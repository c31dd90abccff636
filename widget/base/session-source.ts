/** What a host's `fetchSessionToken` may return: the token alone, or the whole POST /v1/sessions answer. */
export type SessionTokenResult = string | { token: string; expires_at?: string };
export type FetchSessionToken = () => Promise<SessionTokenResult>;

/** Renew this long before expiry, so a request never leaves with a token that dies in flight. */
const RENEW_MARGIN_MS = 60_000;

/**
 * Supplies the session token for requests. With `fetchSessionToken` it renews before expiry and after a 401
 * (concurrent callers share one renewal); with only a static token it hands that out and lets the server judge.
 */
export class SessionSource {
  #token: string | undefined;
  #expiresAt = 0;
  #inFlight: Promise<string> | undefined;

  constructor(
    private readonly staticToken: () => string | undefined,
    private readonly fetcher: () => FetchSessionToken | undefined,
  ) {}

  async token(): Promise<string> {
    const fetcher = this.fetcher();
    if (!fetcher) {
      const token = this.staticToken();
      if (!token) throw new Error('No session: set the session-token attribute or a fetchSessionToken function');
      return token;
    }
    if (this.#token && this.#expiresAt - Date.now() > RENEW_MARGIN_MS) return this.#token;
    this.#inFlight ??= this.#renew(fetcher).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Forget the cached token (the server said 401); true when a fresh one can be fetched. */
  invalidate(): boolean {
    this.#token = undefined;
    this.#expiresAt = 0;
    return this.fetcher() !== undefined;
  }

  async #renew(fetcher: FetchSessionToken): Promise<string> {
    const result = await fetcher();
    const token = typeof result === 'string' ? result : result.token;
    if (typeof token !== 'string' || token.length === 0) throw new Error('fetchSessionToken returned no token');
    const expiresAt = typeof result === 'string' ? undefined : result.expires_at;
    this.#token = token;
    this.#expiresAt = expiresAt ? Date.parse(expiresAt) : expiryOf(token);
    return token;
  }
}

/** The `exp` claim of a JWT in ms, or "now" when unreadable (then every call renews: slow, never wrong). */
export function expiryOf(token: string): number {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof json.exp === 'number' ? json.exp * 1000 : Date.now();
  } catch {
    return Date.now();
  }
}
