import OAuthClient from 'intuit-oauth';
import type { QboEndpoints } from './endpoints.ts';

/** A token set as Intuit's token endpoint returns it. */
export interface QboTokenSet {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  x_refresh_token_expires_in?: number;
  token_type?: string;
  id_token?: string;
}

/** Why a token call failed: `invalid_grant` means a person must reconnect; anything else may pass. */
export class QboGrantError extends Error {
  constructor(
    readonly kind: 'invalid_grant' | 'transient' | 'other',
    message: string,
  ) {
    super(message);
    this.name = 'QboGrantError';
  }
}

/**
 * The token endpoint did not answer within our deadline. Intuit may still answer, and that answer may carry a
 * rotated refresh token (after which the stored one dies), so the call is not forgotten: `late` settles with it.
 */
export class TokenDeadlineError extends QboGrantError {
  constructor(
    message: string,
    readonly late: Promise<QboTokenSet>,
  ) {
    super('transient', message);
    this.name = 'TokenDeadlineError';
  }
}

/**
 * How long a refresh may take before the caller gives up on it: the library's own retries (1 s, 2 s, 4 s on 5xx)
 * fit, and it stays well inside the 30 s refresh lease, so a slow answer never outlives the lease that guards it.
 */
export const TOKEN_DEADLINE_MS = 20_000;

export const qboScopes = [OAuthClient.scopes.Accounting, OAuthClient.scopes.OpenId, OAuthClient.scopes.Profile, OAuthClient.scopes.Email];

/**
 * Intuit's OAuth through their own client library (it knows Intuit's quirks and retries 408/429/5xx).
 * intuit-oauth keeps endpoint URLs in static fields, so pointing it at a sandbox is process-wide; a
 * deployment talks to one QuickBooks, so that is fine. Each call uses a fresh client: the library's
 * clients hold a token, and ours are shared by concurrent requests.
 */
export class QboOAuth {
  /** How long a token call may take (TOKEN_DEADLINE_MS unless the constructor, or a test, says otherwise). */
  tokenDeadlineMs: number;

  constructor(
    readonly endpoints: QboEndpoints,
    options: { tokenDeadlineMs?: number } = {},
  ) {
    this.tokenDeadlineMs = options.tokenDeadlineMs ?? TOKEN_DEADLINE_MS;
  }

  #client(): OAuthClient {
    const client = new OAuthClient({
      clientId: this.endpoints.clientId,
      clientSecret: this.endpoints.clientSecret,
      environment: this.endpoints.environment,
      redirectUri: this.endpoints.redirectUri,
    });
    client.setAuthorizeURLs({
      authorizeEndpoint: this.endpoints.authorize,
      tokenEndpoint: this.endpoints.token,
      revokeEndpoint: this.endpoints.revoke,
      userInfoEndpoint: this.endpoints.userInfo,
    });
    OAuthClient.environment[this.endpoints.environment] = this.endpoints.api;
    return client;
  }

  authorizeUrl(state: string): string {
    return this.#client().authorizeUri({ scope: qboScopes, state });
  }

  /**
   * Exchanges the callback's code. Codes are single use: call once per callback, never retry on invalid_grant.
   * Bounded by the same deadline as a refresh, so a hung token endpoint cannot hold the popup open: a late
   * answer is dropped (the person connects again; the orphaned grant lapses unused).
   */
  async exchangeCode(code: string, realmId: string): Promise<QboTokenSet> {
    const query = new URLSearchParams({ code, realmId });
    return this.#withinDeadline(this.#call((client) => client.createToken(`${this.endpoints.redirectUri}?${query}`)));
  }

  /**
   * Refreshes within `tokenDeadlineMs`. intuit-oauth sets no timeout of its own (a hung token endpoint would hold
   * the caller, and the refresh lease, forever), so past the deadline this throws a TokenDeadlineError whose
   * `late` promise still carries the answer.
   */
  async refresh(refreshToken: string): Promise<QboTokenSet> {
    return this.#withinDeadline(this.#call((client) => client.refreshUsingToken(refreshToken)));
  }

  async #withinDeadline(call: Promise<QboTokenSet>): Promise<QboTokenSet> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TokenDeadlineError(`QuickBooks sign-in service did not answer within ${this.tokenDeadlineMs / 1000} s`, call)), this.tokenDeadlineMs);
    });
    try {
      return await Promise.race([call, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Revokes the grant (a refresh token revokes the whole authorization). */
  async revoke(token: string): Promise<void> {
    await this.#call((client) => client.revoke({ refresh_token: token }));
  }

  async #call(run: (client: OAuthClient) => Promise<unknown>): Promise<QboTokenSet> {
    try {
      const response = (await run(this.#client())) as { json?: QboTokenSet } | undefined;
      return response?.json as QboTokenSet;
    } catch (error) {
      throw toGrantError(error);
    }
  }
}

function toGrantError(error: unknown): QboGrantError {
  const failure = error as { error?: unknown; message?: string; authResponse?: { response?: { status?: number } } };
  const code = typeof failure.error === 'string' ? failure.error : '';
  const status = failure.authResponse?.response?.status;
  if (code === 'invalid_grant') return new QboGrantError('invalid_grant', 'QuickBooks no longer accepts this connection (invalid_grant)');
  if (status === undefined || status === 429 || status >= 500) {
    return new QboGrantError('transient', `QuickBooks sign-in service unavailable: ${failure.message ?? code}`);
  }
  return new QboGrantError('other', `QuickBooks refused the token request: ${code || failure.message}`);
}
