import { Hono, type Context } from 'hono';
import type { QboState } from '../state.ts';
import type { OAuthApp } from './apps.ts';
import { consentPage, errorPage } from './consent-page.ts';
import { ID_TOKEN_ISSUER, jwks, signIdToken } from './id-token.ts';
import { injectTokenFault } from './token-faults.ts';

export const KNOWN_SCOPES = new Set([
  'com.intuit.quickbooks.accounting', 'com.intuit.quickbooks.payment', 'openid', 'profile', 'email', 'phone', 'address',
  'payroll.compensation.read', 'time-tracking.time-entry', 'project-management.project', 'indirect-tax.tax-calculation.quickbooks',
  'app-foundations.custom-dimensions.read', 'app-foundations.custom-field-definitions',
]);

/** The signed-in sandbox user whose consent every grant records. */
const SANDBOX_USER = {
  sub: '7c3f0e1a-5b2d-4e6f-9a8b-1c2d3e4f5a6b',
  email: 'owner@sandbox.example.com',
  emailVerified: true,
  givenName: 'Sandbox',
  familyName: 'Owner',
  phoneNumber: '+1 4155550100',
  phoneNumberVerified: true,
  address: { streetAddress: '2700 Coast Ave', locality: 'Mountain View', region: 'CA', postalCode: '94043', country: 'US' },
};

function redirectWith(uri: string, params: Record<string, string>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

async function formOrJson(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? '';
  const text = await c.req.text();
  if (type.includes('application/json')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** The OAuth 2.0 / OpenID Connect side of Intuit, at Intuit's own paths below /qbo. */
export function oauthRoutes(state: QboState): Hono {
  const app = new Hono();
  const base = `${state.baseUrl.replace(/\/$/, '')}/qbo`;

  /** Checks an authorize request; an unknown client or unregistered redirect URI must not redirect anywhere. */
  const checkAuthorize = (params: Record<string, string | undefined>): { app: OAuthApp; redirectUri: string; scopes: string[] } | { page: string } | { redirect: string } => {
    const client = state.apps.get(params['client_id'] ?? '');
    if (!client) return { page: errorPage('invalid_client', 'The client_id is not registered with this sandbox.') };
    const redirectUri = params['redirect_uri'] ?? '';
    if (!state.apps.redirectAllowed(client, redirectUri)) return { page: errorPage('invalid_request', `The redirect_uri ${redirectUri} is not registered for this app.`) };
    const stateParam = params['state'] ?? '';
    if (params['response_type'] !== 'code') return { redirect: redirectWith(redirectUri, { error: 'unsupported_response_type', state: stateParam }) };
    const scopes = (params['scope'] ?? '').split(/[\s+]+/).filter(Boolean);
    if (scopes.length === 0 || scopes.some((scope) => !KNOWN_SCOPES.has(scope))) return { redirect: redirectWith(redirectUri, { error: 'invalid_scope', state: stateParam }) };
    return { app: client, redirectUri, scopes };
  };

  const grantCode = (client: OAuthApp, redirectUri: string, scopes: string[], realmId: string, stateParam: string) => {
    const code = state.grants.issueCode({ clientId: client.client_id, redirectUri, realmId, scopes }, state.clock.nowMs());
    return redirectWith(redirectUri, { code, state: stateParam, realmId });
  };

  app.get('/connect/oauth2', (c) => {
    const params = c.req.query();
    const checked = checkAuthorize(params);
    if ('page' in checked) return c.html(checked.page, 400);
    if ('redirect' in checked) return c.redirect(checked.redirect, 302);
    const auto = state.settings().auto_approve_realm;
    if (auto) {
      if (!state.companies.has(auto)) return c.html(errorPage('Unknown company', `auto_approve_realm ${auto} is not a sandbox company.`), 400);
      return c.redirect(grantCode(checked.app, checked.redirectUri, checked.scopes, auto, params['state'] ?? ''), 302);
    }
    const companies = [...state.companies.values()].map((company) => ({ realmId: company.realmId, name: company.name, country: company.region.qboCountry, plan: company.plan }));
    return c.html(
      consentPage({
        appName: checked.app.client_id === 'ledgerlink-dev' ? 'Ledgerlink (development)' : checked.app.client_id,
        scopes: checked.scopes,
        companies,
        action: `${base}/connect/oauth2`,
        hidden: { client_id: params['client_id'] ?? '', redirect_uri: checked.redirectUri, scope: checked.scopes.join(' '), state: params['state'] ?? '', response_type: 'code' },
      }),
    );
  });

  app.post('/connect/oauth2', async (c) => {
    const form = await formOrJson(c);
    const checked = checkAuthorize(form);
    if ('page' in checked) return c.html(checked.page, 400);
    if ('redirect' in checked) return c.redirect(checked.redirect, 302);
    if (form['decision'] !== 'allow') return c.redirect(redirectWith(checked.redirectUri, { error: 'access_denied', state: form['state'] ?? '' }), 302);
    const realmId = form['realm_id'] ?? '';
    if (!state.companies.has(realmId)) return c.html(errorPage('Choose a company', 'Pick one of the listed companies to connect.'), 400);
    return c.redirect(grantCode(checked.app, checked.redirectUri, checked.scopes, realmId, form['state'] ?? ''), 302);
  });

  app.post('/oauth2/v1/tokens/bearer', async (c) => {
    const client = state.apps.authenticate(c.req.header('authorization'));
    if (!client) return c.json({ error: 'invalid_client' }, 401);
    const form = await formOrJson(c);
    const injected = await injectTokenFault(state, c, form['grant_type']);
    if (injected) return injected;
    const now = state.clock.nowMs();
    let result;
    if (form['grant_type'] === 'authorization_code') {
      if (!form['code'] || !form['redirect_uri']) return c.json({ error: 'invalid_request' }, 400);
      result = state.grants.redeemCode(form['code'], client.client_id, form['redirect_uri'], now);
      if (typeof result !== 'string') state.stats(result.grant.realmId).tokenGrants++;
    } else if (form['grant_type'] === 'refresh_token') {
      if (!form['refresh_token']) return c.json({ error: 'invalid_request' }, 400);
      result = state.grants.refresh(form['refresh_token'], client.client_id, now);
      if (typeof result !== 'string') state.stats(result.grant.realmId).refreshes++;
    } else {
      return c.json({ error: 'unsupported_grant_type' }, 400);
    }
    if (result === 'invalid_grant') return c.json({ error_description: 'Token invalid', error: 'invalid_grant' }, 400);
    if (result === 'invalid_client_for_token') return c.json({ error_description: 'Incorrect Token type or clientID', error: 'invalid_grant' }, 400);
    const body: Record<string, unknown> = {
      token_type: 'bearer',
      access_token: result.access_token,
      refresh_token: result.refresh_token,
      expires_in: result.expires_in,
      x_refresh_token_expires_in: result.x_refresh_token_expires_in,
    };
    if (c.req.header('x-include-refresh-token-hard-expires-in') === 'true') body['x_refresh_token_hard_expires_in'] = result.x_refresh_token_hard_expires_in;
    if (result.grant.scopes.includes('openid')) body['id_token'] = signIdToken({ sub: SANDBOX_USER.sub, aud: client.client_id, realmid: result.grant.realmId, nowMs: now });
    c.header('cache-control', 'no-cache, no-store');
    c.header('pragma', 'no-cache');
    return c.json(body, 200);
  });

  app.post('/v2/oauth2/tokens/revoke', async (c) => {
    const client = state.apps.authenticate(c.req.header('authorization'));
    if (!client) return c.json({ error: 'invalid_client' }, 401);
    const form = await formOrJson(c);
    if (!form['token']) return c.json({ error: 'invalid_request' }, 400);
    const revoked = state.grants.revoke(form['token'], client.client_id);
    if (revoked) state.stats(revoked.realmId).revocations++;
    // Intuit answers 200 with an empty body, also for tokens it does not know (RFC 7009).
    return c.body(null, 200);
  });

  app.get('/v1/openid_connect/userinfo', (c) => {
    const match = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
    const grant = match?.[1] ? state.grants.grantForAccessToken(match[1], state.clock.nowMs()) : null;
    if (!grant) return c.json({ error: 'invalid_token' }, 401);
    if (!grant.scopes.includes('openid')) return c.json({ error: 'insufficient_scope' }, 403);
    const info: Record<string, unknown> = { sub: SANDBOX_USER.sub };
    if (grant.scopes.includes('email')) Object.assign(info, { email: SANDBOX_USER.email, emailVerified: SANDBOX_USER.emailVerified });
    if (grant.scopes.includes('profile')) Object.assign(info, { givenName: SANDBOX_USER.givenName, familyName: SANDBOX_USER.familyName });
    if (grant.scopes.includes('phone')) Object.assign(info, { phoneNumber: SANDBOX_USER.phoneNumber, phoneNumberVerified: SANDBOX_USER.phoneNumberVerified });
    if (grant.scopes.includes('address')) info['address'] = SANDBOX_USER.address;
    return c.json(info);
  });

  app.get('/.well-known/openid_configuration', (c) =>
    c.json({
      issuer: ID_TOKEN_ISSUER,
      authorization_endpoint: `${base}/connect/oauth2`,
      token_endpoint: `${base}/oauth2/v1/tokens/bearer`,
      userinfo_endpoint: `${base}/v1/openid_connect/userinfo`,
      revocation_endpoint: `${base}/v2/oauth2/tokens/revoke`,
      jwks_uri: `${base}/op/v1/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile', 'address', 'phone'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: ['aud', 'exp', 'iat', 'iss', 'realmid', 'sub'],
    }),
  );

  app.get('/op/v1/jwks', (c) => c.json(jwks()));
  return app;
}
