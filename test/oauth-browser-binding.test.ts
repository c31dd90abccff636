import { describe, expect, test } from 'vitest';
import { testApp, type TestTenant } from './support/app.ts';
import { resultOf } from './support/connect-flow.ts';
import { consentTo, redirectResult } from './support/consent.ts';
import { uniqueCompany } from './support/realms.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';

// Issue 11 item 8: the OAuth state is bound to the browser that opened the start link, and the redirect-mode
// result a component reads cannot be crafted.
const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));
const company = () => uniqueCompany(sandbox, { country: 'US' });
const grants = async (realm: string) => (await sandbox.control<Record<string, number>>('GET', `/qbo/companies/${realm}/stats`)).token_grants ?? 0;
const connectionsOf = (tenant: TestTenant) => t.deps.sql<{ external_id: string }[]>`select external_id from connections where tenant_id = ${tenant.id}`;

/** Another browser: its own start link, whose cookie it keeps to itself (app.request, not the shared jar). */
async function startInOtherBrowser(tenant: TestTenant) {
  const token = await t.session(tenant, 'org-1', { id: 'attacker' });
  const started = await t.request('/v1/widget/oauth/qbo/start-url', { method: 'POST', token, headers: { origin: tenant.origin }, json: { mode: 'popup' } });
  const { url } = (await started.json()) as { url: string };
  const response = await t.app.request(new URL(url).pathname + new URL(url).search);
  expect(response.status).toBe(302);
  return response.headers.getSetCookie();
}

describe('issue 11 item 8: a leaked state completes nothing in another browser', () => {
  test('the victim\'s state with the attacker\'s code, loaded in the attacker\'s browser, is refused; nothing is exchanged or connected', async () => {
    const victim = await t.createTenant();
    const attackersCompany = await company();
    // The victim's attempt, its state carried through a consent the attacker completed for the attacker's company.
    const callback = await consentTo(t, sandbox, victim, 'org-1', attackersCompany);
    const before = await grants(attackersCompany);

    const bare = await t.app.request(callback); // the attacker's browser has no cookie of this attempt
    expect(bare.status).toBe(400);
    expect(resultOf(await bare.text())).toMatchObject({ outcome: 'error', code: 'wrong_browser' });

    const own = await startInOtherBrowser(victim); // a valid cookie, of the attacker's own attempt
    const withOwnCookie = await t.app.request(callback, { headers: { cookie: own.map((line) => line.split(';')[0]).join('; ') } });
    expect(withOwnCookie.status).toBe(400);
    expect(resultOf(await withOwnCookie.text())).toMatchObject({ code: 'wrong_browser' });

    expect(await grants(attackersCompany)).toBe(before);
    expect(await connectionsOf(victim)).toEqual([]);

    // The attempt was not used up: in the browser that started it, the callback still completes.
    const rightful = await t.request(callback);
    expect(resultOf(await rightful.text())).toMatchObject({ outcome: 'connected' });
  });

  test('the start link sets an HttpOnly, SameSite=Lax cookie on /v1/oauth/, living as long as the attempt; Secure on https', async () => {
    const tenant = await t.createTenant();
    const [cookie] = await startInOtherBrowser(tenant);
    expect(cookie).toMatch(/^ll_oauth_[A-Za-z0-9_-]{16}=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\/v1\/oauth\//);
    expect(Number(/Max-Age=(\d+)/.exec(cookie!)![1])).toBeLessThanOrEqual(600);
    expect(cookie).not.toMatch(/Secure/);

    const https = testApp({ ...sandboxDeps(sandbox.url), config: { ...t.deps.config, publicUrl: 'https://ledgerlink.example' } });
    const token = await https.session(tenant, 'org-1');
    const started = await https.request('/v1/widget/oauth/qbo/start-url', { method: 'POST', token, headers: { origin: tenant.origin }, json: { mode: 'popup' } });
    const { url } = (await started.json()) as { url: string };
    const response = await https.app.request(new URL(url).pathname + new URL(url).search);
    expect(response.headers.getSetCookie()[0]).toMatch(/; Secure/);
  });
});

describe('issue 11 item 8: the redirect-mode result is read with the session, never from the link', () => {
  test('an error QuickBooks sends back is named only when it is an error code, never as free text from the URL', async () => {
    const tenant = await t.createTenant();
    for (const [error, message] of [
      ['server_error', 'QuickBooks said: server_error'],
      ['Your subscription lapsed: call +1 555 0100', 'QuickBooks said: an error'],
    ] as const) {
      const callback = new URL(await consentTo(t, sandbox, tenant, 'org-1', await company()), 'http://bff');
      callback.searchParams.delete('code');
      callback.searchParams.set('error', error);
      const page = await t.request(callback.pathname + callback.search);
      expect(resultOf(await page.text())).toMatchObject({ outcome: 'cancelled', code: 'provider_error', message });
    }
  });

  test('the return URL carries only an opaque id; only the user who started reads the outcome by it, and a made-up id reads nothing', async () => {
    const tenant = await t.createTenant();
    const realm = await company();
    const callback = await consentTo(t, sandbox, tenant, 'org-1', realm, { mode: 'redirect', returnUrl: `${tenant.origin}/settings` });
    const response = await t.request(callback);
    expect(response.status).toBe(302);
    const location = response.headers.get('location')!;
    const landing = new URL(location);
    expect([...landing.searchParams.keys()]).toEqual(['ledgerlink_oauth']);
    expect(landing.searchParams.get('ledgerlink_oauth')).toMatch(/^[A-Za-z0-9_-]{32}$/);

    expect(await redirectResult(t, tenant, 'org-1', location)).toMatchObject({ outcome: 'connected', connection: { external_id: realm } });
    expect(await redirectResult(t, tenant, 'org-1', location, 'someone-else')).toBeUndefined();
    expect(await redirectResult(t, tenant, 'org-2', location)).toBeUndefined();
    const other = await t.createTenant();
    expect(await redirectResult(t, other, 'org-1', location)).toBeUndefined();

    // What a crafted link used to make <qbo-connect> show: not an id of anything.
    expect(await redirectResult(t, tenant, 'org-1', `${tenant.origin}/settings?ledgerlink_oauth=connected`)).toBeUndefined();
    expect(await redirectResult(t, tenant, 'org-1', `${tenant.origin}/settings?ledgerlink_oauth=refused&ledgerlink_message=Call+us`)).toBeUndefined();

    t.advanceClock(11 * 60); // results are for the trip back, not for later
    expect(await redirectResult(t, tenant, 'org-1', location)).toBeUndefined();
  });
});
