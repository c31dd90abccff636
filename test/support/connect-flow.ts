import type { OAuthResultMessage } from '../../shared/api/oauth.ts';
import type { testApp, TestTenant } from './app.ts';
import type { RunningSandbox } from './sandbox.ts';

type TestApp = ReturnType<typeof testApp>;

export interface ConnectFlow {
  result: OAuthResultMessage;
  status: number;
  /** The callback URL the sandbox sent the browser to (path + query), for replay tests. */
  callbackPath: string;
}

/** Reads the result a callback page posts to its opener. */
export function resultOf(page: string): OAuthResultMessage {
  const match = /var result = (\{[\s\S]*?\});\n/.exec(page);
  if (!match) throw new Error(`no result in page:\n${page.slice(0, 500)}`);
  return JSON.parse(match[1]!) as OAuthResultMessage;
}

/**
 * The popup's whole journey, without a browser: start-url (widget call) → start link → sandbox consent
 * (auto-approved for `realmId`) → callback. Each hop is the real route.
 */
export async function connectThroughPopup(
  t: TestApp,
  sandbox: RunningSandbox,
  tenant: TestTenant,
  organizationId: string,
  realmId: string,
  options: { role?: string; connectionId?: string } = {},
): Promise<ConnectFlow> {
  const token = await t.session(tenant, organizationId, { role: options.role ?? 'admin' });
  await sandbox.control('PUT', '/qbo/settings', { auto_approve_realm: realmId });
  const started = await t.request('/v1/widget/oauth/qbo/start-url', {
    method: 'POST',
    token,
    headers: { origin: tenant.origin },
    json: { mode: 'popup', ...(options.connectionId ? { connection_id: options.connectionId } : {}) },
  });
  if (started.status !== 201) throw new Error(`start-url: ${started.status} ${await started.text()}`);
  const { url } = (await started.json()) as { url: string };
  const toIntuit = await t.request(new URL(url).pathname + new URL(url).search);
  if (toIntuit.status !== 302) throw new Error(`start: ${toIntuit.status} ${await toIntuit.text()}`);
  const consent = await fetch(toIntuit.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location') ?? '');
  const callbackPath = back.pathname + back.search;
  const page = await t.request(callbackPath);
  return { result: resultOf(await page.text()), status: page.status, callbackPath };
}
