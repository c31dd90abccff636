import { describe, expect, it } from 'vitest';
import { GrantStore, HARD_EXPIRY_MS, REFRESH_TOKEN_SECONDS, ROTATION_AFTER_MS, type TokenSet } from './grants.ts';

const T0 = Date.UTC(2026, 0, 1);

function connect(store: GrantStore): TokenSet {
  const code = store.issueCode({ clientId: 'app', redirectUri: 'http://localhost/cb', realmId: 'r1', scopes: ['com.intuit.quickbooks.accounting'] }, T0);
  const tokens = store.redeemCode(code, 'app', 'http://localhost/cb', T0);
  if (typeof tokens === 'string') throw new Error(tokens);
  return tokens;
}

describe('GrantStore', () => {
  it('burns an authorization code on first use', () => {
    const store = new GrantStore();
    const code = store.issueCode({ clientId: 'app', redirectUri: 'http://localhost/cb', realmId: 'r1', scopes: [] }, T0);
    expect(typeof store.redeemCode(code, 'app', 'http://localhost/cb', T0)).toBe('object');
    expect(store.redeemCode(code, 'app', 'http://localhost/cb', T0)).toBe('invalid_grant');
  });

  it('refuses a code for another redirect URI or after five minutes', () => {
    const store = new GrantStore();
    const code = store.issueCode({ clientId: 'app', redirectUri: 'http://localhost/cb', realmId: 'r1', scopes: [] }, T0);
    expect(store.redeemCode(code, 'app', 'http://localhost/other', T0)).toBe('invalid_grant');
    const late = store.issueCode({ clientId: 'app', redirectUri: 'http://localhost/cb', realmId: 'r1', scopes: [] }, T0);
    expect(store.redeemCode(late, 'app', 'http://localhost/cb', T0 + 5 * 60_000 + 1)).toBe('invalid_grant');
  });

  it('expires access tokens after an hour', () => {
    const store = new GrantStore();
    const tokens = connect(store);
    expect(store.grantForAccessToken(tokens.access_token, T0 + 3_599_000)).not.toBeNull();
    expect(store.grantForAccessToken(tokens.access_token, T0 + 3_600_000)).toBeNull();
  });

  it('keeps the refresh token value for 24 hours, then rotates it and kills the old one at once', () => {
    const store = new GrantStore();
    const first = connect(store);
    const same = store.refresh(first.refresh_token, 'app', T0 + 1000);
    if (typeof same === 'string') throw new Error(same);
    // Within a day Intuit answers with the same value, its expiry counting down (oauth-jsclient#74).
    expect(same.refresh_token).toBe(first.refresh_token);
    expect(same.x_refresh_token_expires_in).toBe(REFRESH_TOKEN_SECONDS - 1);
    expect(same.access_token).not.toBe(first.access_token);
    const rotated = store.refresh(first.refresh_token, 'app', T0 + ROTATION_AFTER_MS);
    if (typeof rotated === 'string') throw new Error(rotated);
    expect(rotated.refresh_token).not.toBe(first.refresh_token);
    expect(rotated.x_refresh_token_expires_in).toBe(REFRESH_TOKEN_SECONDS);
    // "If a new Refresh Token is returned, the previous one expires": no grace period.
    expect(store.refresh(first.refresh_token, 'app', T0 + ROTATION_AFTER_MS + 1)).toBe('invalid_grant');
    expect(typeof store.refresh(rotated.refresh_token, 'app', T0 + ROTATION_AFTER_MS + 1)).toBe('object');
  });

  it('never lets the rolling expiry pass the five-year hard expiry of the consent', () => {
    const store = new GrantStore();
    let tokens: TokenSet | string = connect(store);
    const late = T0 + HARD_EXPIRY_MS - 10 * 86_400_000;
    // Refresh every 90 days to keep the chain alive until ten days before the hard expiry.
    for (let at = T0 + 90 * 86_400_000; at <= late; at += 90 * 86_400_000) {
      if (typeof tokens === 'string') throw new Error(tokens);
      tokens = store.refresh(tokens.refresh_token, 'app', at);
    }
    if (typeof tokens === 'string') throw new Error(tokens);
    const last = store.refresh(tokens.refresh_token, 'app', late);
    if (typeof last === 'string') throw new Error(last);
    expect(last.x_refresh_token_expires_in).toBe(last.x_refresh_token_hard_expires_in);
    expect(last.x_refresh_token_hard_expires_in).toBe(10 * 86_400);
    expect(store.refresh(last.refresh_token, 'app', T0 + HARD_EXPIRY_MS)).toBe('invalid_grant');
  });

  it('revokes the tokens of the first exchange when a code is exchanged twice', () => {
    const store = new GrantStore();
    const code = store.issueCode({ clientId: 'app', redirectUri: 'http://localhost/cb', realmId: 'r1', scopes: [] }, T0);
    const tokens = store.redeemCode(code, 'app', 'http://localhost/cb', T0);
    if (typeof tokens === 'string') throw new Error(tokens);
    expect(store.redeemCode(code, 'app', 'http://localhost/cb', T0 + 1000)).toBe('invalid_grant');
    expect(store.grantForAccessToken(tokens.access_token, T0 + 1000)).toBeNull();
    expect(store.refresh(tokens.refresh_token, 'app', T0 + 1000)).toBe('invalid_grant');
  });

  it('kills every token of a company when the user disconnects', () => {
    const store = new GrantStore();
    const tokens = connect(store);
    expect(store.disconnectRealm('r1')).toBe(1);
    expect(store.grantForAccessToken(tokens.access_token, T0)).toBeNull();
    expect(store.refresh(tokens.refresh_token, 'app', T0)).toBe('invalid_grant');
  });

  it('revokes the whole grant from either token, only for its own client', () => {
    const store = new GrantStore();
    const tokens = connect(store);
    expect(store.revoke(tokens.refresh_token, 'someone-else')).toBeNull();
    expect(store.revoke(tokens.refresh_token, 'app')?.realmId).toBe('r1');
    expect(store.grantForAccessToken(tokens.access_token, T0)).toBeNull();
  });
});
