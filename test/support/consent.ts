import type { testApp, TestTenant } from './app.ts';
import type { RunningSandbox } from './sandbox.ts';

type TestApp = ReturnType<typeof testApp>;

/**
 * Every hop up to, but not including, the callback: start-url (widget call) → start link → sandbox consent
 * (auto-approved for `realmId`). Returns the callback path QuickBooks sent the browser to, so a test can load
 * it as a browser would: once, twice, at the same time, or on two replicas.
 */
export async function consentTo(
  t: TestApp,
  sandbox: RunningSandbox,
  tenant: TestTenant,
  organizationId: string,
  realmId: string,
  options: { connectionId?: string; mode?: 'popup' | 'redirect'; returnUrl?: string } = {},
): Promise<string> {
  const token = await t.session(tenant, organizationId);
  await sandbox.control('PUT', '/qbo/settings', { auto_approve_realm: realmId });
  const started = await t.request('/v1/widget/oauth/qbo/start-url', {
    method: 'POST',
    token,
    headers: { origin: tenant.origin },
    json: {
      mode: options.mode ?? 'popup',
      ...(options.connectionId ? { connection_id: options.connectionId } : {}),
      ...(options.mode === 'redirect' ? { return_url: options.returnUrl ?? `${tenant.origin}/settings` } : {}),
    },
  });
  if (started.status !== 201) throw new Error(`start-url: ${started.status} ${await started.text()}`);
  const { url } = (await started.json()) as { url: string };
  const toIntuit = await t.request(new URL(url).pathname + new URL(url).search);
  if (toIntuit.status !== 302) throw new Error(`start: ${toIntuit.status} ${await toIntuit.text()}`);
  const consent = await fetch(toIntuit.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location') ?? '');
  return back.pathname + back.search;
}

/**
 * What a redirect-mode return URL names, read as the component does: its `ledgerlink_oauth` id resolved with a
 * session of the user who started (user-1 unless told). Undefined when the BFF answers 404 (or 400: not an id at all).
 */
export async function redirectResult(t: TestApp, tenant: TestTenant, organizationId: string, location: string, userId = 'user-1') {
  const id = new URL(location).searchParams.get('ledgerlink_oauth');
  if (!id) return undefined;
  const token = await t.session(tenant, organizationId, { id: userId });
  const response = await t.request(`/v1/widget/oauth/results/${encodeURIComponent(id)}`, { token, headers: { origin: tenant.origin } });
  if (response.status === 404 || response.status === 400) return undefined; // a made-up id: not found, or not even one's shape
  if (response.status !== 200) throw new Error(`oauth result: ${response.status} ${await response.text()}`);
  return (await response.json()) as import('../../shared/api/oauth.ts').OAuthResultMessage;
}
