import type { Config } from '../../config.ts';

/** Where QuickBooks lives for this deployment: Intuit (sandbox or production), or a local sandbox server. */
export interface QboEndpoints {
  authorize: string;
  token: string;
  revoke: string;
  userInfo: string;
  /** Accounting API base, ending in `/` (then `v3/company/{realmId}/...`). */
  api: string;
  /** QuickBooks' web app for people (Intuit's sandbox or production app, or the local sandbox): "Open in QuickBooks". */
  web: string;
  clientId: string;
  clientSecret: string;
  environment: 'sandbox' | 'production';
  redirectUri: string;
}

export function qboEndpoints(config: Config): QboEndpoints | undefined {
  if (!config.QBO_CLIENT_ID || !config.QBO_CLIENT_SECRET) return undefined;
  const redirectUri = `${config.publicUrl}/v1/oauth/qbo/callback`;
  const common = { clientId: config.QBO_CLIENT_ID, clientSecret: config.QBO_CLIENT_SECRET, environment: config.QBO_ENVIRONMENT, redirectUri };
  const sandbox = config.LEDGERLINK_SANDBOX_URL?.replace(/\/$/, '');
  if (sandbox) {
    return {
      ...common,
      authorize: `${sandbox}/qbo/connect/oauth2`,
      token: `${sandbox}/qbo/oauth2/v1/tokens/bearer`,
      revoke: `${sandbox}/qbo/v2/oauth2/tokens/revoke`,
      userInfo: `${sandbox}/qbo/v1/openid_connect/userinfo`,
      api: `${sandbox}/qbo/`,
      web: `${sandbox}/qbo/app`,
    };
  }
  const production = config.QBO_ENVIRONMENT === 'production';
  return {
    ...common,
    authorize: 'https://appcenter.intuit.com/connect/oauth2',
    token: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
    userInfo: production
      ? 'https://accounts.platform.intuit.com/v1/openid_connect/userinfo'
      : 'https://sandbox-accounts.platform.intuit.com/v1/openid_connect/userinfo',
    api: production ? 'https://quickbooks.api.intuit.com/' : 'https://sandbox-quickbooks.api.intuit.com/',
    web: production ? 'https://app.qbo.intuit.com/app' : 'https://app.sandbox.qbo.intuit.com/app',
  };
}
