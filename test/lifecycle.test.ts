import { expect, test } from 'vitest';
import { keepConnectionsAlive } from '../bff/connections/keep-alive.ts';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { redirectResult } from './support/consent.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';

const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));
const company = async () => (await sandbox.control<{ realm_id: string }>('POST', '/qbo/companies', { size: 'small', country: 'US' })).realm_id;

test('idle connections get a keep-alive refresh once a day, exactly once', async () => {
  const tenant = await t.createTenant();
  const realm = await company();
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  const id = result.connection!.id;
  const before = (await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).refreshes;
  await t.deps.sql`update connection_tokens set refreshed_at = now() - interval '25 hours' where connection_id = ${id}`;
  const [clock] = await t.deps.sql<{ started: Date }[]>`select clock_timestamp() as started`;
  const started = clock!.started;
  await Promise.all([keepConnectionsAlive(t.deps), keepConnectionsAlive(t.deps)]);
  expect((await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).refreshes - before).toBe(1);
  // Refreshed by this keep-alive: stamped after it began (no wall-clock tolerance to pass by luck or fail under load).
  const [row] = await t.deps.sql<{ refreshed_by_it: boolean }[]>`select refreshed_at >= ${started} as refreshed_by_it from connection_tokens where connection_id = ${id}`;
  expect(row!.refreshed_by_it).toBe(true);
});

test('redirect mode: the callback sends the browser back to the host with an id its session reads the outcome by', async () => {
  const tenant = await t.createTenant();
  const realm = await company();
  const token = await t.session(tenant, 'org-1');
  await sandbox.control('PUT', '/qbo/settings', { auto_approve_realm: realm });
  const returnUrl = `${tenant.origin}/settings/integrations?tab=accounting`;
  const refused = await t.request('/v1/widget/oauth/qbo/start-url', { method: 'POST', token, headers: { origin: tenant.origin }, json: { mode: 'redirect' } });
  expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('body.return_url: return_url is required in redirect mode');
  const foreign = await t.request('/v1/widget/oauth/qbo/start-url', { method: 'POST', token, headers: { origin: tenant.origin }, json: { mode: 'redirect', return_url: 'https://evil.example/' } });
  expect(foreign.status).toBe(400);
  const started = await t.request('/v1/widget/oauth/qbo/start-url', { method: 'POST', token, headers: { origin: tenant.origin }, json: { mode: 'redirect', return_url: returnUrl } });
  const { url } = (await started.json()) as { url: string };
  const toIntuit = await t.request(new URL(url).pathname + new URL(url).search);
  const consent = await fetch(toIntuit.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  const callback = await t.request(back.pathname + back.search);
  expect(callback.status).toBe(302);
  const landing = new URL(callback.headers.get('location')!);
  expect(landing.origin + landing.pathname).toBe(`${tenant.origin}/settings/integrations`);
  expect(landing.searchParams.get('tab')).toBe('accounting');
  expect([...landing.searchParams.keys()]).toEqual(['tab', 'ledgerlink_oauth']);
  expect(await redirectResult(t, tenant, 'org-1', landing.href)).toMatchObject({ outcome: 'connected', connection: { id: expect.stringMatching(/^con_/) } });
});

test('Intuit\'s Disconnect URL marks a connection whose grant is gone as disconnected, and only that', async () => {
  const tenant = await t.createTenant();
  const gone = await company();
  const alive = await company();
  const first = await connectThroughPopup(t, sandbox, tenant, 'org-1', gone);
  const second = await connectThroughPopup(t, sandbox, tenant, 'org-1', alive);
  await sandbox.control('POST', `/qbo/companies/${gone}/disconnect`);
  expect((await t.request(`/v1/oauth/qbo/disconnect?realmId=${gone}`)).status).toBe(200);
  // Unauthenticated by nature: a spoofed call for a healthy company changes nothing.
  expect((await t.request(`/v1/oauth/qbo/disconnect?realmId=${alive}`)).status).toBe(200);
  const rows = await t.deps.sql<{ id: string; status: string }[]>`select id, status from connections where tenant_id = ${tenant.id} order by created_at`;
  expect(rows).toEqual([
    { id: first.result.connection!.id, status: 'disconnected' },
    { id: second.result.connection!.id, status: 'connected' },
  ]);
});
