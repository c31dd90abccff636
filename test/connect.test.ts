import { describe, expect, test } from 'vitest';
import { testApp } from './support/app.ts';
import { connectThroughPopup, resultOf } from './support/connect-flow.ts';
import { uniqueCompany } from './support/realms.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';

const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));
/** Another installation (its own signing key), to forge states and tokens that must not pass. */
const other = testApp(sandboxDeps(sandbox.url));

// Unique realm ids: a refused company's grant is revoked only when no connection in the database uses that realm.
const company = async (spec: Record<string, unknown>) => uniqueCompany(sandbox, spec);
const stats = (realm: string) => sandbox.control<Record<string, any>>('GET', `/qbo/companies/${realm}/stats`);

describe('connecting QuickBooks', () => {
  test('popup flow stores the company, sealed tokens and an event, and queues the first import', async () => {
    const tenant = await t.createTenant();
    const realm = await company({ name: 'Acme Landscaping LLC', country: 'US', plan: 'Plus' });
    const { result, status } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
    expect(status).toBe(200);
    expect(result.outcome).toBe('connected');
    expect(result.connection).toMatchObject({ company_name: 'Acme Landscaping LLC', country: 'US', plan: 'Plus', status: 'connected', external_id: realm, connected_by: 'user-1' });

    const id = result.connection!.id;
    const [tokens] = await t.deps.sql<{ access_token: string; refresh_token: string }[]>`select * from connection_tokens where connection_id = ${id}`;
    expect(tokens!.access_token.startsWith('v1.')).toBe(true);
    const events = await t.deps.sql<{ type: string }[]>`select type from events where connection_id = ${id}`;
    expect(events.map((event) => event.type)).toEqual(['connection.connected']);
    const runs = await t.deps.sql<{ kind: string; trigger: string }[]>`select kind, trigger from sync_runs where connection_id = ${id}`;
    expect(runs).toEqual([{ kind: 'initial', trigger: 'connect' }]);
  });

  test('a replayed callback repeats the outcome without spending the code again; the connection keeps working', async () => {
    const tenant = await t.createTenant();
    const realm = await company({ country: 'CA', plan: 'Advanced' });
    const first = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
    const grantsBefore = (await stats(realm)).token_grants;
    const replay = await t.request(first.callbackPath);
    expect(replay.status).toBe(200);
    expect(resultOf(await replay.text())).toEqual(first.result);
    expect((await stats(realm)).token_grants).toBe(grantsBefore);
    const check = await t.request(`/v1/connections/${first.result.connection!.id}/check`, { method: 'POST', token: tenant.secretKey });
    expect(((await check.json()) as { status: string }).status).toBe('connected');
  });

  test('tampered, foreign and reused states and start links are refused', async () => {
    const tenant = await t.createTenant();
    const realm = await company({ country: 'US' });
    const { callbackPath } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
    const url = new URL(callbackPath, 'http://x');
    const state = url.searchParams.get('state')!;

    url.searchParams.set('state', state.slice(0, -3) + (state.endsWith('AAA') ? 'BBB' : 'AAA'));
    expect((await t.request(url.pathname + url.search)).status).toBe(400);

    // A state signed by another installation for its own attempt.
    const foreignTenant = await other.createTenant();
    const token = await other.session(foreignTenant, 'org-x');
    const started = await other.request('/v1/widget/oauth/qbo/start-url', { method: 'POST', token, headers: { origin: foreignTenant.origin }, json: {} });
    const link = new URL(((await started.json()) as { url: string }).url);
    const redirect = await other.request(link.pathname + link.search);
    const foreignState = new URL(redirect.headers.get('location')!).searchParams.get('state')!;
    url.searchParams.set('state', foreignState);
    expect((await t.request(url.pathname + url.search)).status).toBe(400);

    // A start link opens once.
    const again = await other.request(link.pathname + link.search);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('already used or has expired');
  });

  test('policies: South Africa and a plan below the required one are refused in plain words, nothing stored', async () => {
    const tenant = await t.createTenant();
    const za = await company({ country: 'ZA', plan: 'Plus' });
    const refusedZa = await connectThroughPopup(t, sandbox, tenant, 'org-za', za);
    expect(refusedZa.result).toMatchObject({ outcome: 'refused', message: 'QuickBooks Online in South Africa is not supported' });

    await t.request('/v1/organizations/org-plus/settings', { method: 'PUT', token: tenant.secretKey, json: { required_plans: ['Plus', 'Advanced'] } });
    const essentials = await company({ country: 'GB', plan: 'Essentials' });
    const refusedPlan = await connectThroughPopup(t, sandbox, tenant, 'org-plus', essentials);
    expect(refusedPlan.result).toMatchObject({
      outcome: 'refused',
      message: 'This integration needs QuickBooks Online Plus or Advanced; this company is on Essentials',
    });
    const stored = await t.deps.sql`select id from connections where tenant_id = ${tenant.id}`;
    expect(stored).toHaveLength(0);
    // The refused company's fresh grant was revoked, not left behind.
    expect((await stats(za)).revocations).toBeGreaterThanOrEqual(1);
  });

  test('a member cannot start connecting, and cannot disconnect', async () => {
    const tenant = await t.createTenant();
    const token = await t.session(tenant, 'org-1', { role: 'member' });
    const response = await t.request('/v1/widget/oauth/qbo/start-url', { method: 'POST', token, headers: { origin: tenant.origin }, json: {} });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('Your role (member) cannot connect or reconnect QuickBooks; ask someone with the admin role.');
  });

  test('one company per organization: a second company is refused, the same one reconnects', async () => {
    const tenant = await t.createTenant();
    await t.request('/v1/organizations/org-one/settings', { method: 'PUT', token: tenant.secretKey, json: { max_connections: 1 } });
    const first = await company({ name: 'First Co', country: 'AU' });
    const second = await company({ name: 'Second Co', country: 'AU' });
    const connected = await connectThroughPopup(t, sandbox, tenant, 'org-one', first);
    const refused = await connectThroughPopup(t, sandbox, tenant, 'org-one', second);
    expect(refused.result.message).toBe('This organization can connect one QuickBooks company and is already connected to First Co. Disconnect it first to connect Second Co.');
    const again = await connectThroughPopup(t, sandbox, tenant, 'org-one', first);
    expect(again.result.connection!.id).toBe(connected.result.connection!.id);
  });
});

describe('staying connected', () => {
  test('disconnecting inside QuickBooks → the next use marks needs_reconnect; reconnect restores the same connection with its data', async () => {
    const tenant = await t.createTenant();
    const realm = await company({ country: 'US' });
    const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
    const id = result.connection!.id;
    await t.deps.sql`insert into records (connection_id, type, external_id, data) values (${id}, 'Vendor', '1', '{"Id":"1"}')`;

    await sandbox.control('POST', `/qbo/companies/${realm}/disconnect`);
    const checked = await t.request(`/v1/connections/${id}/check`, { method: 'POST', token: tenant.secretKey });
    expect(await checked.json()).toMatchObject({ id, status: 'needs_reconnect' });
    const events = await t.deps.sql<{ type: string }[]>`select type from events where connection_id = ${id} order by created_at`;
    expect(events.map((event) => event.type)).toContain('connection.needs_reconnect');

    const reconnected = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm, { connectionId: id });
    expect(reconnected.result.connection).toMatchObject({ id, status: 'connected' });
    const [kept] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from records where connection_id = ${id}`;
    expect(kept!.n).toBe(1);
  });

  test('50 concurrent calls just after expiry refresh the token exactly once', async () => {
    const tenant = await t.createTenant();
    const realm = await company({ country: 'US' });
    const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
    const id = result.connection!.id;
    const before = (await stats(realm)).refreshes;
    await sandbox.control('POST', '/clock', { advance_seconds: 3601 });
    await t.deps.sql`update connection_tokens set access_expires_at = now() - interval '1 second' where connection_id = ${id}`;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => t.request(`/v1/connections/${id}/check`, { method: 'POST', token: tenant.secretKey })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
    expect((await stats(realm)).refreshes - before).toBe(1);
    const [row] = await t.deps.sql<{ version: number }[]>`select version from connection_tokens where connection_id = ${id}`;
    expect(row!.version).toBe(2);
  });

  test('unlink revokes and keeps data; purge removes everything', async () => {
    const tenant = await t.createTenant();
    const realm = await company({ country: 'US' });
    const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
    const id = result.connection!.id;
    await t.deps.sql`insert into records (connection_id, type, external_id, data) values (${id}, 'Vendor', '1', '{"Id":"1"}')`;
    const revocationsBefore = (await stats(realm)).revocations;

    const token = await t.session(tenant, 'org-1');
    const unlinked = await t.request(`/v1/widget/connections/${id}`, { method: 'DELETE', token, headers: { origin: tenant.origin } });
    expect(await unlinked.json()).toMatchObject({ id, status: 'disconnected' });
    expect((await stats(realm)).revocations).toBe(revocationsBefore + 1);
    expect(await t.deps.sql`select 1 from records where connection_id = ${id}`).toHaveLength(1);
    expect(await t.deps.sql`select 1 from connection_tokens where connection_id = ${id}`).toHaveLength(0);

    const purged = await t.request(`/v1/connections/${id}?purge=true`, { method: 'DELETE', token: tenant.secretKey });
    expect(purged.status).toBe(204);
    expect(await t.deps.sql`select 1 from records where connection_id = ${id}`).toHaveLength(0);
    expect((await t.request(`/v1/connections/${id}`, { token: tenant.secretKey })).status).toBe(404);
  });
});
