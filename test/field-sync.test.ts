import { describe, expect, test } from 'vitest';
import { open } from '../bff/crypto/vault.ts';
import type { ConnectionRow } from '../bff/connections/store.ts';
import { syncSupplierFields } from '../bff/matching/field-sync.ts';
import { parseFault } from '../bff/providers/qbo/faults.ts';
import type { ProviderCaller } from '../bff/sync/provider-caller.ts';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { syncOnce } from './support/sync.ts';

const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));

/** A linked supplier: host record host-1 ↔ a QuickBooks vendor, imported and linked. */
async function linkedSupplier(policy?: string) {
  const tenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'GB', plan: 'Plus' });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  const id = result.connection!.id;
  await syncOnce(t, id);
  if (policy) await t.request('/v1/organizations/org-1/settings', { method: 'PUT', token: tenant.secretKey, json: { field_conflict_policy: policy } });
  const [vendor] = await t.deps.sql<{ external_id: string; data: Record<string, any> }[]>`
    select external_id, data from records where connection_id = ${id} and type = 'Vendor' and coalesce(active, true) order by external_id::int limit 1`;
  const host = { id: 'host-1', name: String(vendor!.data.DisplayName).toUpperCase(), city: vendor!.data.BillAddr?.City ?? 'Leeds', phone: vendor!.data.PrimaryPhone?.FreeFormNumber };
  const put = (changes: Record<string, unknown> = {}) =>
    t.request('/v1/organizations/org-1/host-records/suppliers', { method: 'PUT', token: tenant.secretKey, json: { records: [{ ...host, ...changes }] } });
  await put();
  await t.request(`/v1/connections/${id}/links`, { method: 'POST', token: tenant.secretKey, json: { kind: 'suppliers', links: [{ host_id: 'host-1', provider_id: vendor!.external_id, method: 'manual' }] } });
  return { tenant, id, realm, vendorId: vendor!.external_id, put };
}

async function tokenOf(connectionId: string) {
  const [row] = await t.deps.sql<{ access_token: string }[]>`select access_token from connection_tokens where connection_id = ${connectionId}`;
  return open(row!.access_token, t.deps.keys.keyring);
}

/** What QuickBooks holds now, read straight from the sandbox. */
async function quickbooksVendor(realm: string, connectionId: string, vendorId: string) {
  const response = await fetch(`${sandbox.url}/qbo/v3/company/${realm}/vendor/${vendorId}?minorversion=75`, { headers: { authorization: `Bearer ${await tokenOf(connectionId)}`, accept: 'application/json' } });
  return ((await response.json()) as { Vendor: Record<string, any> }).Vendor;
}

/** Someone edits the vendor inside QuickBooks. */
async function editInQuickBooks(realm: string, connectionId: string, vendorId: string, changes: Record<string, unknown>) {
  const vendor = await quickbooksVendor(realm, connectionId, vendorId);
  const response = await fetch(`${sandbox.url}/qbo/v3/company/${realm}/vendor?minorversion=75`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenOf(connectionId)}`, accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ Id: vendor.Id, SyncToken: vendor.SyncToken, sparse: true, ...changes }),
  });
  expect(response.status).toBe(200);
  await sandbox.control('POST', '/clock', { advance_seconds: 30 });
}

describe('two-way supplier field sync', () => {
  test('linking changes nothing, though the two sides write the name differently', async () => {
    const { id, realm, vendorId } = await linkedSupplier();
    const before = await quickbooksVendor(realm, id, vendorId);
    await syncOnce(t, id);
    expect((await quickbooksVendor(realm, id, vendorId)).SyncToken).toBe(before.SyncToken);
  });

  test('a host edit is written to QuickBooks as a sparse update, keeping the other address lines', async () => {
    const { id, realm, vendorId, put } = await linkedSupplier();
    const before = await quickbooksVendor(realm, id, vendorId);
    const answer = await put({ city: 'Harrogate', account_number: 'ACC-77' });
    expect(((await answer.json()) as { field_sync: unknown }).field_sync).toEqual({
      pushed: 1,
      reported: 0,
      conflicts: 0,
      failed: 0,
      outcomes: [{ connection_id: id, host_id: 'host-1', provider_id: vendorId, status: 'synced', pushed: ['city', 'account_number'], reported: [], conflicts: [], refused: [] }],
      unreachable: [],
    });
    const after = await quickbooksVendor(realm, id, vendorId);
    expect(after.BillAddr.City).toBe('Harrogate');
    expect(after.AcctNum).toBe('ACC-77');
    expect(after.BillAddr.Line1).toBe(before.BillAddr.Line1);
    expect(after.DisplayName).toBe(before.DisplayName); // the host's upper-case name was not a change
  });

  test('a QuickBooks edit reaches the host as a supplier.updated field diff after the next sync', async () => {
    const { id, realm, vendorId } = await linkedSupplier();
    const before = await quickbooksVendor(realm, id, vendorId);
    await editInQuickBooks(realm, id, vendorId, { PrimaryPhone: { FreeFormNumber: '0113 496 0000' } });
    const run = await syncOnce(t, id);
    expect(run.status).toBe('succeeded');
    const events = await t.deps.sql<{ data: any }[]>`select data from events where connection_id = ${id} and type = 'supplier.updated'`;
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toEqual({
      host_id: 'host-1',
      provider_id: vendorId,
      changes: { phone: { from: before.PrimaryPhone?.FreeFormNumber ?? null, to: '0113 496 0000' } },
    });
    // The host has not applied it yet; a later PUT of its unchanged record must not revert QuickBooks.
    await syncOnce(t, id);
    expect((await quickbooksVendor(realm, id, vendorId)).PrimaryPhone.FreeFormNumber).toBe('0113 496 0000');
  });

  test('a change on both sides follows the policy (QuickBooks wins) and is logged, even when our copy was stale', async () => {
    const { id, realm, vendorId, put } = await linkedSupplier('quickbooks_wins');
    await editInQuickBooks(realm, id, vendorId, { BillAddr: { ...(await quickbooksVendor(realm, id, vendorId)).BillAddr, City: 'Whitby' } });
    const answer = await put({ city: 'Scarborough' });
    expect(((await answer.json()) as { field_sync: unknown }).field_sync).toEqual({
      pushed: 0,
      reported: 1,
      conflicts: 1,
      failed: 0,
      outcomes: [{ connection_id: id, host_id: 'host-1', provider_id: vendorId, status: 'synced', pushed: [], reported: ['city'], conflicts: ['city'], refused: [] }],
      unreachable: [],
    });
    expect((await quickbooksVendor(realm, id, vendorId)).BillAddr.City).toBe('Whitby');
    const log = await t.deps.sql<{ field: string; action: string; winner: string; policy: string }[]>`
      select field, action, winner, policy from field_sync_log where connection_id = ${id} order by id`;
    expect(log).toContainEqual({ field: 'city', action: 'conflict', winner: 'quickbooks', policy: 'quickbooks_wins' });
  });

  test('read-only organizations never write to QuickBooks', async () => {
    const { tenant, id, realm, vendorId, put } = await linkedSupplier();
    await t.request('/v1/organizations/org-1/settings', { method: 'PUT', token: tenant.secretKey, json: { read_only: true } });
    const before = await quickbooksVendor(realm, id, vendorId);
    const answer = await put({ city: 'Ripon' });
    expect(((await answer.json()) as { field_sync: { pushed: number } }).field_sync.pushed).toBe(0);
    expect((await quickbooksVendor(realm, id, vendorId)).SyncToken).toBe(before.SyncToken);
  });
});

/** A QuickBooks customer's name (names are shared by vendors, customers and employees). */
async function customerName(connectionId: string): Promise<string> {
  const [customer] = await t.deps.sql<{ data: Record<string, any> }[]>`
    select data from records where connection_id = ${connectionId} and type = 'Customer' and coalesce(active, true) order by external_id::int limit 1`;
  return String(customer!.data.DisplayName);
}

describe('a field QuickBooks refuses is a per-record outcome, never a failed request or sync', () => {
  test("renaming a linked supplier to a customer's name: saved, the rest written, the refusal named; syncs succeed and later QuickBooks edits are reported", async () => {
    const { tenant, id, realm, vendorId, put } = await linkedSupplier();
    const before = await quickbooksVendor(realm, id, vendorId);
    const taken = await customerName(id);
    const answer = await put({ name: taken.toLowerCase(), city: 'Knaresborough' });
    expect(answer.status).toBe(200);
    const { field_sync } = (await answer.json()) as { field_sync: { failed: number; outcomes: any[] } };
    expect(field_sync.failed).toBe(1);
    expect(field_sync.outcomes).toEqual([
      {
        connection_id: id,
        host_id: 'host-1',
        provider_id: vendorId,
        status: 'partly_refused',
        pushed: ['city'],
        reported: [],
        conflicts: [],
        refused: [{ category: 'validation', action: 'fix_record', field: 'name', quickbooks_field: 'DisplayName', quickbooks_code: '6240', message: expect.stringContaining('already used by a customer in QuickBooks') }],
      },
    ]);
    // The host record is stored; QuickBooks has the city and keeps its own name.
    const [stored] = await t.deps.sql<{ data: any }[]>`select data from host_records where tenant_id = ${tenant.id} and host_id = 'host-1'`;
    expect(stored!.data.name).toBe(taken.toLowerCase());
    const afterPut = await quickbooksVendor(realm, id, vendorId);
    expect([afterPut.DisplayName, afterPut.BillAddr.City]).toEqual([before.DisplayName, 'Knaresborough']);
    const [logged] = await t.deps.sql<{ action: string; fault: any }[]>`select action, fault from field_sync_log where connection_id = ${id} and action = 'refused'`;
    expect(logged!.fault).toMatchObject({ quickbooks_code: '6240', field: 'name' });

    // The next sync succeeds (it tries the name again and is refused again, quietly).
    expect((await syncOnce(t, id)).status).toBe('succeeded');

    // A QuickBooks-side edit of the same vendor is still reported, and its sync succeeds too.
    await editInQuickBooks(realm, id, vendorId, { AcctNum: 'QB-4471' });
    const run = await syncOnce(t, id);
    expect([run.status, run.error]).toEqual(['succeeded', null]);
    const events = await t.deps.sql<{ data: any }[]>`select data from events where connection_id = ${id} and type = 'supplier.updated'`;
    expect(events.map((event) => event.data)).toEqual([{ host_id: 'host-1', provider_id: vendorId, changes: { account_number: { from: before.AcctNum ?? null, to: 'QB-4471' } } }]);
    // The name change is still pending (tried again with the QuickBooks edit, refused again), not taken as
    // applied nor mistaken for a QuickBooks edit of the name.
    expect((await quickbooksVendor(realm, id, vendorId)).DisplayName).toBe(before.DisplayName);
    const refusals = await t.deps.sql<{ field: string; host_value: string }[]>`select field, host_value from field_sync_log where connection_id = ${id} and action = 'refused' order by id`;
    expect(refusals.length).toBeGreaterThanOrEqual(2); // the PUT's, and at least the sync that reported AcctNum
    expect(new Set(refusals.map((row) => `${row.field}=${row.host_value}`))).toEqual(new Set([`name=${taken.toLowerCase()}`]));
  });

  test('a value over its QuickBooks length is refused before sending, naming the field; fixing it writes it', async () => {
    const { id, realm, vendorId, put } = await linkedSupplier();
    const before = await quickbooksVendor(realm, id, vendorId);
    const tooLong = '+44 113 496 0000 extension 12345678'; // 35 characters; QuickBooks holds 30
    const answer = await put({ phone: tooLong, postal_code: 'LS1 4AP' });
    expect(answer.status).toBe(200);
    const { field_sync } = (await answer.json()) as { field_sync: { outcomes: any[] } };
    expect(field_sync.outcomes[0]).toMatchObject({ status: 'partly_refused', pushed: ['postal_code'] });
    expect(field_sync.outcomes[0].refused).toEqual([
      { category: 'validation', action: 'fix_record', field: 'phone', quickbooks_field: 'PrimaryPhone.FreeFormNumber', quickbooks_code: null, message: 'QuickBooks holds at most 30 characters in PrimaryPhone.FreeFormNumber; this value has 35.' },
    ]);
    const after = await quickbooksVendor(realm, id, vendorId);
    expect([after.PrimaryPhone?.FreeFormNumber, after.BillAddr.PostalCode]).toEqual([before.PrimaryPhone?.FreeFormNumber, 'LS1 4AP']);
    // The change stayed pending: the host's corrected value is written.
    const fixed = await put({ phone: '+44 113 496 0000', postal_code: 'LS1 4AP' });
    expect(((await fixed.json()) as { field_sync: { outcomes: any[] } }).field_sync.outcomes[0]).toMatchObject({ status: 'synced', pushed: ['phone'], refused: [] });
    expect((await quickbooksVendor(realm, id, vendorId)).PrimaryPhone.FreeFormNumber).toBe('+44 113 496 0000');
  });

  test('a name with a colon is refused before sending; the sync triggered by a QuickBooks edit still succeeds', async () => {
    const { id, realm, vendorId, put } = await linkedSupplier();
    const answer = await put({ name: 'Acme: Northern Branch' });
    const { field_sync } = (await answer.json()) as { field_sync: { outcomes: any[] } };
    expect(field_sync.outcomes[0]).toMatchObject({ status: 'refused', pushed: [], refused: [{ field: 'name', quickbooks_field: 'DisplayName', quickbooks_code: null }] });
    await editInQuickBooks(realm, id, vendorId, { AcctNum: 'QB-9' });
    expect((await syncOnce(t, id)).status).toBe('succeeded');
    const [event] = await t.deps.sql<{ data: any }[]>`select data from events where connection_id = ${id} and type = 'supplier.updated'`;
    expect(event!.data.changes).toEqual({ account_number: { from: expect.anything(), to: 'QB-9' } });
  });
});

describe('every kind of write fault, through the real field sync and database', () => {
  /** A caller that answers each QuickBooks call with the next scripted fault, as QuickBooks would. */
  const scripted = (...answers: { status: number; body: string }[]) =>
    ({
      call: async () => {
        const next = answers.shift();
        if (!next) throw new Error('unexpected extra QuickBooks call');
        throw parseFault(next.status, next.body);
      },
    }) as unknown as ProviderCaller;
  const fault = (status: number, code: string, element = '', detail = '') => ({
    status,
    body: JSON.stringify({ Fault: { Error: [{ Message: `fault ${code}`, Detail: detail, code, element }], type: 'ValidationFault' } }),
  });

  async function hostEdited() {
    const linked = await linkedSupplier();
    await t.deps.sql`update host_records set data = data || '{"city":"Pateley Bridge","account_number":"H-7"}'::jsonb, updated_at = now()
      where tenant_id = ${linked.tenant.id} and host_id = 'host-1'`;
    const [connection] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${linked.id}`;
    return { ...linked, connection: connection! };
  }

  test.each([
    ['6000 business validation', [fault(400, '6000', '', 'Business Validation Error: something')], '6000'],
    ['6140 duplicate document number', [fault(400, '6140')], '6140'],
    ['2010 unsupported property', [fault(400, '2010', 'Colour')], '2010'],
    ['2020 required field missing', [fault(400, '2020', 'DisplayName')], '2020'],
    ['610 object not found', [fault(400, '610')], '610'],
    ['5010 stale twice: stale, re-read refused with 610', [fault(400, '5010'), fault(400, '610')], '610'],
    ['4001 (internal)', [fault(400, '4001')], '4001'],
    ['5020 plan', [fault(400, '5020')], '5020'],
  ])('%s is a refused outcome, stored, never thrown', async (_name, answers, code) => {
    const { id, connection } = await hostEdited();
    const totals = await syncSupplierFields(t.deps, connection, scripted(...answers), ['host-1'], 'host');
    expect(totals.failed).toBe(1);
    expect(totals.outcomes[0]).toMatchObject({ status: 'refused', pushed: [] });
    expect(totals.outcomes[0]!.refused.map((refusal) => [refusal.field, refusal.quickbooks_code])).toEqual([
      ['city', code],
      ['account_number', code],
    ]);
    const logged = await t.deps.sql<{ field: string }[]>`select field from field_sync_log where connection_id = ${id} and action = 'refused' order by id`;
    expect(logged.map((row) => row.field)).toEqual(['city', 'account_number']);
  });

  test('a refusal naming one field drops that field and writes the others', async () => {
    const { connection } = await hostEdited();
    let sent: Record<string, unknown> | undefined;
    const caller = {
      call: async (request: (api: { post: (path: string, body: Record<string, unknown>) => Promise<unknown> }) => Promise<unknown>) =>
        request({
          post: async (_path, body) => {
            if (body.AcctNum !== undefined) throw parseFault(400, fault(400, '2050', 'AcctNum', 'Length of the field exceeds 100 chars').body);
            sent = body;
            return { Vendor: { ...(await quickbooksVendor(connection.external_id, connection.id, String(body.Id))), ...body, SyncToken: String(Number(body.SyncToken) + 1) } };
          },
        }),
    } as unknown as ProviderCaller;
    const totals = await syncSupplierFields(t.deps, connection, caller, ['host-1'], 'host');
    expect(totals.outcomes[0]).toMatchObject({ status: 'partly_refused', pushed: ['city'], refused: [{ field: 'account_number', quickbooks_field: 'AcctNum', quickbooks_code: '2050' }] });
    expect((sent?.BillAddr as { City?: string }).City).toBe('Pateley Bridge');
  });

  test.each([
    ['403 ApplicationAuthorizationFailed', { status: 403, body: '{"fault":{"error":[{"message":"message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403","detail":null,"code":"3100","element":null}],"type":"SERVICE"}}' }, 'needs_reconnect'],
    ['503 outage', { status: 503, body: '<html>503 Service Unavailable</html>' }, 'provider_down'],
    ['429 throttle', { status: 429, body: '<IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>ThrottleExceeded</Message></Error></Fault></IntuitResponse>' }, 'rate_limited'],
  ])('%s propagates (the caller must act on the connection), and nothing is stored as agreed', async (_name, answer, category) => {
    const { id, connection } = await hostEdited();
    const [before] = await t.deps.sql<{ field_baseline: unknown }[]>`select field_baseline from party_links where connection_id = ${id}`;
    await expect(syncSupplierFields(t.deps, connection, scripted(answer), ['host-1'], 'host')).rejects.toMatchObject({ category });
    const [after] = await t.deps.sql<{ field_baseline: unknown }[]>`select field_baseline from party_links where connection_id = ${id}`;
    expect(after!.field_baseline).toEqual(before!.field_baseline);
  });
});
