import { describe, expect, it } from 'vitest';
import { GrantStore, ROTATION_GRACE_MS, type TokenSet } from './grants.ts';

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

  it('rotates refresh tokens and keeps the old one for 24 hours', () => {
    const store = new GrantStore();
    const first = connect(store);
    const second = store.refresh(first.refresh_token, 'app', T0 + 1000);
    if (typeof second === 'string') throw new Error(second);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(typeof store.refresh(first.refresh_token, 'app', T0 + 1000 + ROTATION_GRACE_MS - 1)).toBe('object');
    expect(store.refresh(first.refresh_token, 'app', T0 + 1000 + ROTATION_GRACE_MS)).toBe('invalid_grant');
    expect(typeof store.refresh(second.refresh_token, 'app', T0 + 1000 + ROTATION_GRACE_MS)).toBe('object');
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
