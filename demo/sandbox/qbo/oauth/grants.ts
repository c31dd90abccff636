import { randomBytes } from 'node:crypto';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const ACCESS_TOKEN_SECONDS = 3600;
/** Intuit's rolling refresh-token lifetime: 101 days, renewed by use. */
export const REFRESH_TOKEN_SECONDS = 8_726_400;
/** A rotated refresh token keeps working this long (Intuit: about 24 hours). */
export const ROTATION_GRACE_MS = 24 * HOUR;
/** Hard expiry of a refresh-token chain: 5 years from consent. */
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
}

interface AccessToken {
  grantId: string;
  expiresMs: number;
}

interface RefreshToken {
  grantId: string;
  expiresMs: number;
  /** When a newer refresh token replaced this one; it stays valid for the grace period after. */
  rotatedMs: number | null;
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

  /** Exchanges a code once; a second use, an expired code or a different client/redirect URI is invalid_grant. */
  redeemCode(code: string, clientId: string, redirectUri: string, nowMs: number): TokenSet | GrantError {
    const entry = this.#codes.get(code);
    if (!entry || entry.used || entry.expiresMs <= nowMs) {
      if (entry) entry.used = true;
      return 'invalid_grant';
    }
    if (entry.clientId !== clientId || entry.redirectUri !== redirectUri) return 'invalid_grant';
    entry.used = true;
    const grant: Grant = { id: token('g', 12), clientId, realmId: entry.realmId, scopes: entry.scopes, createdMs: nowMs, alive: true };
    this.#grants.set(grant.id, grant);
    return this.#issue(grant, nowMs);
  }

  refresh(refreshToken: string, clientId: string, nowMs: number): TokenSet | GrantError {
    const entry = this.#refresh.get(refreshToken);
    const grant = entry ? this.#grants.get(entry.grantId) : undefined;
    if (!entry || !grant || !this.#refreshValid(entry, grant, nowMs)) return 'invalid_grant';
    if (grant.clientId !== clientId) return 'invalid_client_for_token';
    if (entry.rotatedMs === null) entry.rotatedMs = nowMs;
    return this.#issue(grant, nowMs);
  }

  #refreshValid(entry: RefreshToken, grant: Grant, nowMs: number): boolean {
    if (!grant.alive || entry.expiresMs <= nowMs || grant.createdMs + HARD_EXPIRY_MS <= nowMs) return false;
    return entry.rotatedMs === null || nowMs < entry.rotatedMs + ROTATION_GRACE_MS;
  }

  #issue(grant: Grant, nowMs: number): TokenSet {
    const access = token('eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..', 96);
    const refresh = token('RT1-', 40);
    this.#access.set(access, { grantId: grant.id, expiresMs: nowMs + ACCESS_TOKEN_SECONDS * 1000 });
    this.#refresh.set(refresh, { grantId: grant.id, expiresMs: nowMs + REFRESH_TOKEN_SECONDS * 1000, rotatedMs: null });
    return {
      grant,
      access_token: access,
      refresh_token: refresh,
      expires_in: ACCESS_TOKEN_SECONDS,
      x_refresh_token_expires_in: REFRESH_TOKEN_SECONDS,
      x_refresh_token_hard_expires_in: Math.max(0, Math.floor((grant.createdMs + HARD_EXPIRY_MS - nowMs) / 1000)),
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

  clear(): void {
    this.#codes.clear();
    this.#grants.clear();
    this.#access.clear();
    this.#refresh.clear();
  }
}
