import { randomBytes } from 'node:crypto';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const ACCESS_TOKEN_SECONDS = 3600;
/** Intuit's rolling refresh-token lifetime: 101 days (x_refresh_token_expires_in 8726400 in its token responses). */
export const REFRESH_TOKEN_SECONDS = 8_726_400;
/**
 * How long a refresh token's value is kept. Intuit ("Validity of Refresh Token", help.developer.intuit.com; Intuit's
 * answer in intuit/oauth-jsclient#74): refreshing within about 24 hours of receiving a refresh token returns the same
 * value, its expiry counting down; the first refresh after that returns a new value, and "if a new Refresh Token is
 * returned, the previous one expires" - at once, so a client that keeps the old value gets invalid_grant.
 */
export const ROTATION_AFTER_MS = 24 * HOUR;
/**
 * Hard expiry of a consent's refresh tokens: 5 years (Intuit blog "Important changes to refresh token policy",
 * Nov 2025; SDK releases 2026). Refreshing never extends it; x_refresh_token_hard_expires_in reports what is left when
 * the request carries x-include-refresh-token-hard-expires-in: true, and the rolling expiry never reaches past it.
 */
export const HARD_EXPIRY_MS = 5 * 365 * DAY;
const CODE_LIFETIME_MS = 5 * 60_000;

/** One user's consent of one app to one company; every token descends from it and dies with it. */
export interface Grant {
  id: string;
  clientId: string;
  realmId: string;
  scopes: string[];
  createdMs: number;
  alive: boolean;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  realmId: string;
  scopes: string[];
  expiresMs: number;
  used: boolean;
  /** The grant the first exchange created: a second exchange of the code revokes it. */
  grantId?: string;
}

interface AccessToken {
  grantId: string;
  expiresMs: number;
}

interface RefreshToken {
  grantId: string;
  issuedMs: number;
  expiresMs: number;
}

export interface TokenSet {
  grant: Grant;
  access_token: string;
  refresh_token: string;
  expires_in: number;
  x_refresh_token_expires_in: number;
  x_refresh_token_hard_expires_in: number;
}

export type GrantError = 'invalid_grant' | 'invalid_client_for_token';

/** Everything a GrantStore holds, as plain JSON for the sandbox's data directory. */
export interface GrantSnapshot {
  codes: [string, AuthorizationCode][];
  grants: Grant[];
  access: [string, AccessToken][];
  refresh: [string, RefreshToken][];
}

function token(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/**
 * Authorization codes, access tokens and refresh tokens with Intuit's lifetimes and rotation. Time always comes
 * from the caller (the sandbox clock).
 */
export class GrantStore {
  readonly #codes = new Map<string, AuthorizationCode>();
  readonly #grants = new Map<string, Grant>();
  readonly #access = new Map<string, AccessToken>();
  readonly #refresh = new Map<string, RefreshToken>();

  issueCode(input: Omit<AuthorizationCode, 'expiresMs' | 'used'>, nowMs: number): string {
    const code = token('AB11', 36);
    this.#codes.set(code, { ...input, expiresMs: nowMs + CODE_LIFETIME_MS, used: false });
    return code;
  }

  /**
   * Exchanges a code once. A second exchange fails with invalid_grant and, as Intuit does against a replayed code,
   * revokes every token the first exchange issued; an expired code or a different client/redirect URI is invalid_grant.
   */
  redeemCode(code: string, clientId: string, redirectUri: string, nowMs: number): TokenSet | GrantError {
    const entry = this.#codes.get(code);
    if (!entry || entry.used || entry.expiresMs <= nowMs) {
      if (entry) entry.used = true;
      const first = entry?.grantId ? this.#grants.get(entry.grantId) : undefined;
      if (first) first.alive = false;
      return 'invalid_grant';
    }
    if (entry.clientId !== clientId || entry.redirectUri !== redirectUri) return 'invalid_grant';
    entry.used = true;
    const grant: Grant = { id: token('g', 12), clientId, realmId: entry.realmId, scopes: entry.scopes, createdMs: nowMs, alive: true };
    this.#grants.set(grant.id, grant);
    entry.grantId = grant.id;
    return this.#issue(grant, null, nowMs);
  }

  refresh(refreshToken: string, clientId: string, nowMs: number): TokenSet | GrantError {
    const entry = this.#refresh.get(refreshToken);
    const grant = entry ? this.#grants.get(entry.grantId) : undefined;
    if (!entry || !grant || !grant.alive || entry.expiresMs <= nowMs || grant.createdMs + HARD_EXPIRY_MS <= nowMs) return 'invalid_grant';
    if (grant.clientId !== clientId) return 'invalid_client_for_token';
    if (nowMs < entry.issuedMs + ROTATION_AFTER_MS) return this.#issue(grant, refreshToken, nowMs);
    // The value rotates: the old one dies now, not a day later.
    this.#refresh.delete(refreshToken);
    return this.#issue(grant, null, nowMs);
  }

  /** A new access token, with `keep` as the refresh token when its value is not due to rotate yet. */
  #issue(grant: Grant, keep: string | null, nowMs: number): TokenSet {
    const access = token('eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..', 96);
    this.#access.set(access, { grantId: grant.id, expiresMs: nowMs + ACCESS_TOKEN_SECONDS * 1000 });
    const hardEndMs = grant.createdMs + HARD_EXPIRY_MS;
    let refresh = keep;
    let refreshEntry = keep ? this.#refresh.get(keep) : undefined;
    if (!refresh || !refreshEntry) {
      refresh = token('RT1-', 40);
      refreshEntry = { grantId: grant.id, issuedMs: nowMs, expiresMs: Math.min(nowMs + REFRESH_TOKEN_SECONDS * 1000, hardEndMs) };
      this.#refresh.set(refresh, refreshEntry);
    }
    return {
      grant,
      access_token: access,
      refresh_token: refresh,
      expires_in: ACCESS_TOKEN_SECONDS,
      x_refresh_token_expires_in: Math.max(0, Math.floor((refreshEntry.expiresMs - nowMs) / 1000)),
      x_refresh_token_hard_expires_in: Math.max(0, Math.floor((hardEndMs - nowMs) / 1000)),
    };
  }

  /** The live grant behind an access token, or null when unknown, expired or revoked. */
  grantForAccessToken(accessToken: string, nowMs: number): Grant | null {
    const entry = this.#access.get(accessToken);
    if (!entry || entry.expiresMs <= nowMs) return null;
    const grant = this.#grants.get(entry.grantId);
    return grant?.alive ? grant : null;
  }

  /** Revoking either token of a grant ends the whole connection, as Intuit does. */
  revoke(tokenValue: string, clientId: string): Grant | null {
    const grantId = this.#access.get(tokenValue)?.grantId ?? this.#refresh.get(tokenValue)?.grantId;
    const grant = grantId ? this.#grants.get(grantId) : undefined;
    if (!grant || grant.clientId !== clientId || !grant.alive) return null;
    grant.alive = false;
    return grant;
  }

  /** The user removed the app(s) inside QuickBooks: every grant on the company dies. */
  disconnectRealm(realmId: string): number {
    let count = 0;
    for (const grant of this.#grants.values()) {
      if (grant.realmId === realmId && grant.alive) {
        grant.alive = false;
        count++;
      }
    }
    return count;
  }

  /** Live grants on a company (webhook destinations). */
  liveGrants(realmId: string): Grant[] {
    return [...this.#grants.values()].filter((grant) => grant.realmId === realmId && grant.alive);
  }

  snapshot(nowMs: number): GrantSnapshot {
    // Expired codes and tokens, and tokens of dead grants, can never be used again: no need to keep them.
    const alive = (grantId: string) => this.#grants.get(grantId)?.alive === true;
    return {
      codes: [...this.#codes].filter(([, code]) => code.expiresMs > nowMs),
      grants: [...this.#grants.values()],
      access: [...this.#access].filter(([, access]) => access.expiresMs > nowMs && alive(access.grantId)),
      refresh: [...this.#refresh].filter(([, refresh]) => refresh.expiresMs > nowMs && alive(refresh.grantId)),
    };
  }

  restore(snapshot: GrantSnapshot): void {
    this.clear();
    for (const [key, code] of snapshot.codes) this.#codes.set(key, code);
    for (const grant of snapshot.grants) this.#grants.set(grant.id, grant);
    for (const [key, access] of snapshot.access) this.#access.set(key, access);
    for (const [key, refresh] of snapshot.refresh) this.#refresh.set(key, refresh);
  }

  clear(): void {
    this.#codes.clear();
    this.#grants.clear();
    this.#access.clear();
    this.#refresh.clear();
  }
}
