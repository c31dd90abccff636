import OAuthClient from 'intuit-oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, consent, listen, type Listening } from './listen.ts';

// intuit-oauth keeps its endpoints in static fields; this file runs in its own worker, so pointing them at the
// sandbox here cannot leak into other test files.
describe('intuit-oauth against the sandbox', () => {
  let server: Listening;
  let client: OAuthClient;
  const redirectUri = 'http://localhost:5173/callback';

  beforeAll(async () => {
    server = await listen();
    client = new OAuthClient({ clientId: 'ledgerlink-dev', clientSecret: 'ledgerlink-dev-secret', environment: 'sandbox', redirectUri });
    client.setAuthorizeURLs({
      authorizeEndpoint: `${server.url}/qbo/connect/oauth2`,
      tokenEndpoint: `${server.url}/qbo/oauth2/v1/tokens/bearer`,
      revokeEndpoint: `${server.url}/qbo/v2/oauth2/tokens/revoke`,
      userInfoEndpoint: `${server.url}/qbo/v1/openid_connect/userinfo`,
    });
    OAuthClient.environment = { sandbox: `${server.url}/qbo/`, production: `${server.url}/qbo/` };
    OAuthClient.jwks_uri = `${server.url}/qbo/op/v1/jwks`;
    OAuthClient.retryConfig.maxRetries = 0;
  });
  afterAll(() => server.close());

  it('connects, calls the API, rotates the refresh token and revokes', async () => {
    const authorizeUri = client.authorizeUri({ scope: [OAuthClient.scopes.Accounting, OAuthClient.scopes.OpenId, OAuthClient.scopes.Email], state: 'state-123' });
    expect(authorizeUri.startsWith(`${server.url}/qbo/connect/oauth2?`)).toBe(true);
    const callback = await consent(authorizeUri, ACME);
    const callbackUrl = new URL(callback);
    expect(callbackUrl.origin + callbackUrl.pathname).toBe(redirectUri);
    expect(callbackUrl.searchParams.get('state')).toBe('state-123');
    expect(callbackUrl.searchParams.get('realmId')).toBe(ACME);

    const created = await client.createToken(callback);
    const first = created.getJson() as Record<string, unknown>;
    expect(first).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 8726400 });
    expect(client.getToken().realmId).toBe(ACME);
    expect(client.isAccessTokenValid()).toBe(true);
    expect(await client.validateIdToken()).toBe(true);

    const info = await client.makeApiCall({ url: `v3/company/${ACME}/companyinfo/${ACME}?minorversion=75` });
    expect((info.json as { CompanyInfo: { CompanyName: string } }).CompanyInfo.CompanyName).toBe('Acme Landscaping LLC');

    const user = await client.getUserInfo();
    expect((user.getJson() as { email: string }).email).toContain('@');

    const oldRefresh = String(first['refresh_token']);
    // Intuit ("Validity of Refresh Token"): within a day of issue a refresh hands back the same refresh token...
    const sameDay = (await client.refresh()).getJson() as Record<string, unknown>;
    expect(sameDay['refresh_token']).toBe(oldRefresh);
    // ...after that a new one, and the one it replaces stops working at once.
    await server.control('POST', '/clock', { advance_seconds: 24 * 3600 + 60 });
    const nextDay = (await client.refresh()).getJson() as Record<string, unknown>;
    expect(nextDay['refresh_token']).not.toBe(oldRefresh);
    await expect(client.refreshUsingToken(oldRefresh)).rejects.toThrow();
    await client.refreshUsingToken(String(nextDay['refresh_token']));

    await client.revoke();
    await expect(client.makeApiCall({ url: `v3/company/${ACME}/companyinfo/${ACME}` })).rejects.toThrow();
    const stats = await server.control<Record<string, number>>('GET', `/qbo/companies/${ACME}/stats`);
    expect(stats).toMatchObject({ token_grants: 1, revocations: 1 });
    expect(stats['refreshes']).toBeGreaterThanOrEqual(3);
  });

  it('refuses a reused authorization code with invalid_grant', async () => {
    const callback = await consent(client.authorizeUri({ scope: [OAuthClient.scopes.Accounting], state: 's' }), ACME);
    await client.createToken(callback);
    const second = await client.createToken(callback).then(
      () => null,
      (error: { authResponse?: { json?: unknown } }) => error,
    );
    expect(second?.authResponse?.json).toEqual({ error_description: 'Token invalid', error: 'invalid_grant' });
  });
});
