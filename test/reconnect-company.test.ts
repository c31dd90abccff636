import { describe, expect, test } from 'vitest';
import { testApp, type TestTenant } from './support/app.ts';
import { connectThroughPopup, resultOf } from './support/connect-flow.ts';
import { consentTo, redirectResult } from './support/consent.ts';
import { uniqueCompany } from './support/realms.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';

const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));

const company = async (name: string) => uniqueCompany(sandbox, { name, country: 'US' });
const stats = (realm: string) => sandbox.control<Record<string, number>>('GET', `/qbo/companies/${realm}/stats`);

/** A connection to `realm` that QuickBooks stopped accepting (the user disconnected the app inside QuickBooks). */
async function brokenConnection(tenant: TestTenant, realm: string): Promise<string> {
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  const id = result.connection!.id;
  await sandbox.control('POST', `/qbo/companies/${realm}/disconnect`);
  const checked = await t.request(`/v1/connections/${id}/check`, { method: 'POST', token: tenant.secretKey });
  expect(await checked.json()).toMatchObject({ id, status: 'needs_reconnect' });
  return id;
}

const connectionsOf = (tenant: TestTenant) =>
  t.deps.sql<{ id: string; external_id: string; status: string }[]>`
    select id, external_id, status from connections where tenant_id = ${tenant.id} order by created_at, id`;
const runsOf = (tenant: TestTenant) =>
  t.deps.sql<{ connection_id: string }[]>`
    select r.connection_id from sync_runs r join connections c on c.id = r.connection_id where c.tenant_id = ${tenant.id}`;

describe('reconnecting picks another company', () => {
  test('choosing B while reconnecting A creates and imports nothing, revokes B\'s fresh grant and names both companies; choosing A then reconnects A', async () => {
    const tenant = await t.createTenant();
    const a = await company('Acme Landscaping LLC');
    const b = await company('Birch Dental');
    const id = await brokenConnection(tenant, a);
    const runsBefore = (await runsOf(tenant)).length;
    const bBefore = await stats(b);

    const wrong = await connectThroughPopup(t, sandbox, tenant, 'org-1', b, { connectionId: id });
    expect(wrong.status).toBe(200);
    expect(wrong.result).toMatchObject({
      outcome: 'refused',
      code: 'reconnect_wrong_company',
      message: 'You chose Birch Dental; choose Acme Landscaping LLC to reconnect it.',
      // The connection still waiting to be reconnected, unchanged, so the component can offer to try again.
      connection: { id, external_id: a, status: 'needs_reconnect' },
    });
    expect(await connectionsOf(tenant)).toEqual([{ id, external_id: a, status: 'needs_reconnect' }]);
    expect(await runsOf(tenant)).toHaveLength(runsBefore);
    const events = await t.deps.sql<{ type: string }[]>`select type from events where tenant_id = ${tenant.id} and type like 'connection.%connected'`;
    expect(events.map((event) => event.type)).toEqual(['connection.connected']);
    // The code was exchanged once (to learn which company it was) and that grant was not left behind.
    expect((await stats(b)).token_grants).toBe(bBefore.token_grants! + 1);
    expect((await stats(b)).revocations).toBe(bBefore.revocations! + 1);

    // "Try again" is a new attempt for the same connection; choosing A this time reconnects it.
    const right = await connectThroughPopup(t, sandbox, tenant, 'org-1', a, { connectionId: id });
    expect(right.result).toMatchObject({ outcome: 'connected', connection: { id, status: 'connected' } });
    expect(await connectionsOf(tenant)).toEqual([{ id, external_id: a, status: 'connected' }]);
  });

  test('redirect mode carries the same refusal back (read by its result id): outcome, code, message and the connection to reconnect', async () => {
    const tenant = await t.createTenant();
    const a = await company('Acme Landscaping LLC');
    const b = await company('Birch Dental');
    const id = await brokenConnection(tenant, a);

    const callback = await consentTo(t, sandbox, tenant, 'org-1', b, { connectionId: id, mode: 'redirect', returnUrl: `${tenant.origin}/settings?tab=accounting` });
    const response = await t.request(callback);
    expect(response.status).toBe(302);
    const landing = new URL(response.headers.get('location')!);
    expect([...landing.searchParams.keys()]).toEqual(['tab', 'ledgerlink_oauth']);
    expect(await redirectResult(t, tenant, 'org-1', landing.href)).toMatchObject({
      outcome: 'refused',
      code: 'reconnect_wrong_company',
      connection: { id },
      message: 'You chose Birch Dental; choose Acme Landscaping LLC to reconnect it.',
    });
    expect(await connectionsOf(tenant)).toEqual([{ id, external_id: a, status: 'needs_reconnect' }]);
  });

  test('choosing a company that is already connected in the organization leaves that connection, its tokens and its grant alone', async () => {
    const tenant = await t.createTenant();
    const a = await company('Acme Landscaping LLC');
    const b = await company('Birch Dental');
    const broken = await brokenConnection(tenant, a);
    const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', b);
    const other = result.connection!.id;
    const [tokensBefore] = await t.deps.sql<{ refresh_token: string; version: number }[]>`select refresh_token, version from connection_tokens where connection_id = ${other}`;
    const revocationsBefore = (await stats(b)).revocations;

    const wrong = await connectThroughPopup(t, sandbox, tenant, 'org-1', b, { connectionId: broken });
    expect(wrong.result).toMatchObject({ outcome: 'refused', code: 'reconnect_wrong_company', message: 'You chose Birch Dental; choose Acme Landscaping LLC to reconnect it.' });
    const [tokensAfter] = await t.deps.sql<{ refresh_token: string; version: number }[]>`select refresh_token, version from connection_tokens where connection_id = ${other}`;
    expect(tokensAfter).toEqual(tokensBefore);
    const events = await t.deps.sql<{ type: string }[]>`select type from events where connection_id = ${other}`;
    expect(events.map((event) => event.type)).toEqual(['connection.connected']);
    // Revoking at Intuit disconnects the app from the company, which would break the working connection to B.
    expect((await stats(b)).revocations).toBe(revocationsBefore);
    const check = await t.request(`/v1/connections/${other}/check`, { method: 'POST', token: tenant.secretKey });
    expect(await check.json()).toMatchObject({ id: other, status: 'connected' });
    expect(await connectionsOf(tenant)).toEqual([
      { id: broken, external_id: a, status: 'needs_reconnect' },
      { id: other, external_id: b, status: 'connected' },
    ]);
  });

  test('connecting a disconnected connection again (its Connect button names it) refuses another company too', async () => {
    const tenant = await t.createTenant();
    const a = await company('Acme Landscaping LLC');
    const b = await company('Birch Dental');
    const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', a);
    const id = result.connection!.id;
    const token = await t.session(tenant, 'org-1');
    await t.request(`/v1/widget/connections/${id}`, { method: 'DELETE', token, headers: { origin: tenant.origin } });

    const wrong = await connectThroughPopup(t, sandbox, tenant, 'org-1', b, { connectionId: id });
    expect(wrong.result).toMatchObject({ outcome: 'refused', code: 'reconnect_wrong_company', connection: { id, status: 'disconnected' } });
    expect(await connectionsOf(tenant)).toEqual([{ id, external_id: a, status: 'disconnected' }]);
  });

  test('a reload of the refused callback repeats the refusal, titled as such, and exchanges nothing', async () => {
    const tenant = await t.createTenant();
    const a = await company('Acme Landscaping LLC');
    const b = await company('Birch Dental');
    const id = await brokenConnection(tenant, a);
    const wrong = await connectThroughPopup(t, sandbox, tenant, 'org-1', b, { connectionId: id });
    const grants = (await stats(b)).token_grants;
    const again = await t.request(wrong.callbackPath);
    const page = await again.text();
    expect(resultOf(page)).toEqual(wrong.result);
    // Seen only if the window outlives its opener (it posts and closes otherwise): it names the refusal too.
    expect(page).toContain('<h1>That is a different company</h1>');
    expect(wrong.result.code).toBe('reconnect_wrong_company');
    expect((await stats(b)).token_grants).toBe(grants);
  });
});

test('the OpenAPI document lists the result codes, reconnect_wrong_company among them', async () => {
  const document = (await (await t.request('/openapi.json')).json()) as { components: { schemas: Record<string, any> } };
  const result = document.components.schemas['OAuthResult'];
  expect(result.properties.outcome.enum).toEqual(['connected', 'refused', 'cancelled', 'error']);
  expect(result.properties.code.enum).toContain('reconnect_wrong_company');
  expect(result.properties.code.enum).toContain('policy_refused');
});
