import { describe, expect, test } from 'vitest';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { syncOnce } from './support/sync.ts';

const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));

/** A connected, imported company and host suppliers: some written differently from QuickBooks, some new. */
async function setup() {
  const tenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'US', plan: 'Plus' });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  const id = result.connection!.id;
  await syncOnce(t, id);
  const vendors = await t.deps.sql<{ external_id: string; data: Record<string, any> }[]>`
    select external_id, data from records where connection_id = ${id} and type = 'Vendor' and coalesce(active, true) order by external_id::int limit 6`;
  const records = [
    // The same names, written the host's way.
    ...vendors.slice(0, 4).map((vendor, i) => ({
      id: `host-${i}`,
      name: String(vendor.data.DisplayName).replace(/\bInc\.?$/, 'Incorporated').replace(/ & /, ' and ').toUpperCase(),
      ...(vendor.data.PrimaryPhone?.FreeFormNumber ? { phone: vendor.data.PrimaryPhone.FreeFormNumber } : {}),
      ...(vendor.data.BillAddr?.PostalCode ? { postal_code: vendor.data.BillAddr.PostalCode } : {}),
    })),
    { id: 'host-new', name: 'Zebulon Quartz Widgets Cooperative' },
  ];
  const put = await t.request('/v1/organizations/org-1/host-records/suppliers', { method: 'PUT', token: tenant.secretKey, json: { records } });
  expect(await put.json()).toEqual({ upserted: 5, removed: 0, received: 5, field_sync: { pushed: 0, reported: 0, conflicts: 0, failed: 0, outcomes: [], unreachable: [] } });
  const admin = await t.session(tenant, 'org-1', { id: 'ada', role: 'admin' });
  return { tenant, id, realm, vendors, admin, headers: { origin: tenant.origin } };
}

describe('supplier matching', () => {
  test('suggests pairs from the mirror; confirming links them one-to-one; unlink keeps the history', async () => {
    const { id, vendors, admin, headers } = await setup();
    const state = (await (await t.request(`/v1/widget/connections/${id}/matching/suppliers`, { token: admin, headers })).json()) as any;
    const paired = [...state.auto, ...state.suggested].map((pair: any) => [pair.host.id, pair.provider.id]);
    for (let i = 0; i < 4; i++) expect(paired).toContainEqual([`host-${i}`, vendors[i]!.external_id]);
    expect(state.unmatched_host.map((record: any) => record.id)).toEqual(['host-new']);

    const links = [...state.auto, ...state.suggested].map((pair: any) => ({ host_id: pair.host.id, provider_id: pair.provider.id, method: pair.confidence === 'auto' ? 'auto' : 'confirmed' }));
    const created = await t.request(`/v1/widget/connections/${id}/links`, { method: 'POST', token: admin, headers, json: { kind: 'suppliers', links } });
    expect(created.status).toBe(201);
    const after = (await (await t.request(`/v1/widget/connections/${id}/matching/suppliers`, { token: admin, headers })).json()) as any;
    expect(after.linked).toHaveLength(4);
    expect(after.linked[0]).toMatchObject({ linked_by: 'ada' });
    expect(after.auto).toEqual([]);

    // One link per record on each side.
    const again = await t.request(`/v1/widget/connections/${id}/links`, { method: 'POST', token: admin, headers, json: { kind: 'suppliers', links: [{ host_id: 'host-new', provider_id: vendors[0]!.external_id, method: 'manual' }] } });
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).error.message).toMatch(/Already linked/);

    expect((await t.request(`/v1/widget/connections/${id}/links/suppliers/host-0`, { method: 'DELETE', token: admin, headers })).status).toBe(204);
    const history = await t.deps.sql<{ removed_by: string | null }[]>`select removed_by from party_links where connection_id = ${id} and host_id = 'host-0'`;
    expect(history).toEqual([{ removed_by: 'ada' }]);
    const events = await t.deps.sql<{ type: string }[]>`select type from events where connection_id = ${id} and type like 'link.%' order by created_at`;
    expect(events.map((event) => event.type)).toEqual(['link.created', 'link.removed']);
  });

  test('manual picker: ranked candidates for a record and for typed text', async () => {
    const { id, vendors, admin, headers } = await setup();
    const name = String(vendors[2]!.data.DisplayName);
    const typed = await t.request(`/v1/widget/connections/${id}/matching/suppliers/candidates?q=${encodeURIComponent(name.slice(0, 6))}`, { token: admin, headers });
    const list = ((await typed.json()) as any).data as { provider: { id: string } }[];
    expect(list.map((candidate) => candidate.provider.id)).toContain(vendors[2]!.external_id);
    const forRecord = await t.request(`/v1/widget/connections/${id}/matching/suppliers/candidates?host_id=host-2`, { token: admin, headers });
    expect(((await forRecord.json()) as any).data[0].provider.id).toBe(vendors[2]!.external_id);
    expect((await t.request(`/v1/widget/connections/${id}/matching/suppliers/candidates?host_id=nobody`, { token: admin, headers })).status).toBe(404);
  });

  test('create in QuickBooks: creates, mirrors and links; the same name again answers 409 with the record to link', async () => {
    const { tenant, id, realm, admin, headers } = await setup();
    // Warm the picker's index before the vendor exists.
    await t.request(`/v1/widget/connections/${id}/matching/suppliers/candidates?q=zeb`, { token: admin, headers });
    const before = (await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).entity_counts.Vendor;
    const created = await t.request(`/v1/widget/connections/${id}/matching/suppliers/create`, { method: 'POST', token: admin, headers, json: { host_id: 'host-new' } });
    expect(created.status).toBe(201);
    const body = (await created.json()) as any;
    expect(body.link).toMatchObject({ host_id: 'host-new', method: 'created' });
    expect((await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).entity_counts.Vendor).toBe(before + 1);
    // The picker's cached index notices the new vendor.
    const picked = await t.request(`/v1/widget/connections/${id}/matching/suppliers/candidates?q=${encodeURIComponent('Zebulon Quartz')}`, { token: admin, headers });
    expect((((await picked.json()) as any).data as { provider: { id: string } }[]).map((candidate) => candidate.provider.id)).toContain(body.provider.id);

    await t.request('/v1/organizations/org-1/host-records/suppliers', { method: 'PUT', token: tenant.secretKey, json: { records: [{ id: 'host-twin', name: 'Zebulon Quartz Widgets Cooperative' }] } });
    const twin = await t.request(`/v1/widget/connections/${id}/matching/suppliers/create`, { method: 'POST', token: admin, headers, json: { host_id: 'host-twin' } });
    expect(twin.status).toBe(409);
    expect(((await twin.json()) as any).error.details).toEqual({ provider_id: body.provider.id, provider_name: 'Zebulon Quartz Widgets Cooperative' });
  });

  test('create in QuickBooks checks the record against QuickBooks\' field limits first: a 400 names the field, nothing is sent', async () => {
    const { tenant, id, realm, admin, headers } = await setup();
    const before = await sandbox.control('GET', `/qbo/companies/${realm}/stats`);
    await t.request('/v1/organizations/org-1/host-records/suppliers', {
      method: 'PUT',
      token: tenant.secretKey,
      json: { records: [{ id: 'host-long-phone', name: 'Quillon Lantern Supplies', phone: '+1 415 555 0100 ext. 4412 (accounts)', postal_code: '94103' }] },
    });
    const refused = await t.request(`/v1/widget/connections/${id}/matching/suppliers/create`, { method: 'POST', token: admin, headers, json: { host_id: 'host-long-phone' } });
    expect(refused.status).toBe(400);
    const { error } = (await refused.json()) as { error: { code: string; message: string; details: any } };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/^host_record\.phone: QuickBooks holds at most 30 characters/);
    expect(error.details.issues).toEqual([{ field: 'host_record.phone', quickbooks_field: 'PrimaryPhone.FreeFormNumber', message: expect.stringContaining('30 characters') }]);
    const after = await sandbox.control('GET', `/qbo/companies/${realm}/stats`);
    expect(after.entity_counts.Vendor).toBe(before.entity_counts.Vendor);
  });

  test('create in QuickBooks: a name longer than CompanyName holds is kept whole in DisplayName, never sent over the limit', async () => {
    const { tenant, id, admin, headers } = await setup();
    const name = `Northumbrian ${'Heritage '.repeat(13)}Ironmongery and Lantern Restoration Cooperative`; // ~180 characters
    await t.request('/v1/organizations/org-1/host-records/suppliers', { method: 'PUT', token: tenant.secretKey, json: { records: [{ id: 'host-long-name', name }] } });
    const created = await t.request(`/v1/widget/connections/${id}/matching/suppliers/create`, { method: 'POST', token: admin, headers, json: { host_id: 'host-long-name' } });
    expect(created.status).toBe(201);
    const providerId = ((await created.json()) as { provider: { id: string } }).provider.id;
    const [vendor] = await t.deps.sql<{ data: Record<string, any> }[]>`select data from records where connection_id = ${id} and type = 'Vendor' and external_id = ${providerId}`;
    expect(vendor!.data.DisplayName).toBe(name.trim());
    expect(vendor!.data.CompanyName ?? null).toBeNull();
  });

  test('create in QuickBooks: a name a customer holds answers 409 saying a customer holds it', async () => {
    const { tenant, id, admin, headers } = await setup();
    const [customer] = await t.deps.sql<{ data: Record<string, any> }[]>`
      select data from records where connection_id = ${id} and type = 'Customer' and coalesce(active, true) order by external_id::int limit 1`;
    await t.request('/v1/organizations/org-1/host-records/suppliers', { method: 'PUT', token: tenant.secretKey, json: { records: [{ id: 'host-customer-name', name: String(customer!.data.DisplayName) }] } });
    const refused = await t.request(`/v1/widget/connections/${id}/matching/suppliers/create`, { method: 'POST', token: admin, headers, json: { host_id: 'host-customer-name' } });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('already used by a customer in QuickBooks');
  });

  test('import a QuickBooks vendor into the host: an event carries it; never one already linked', async () => {
    const { id, vendors, admin, headers } = await setup();
    const imported = await t.request(`/v1/widget/connections/${id}/matching/suppliers/import`, { method: 'POST', token: admin, headers, json: { provider_id: vendors[5]!.external_id } });
    expect(imported.status).toBe(202);
    const { event_id } = (await imported.json()) as { event_id: string };
    const [event] = await t.deps.sql<{ type: string; data: any }[]>`select type, data from events where id = ${event_id}`;
    expect(event).toMatchObject({ type: 'supplier.imported', data: { provider_id: vendors[5]!.external_id, record: { id: vendors[5]!.external_id } } });
    await t.request(`/v1/widget/connections/${id}/links`, { method: 'POST', token: admin, headers, json: { kind: 'suppliers', links: [{ host_id: 'host-new', provider_id: vendors[5]!.external_id, method: 'manual' }] } });
    const again = await t.request(`/v1/widget/connections/${id}/matching/suppliers/import`, { method: 'POST', token: admin, headers, json: { provider_id: vendors[5]!.external_id } });
    expect(again.status).toBe(409);
  });

  test('roles, tenants and bad input', async () => {
    const { tenant, id, headers } = await setup();
    const member = await t.session(tenant, 'org-1', { role: 'member' });
    const refused = await t.request(`/v1/widget/connections/${id}/links`, { method: 'POST', token: member, headers, json: { kind: 'suppliers', links: [{ host_id: 'host-1', provider_id: '1', method: 'manual' }] } });
    expect(refused.status).toBe(403);
    const stranger = await t.createTenant();
    expect((await t.request(`/v1/connections/${id}/matching/suppliers`, { token: stranger.secretKey })).status).toBe(404);
    const badKind = await t.request(`/v1/connections/${id}/matching/widgets`, { token: tenant.secretKey });
    expect(((await badKind.json()) as any).error.message).toMatch(/^path\.kind: /);
    const badRecord = await t.request('/v1/organizations/org-1/host-records/suppliers', { method: 'PUT', token: tenant.secretKey, json: { records: [{ id: 'x', name: '' }] } });
    expect(((await badRecord.json()) as any).error.message).toMatch(/^body\.records\.0\.name: /);
  });
});
