import { describe, expect, test } from 'vitest';
import { open } from '../bff/crypto/vault.ts';
import { FIELD_SYNC_JOB } from '../bff/jobs/field-sync.ts';
import { jobHistory } from '../bff/jobs/queue.ts';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { runReactions, syncOnce } from './support/sync.ts';

const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));

/** A linked supplier (host-1 ↔ the first vendor) after the first import, as field-sync.test.ts sets it up. */
async function linkedSupplier() {
  const tenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'GB', plan: 'Plus' });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  const id = result.connection!.id;
  await syncOnce(t, id);
  const vendors = await t.deps.sql<{ external_id: string; data: Record<string, any> }[]>`
    select external_id, data from records where connection_id = ${id} and type = 'Vendor' and coalesce(active, true) order by external_id::int limit 2`;
  const [vendor, other] = vendors;
  const host = { id: 'host-1', name: String(vendor!.data.DisplayName), city: vendor!.data.BillAddr?.City ?? 'Leeds', phone: vendor!.data.PrimaryPhone?.FreeFormNumber };
  await t.request('/v1/organizations/org-1/host-records/suppliers', { method: 'PUT', token: tenant.secretKey, json: { records: [host] } });
  const linked = await t.request(`/v1/connections/${id}/links`, {
    method: 'POST',
    token: tenant.secretKey,
    json: { kind: 'suppliers', links: [{ host_id: 'host-1', provider_id: vendor!.external_id, method: 'manual' }] },
  });
  expect(linked.status).toBe(201);
  return { tenant, id, realm, vendorId: vendor!.external_id, host, otherName: String(other!.data.DisplayName) };
}

/** Someone edits the vendor inside QuickBooks; the sandbox clock moves so the change is after the watermark. */
async function editInQuickBooks(realm: string, connectionId: string, vendorId: string, changes: Record<string, unknown>) {
  const [row] = await t.deps.sql<{ access_token: string }[]>`select access_token from connection_tokens where connection_id = ${connectionId}`;
  const token = open(row!.access_token, t.deps.keys.keyring);
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' };
  const read = await fetch(`${sandbox.url}/qbo/v3/company/${realm}/vendor/${vendorId}?minorversion=75`, { headers });
  const vendor = ((await read.json()) as { Vendor: Record<string, any> }).Vendor;
  const write = await fetch(`${sandbox.url}/qbo/v3/company/${realm}/vendor?minorversion=75`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ Id: vendor.Id, SyncToken: vendor.SyncToken, sparse: true, ...changes }),
  });
  expect(write.status).toBe(200);
  await sandbox.control('POST', '/clock', { advance_seconds: 30 });
}

/**
 * The host's record changed in our store without the host-side sync running (as if the PUT's own field sync
 * had not got to it): the next reaction to a QuickBooks change pushes it.
 */
async function renameHostRecordQuietly(tenantId: string, host: Record<string, unknown>, name: string) {
  await t.deps.sql`
    update host_records set data = ${t.deps.sql.json({ ...host, name } as never)}, updated_at = now()
    where tenant_id = ${tenantId} and organization_id = 'org-1' and kind = 'suppliers' and host_id = 'host-1'`;
}

describe('reactions to a committed sync run', () => {
  test('a QuickBooks write refused during field sync does not fail the read sync; the field-sync job records the refusal and still reports QuickBooks edits', async () => {
    const { tenant, id, realm, vendorId, host, otherName } = await linkedSupplier();
    // Pushing this name makes QuickBooks refuse the write: another vendor already has it (6240).
    await renameHostRecordQuietly(tenant.id, host, otherName);
    await editInQuickBooks(realm, id, vendorId, { PrimaryPhone: { FreeFormNumber: '0113 496 0101' } });

    const run = await syncOnce(t, id);
    expect(run).toMatchObject({ status: 'succeeded', error: null });
    const [connection] = await t.deps.sql<{ last_error: unknown }[]>`select last_error from connections where id = ${id}`;
    expect(connection!.last_error).toBeNull();
    const [stored] = await t.deps.sql<{ phone: string }[]>`
      select data->'PrimaryPhone'->>'FreeFormNumber' as phone from records where connection_id = ${id} and type = 'Vendor' and external_id = ${vendorId}`;
    expect(stored!.phone).toBe('0113 496 0101'); // the read sync did its job

    const [job] = await jobHistory(t.deps.sql, FIELD_SYNC_JOB, id);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1, last_error: null, payload: { connection_id: id, since: run.started_at!.toISOString() } });
    expect(job!.outcome).toMatchObject({ suppliers: 1, reported: 1, failed: 1 });
    expect(JSON.stringify(job!.outcome)).toMatch(/already used/);
    expect(await t.deps.sql`select 1 from events where connection_id = ${id} and type = 'supplier.updated'`).toHaveLength(1);
    const [after] = await t.deps.sql<{ status: string }[]>`select status from sync_runs where id = ${run.id}`;
    expect(after!.status).toBe('succeeded');
  });

  test('QuickBooks down during field sync: the job retries on its own schedule and then reports the edit; the run stays succeeded', async () => {
    const { tenant, id, realm, vendorId, host } = await linkedSupplier();
    // A host rename waiting to be written (so the job must call QuickBooks) and a QuickBooks edit to report.
    await renameHostRecordQuietly(tenant.id, host, `${host.name} Holdings`);
    await editInQuickBooks(realm, id, vendorId, { PrimaryPhone: { FreeFormNumber: '0113 496 0202' } });
    const run = await syncOnce(t, id, { reactions: false });
    expect(run.status).toBe('succeeded');

    await sandbox.control('PUT', '/qbo/settings', { fault_rate: 1, fault_kinds: ['503'] });
    try {
      await runReactions(t, id, [FIELD_SYNC_JOB]);
    } finally {
      await sandbox.control('PUT', '/qbo/settings', { fault_rate: 0 });
    }
    const [failing] = await jobHistory(t.deps.sql, FIELD_SYNC_JOB, id);
    expect(failing).toMatchObject({ status: 'queued', attempts: 1 });
    expect(failing!.last_error).toBeTruthy();
    expect(await t.deps.sql`select 1 from events where connection_id = ${id} and type = 'supplier.updated'`).toHaveLength(0);

    expect(await runReactions(t, id, [FIELD_SYNC_JOB])).toEqual([]); // not due yet
    t.advanceClock(120);
    const [outcome] = await runReactions(t, id, [FIELD_SYNC_JOB]);
    expect(outcome).toMatchObject({ outcome: 'succeeded', value: { suppliers: 1, pushed: 1, reported: 1, failed: 0 } });
    const [done] = await jobHistory(t.deps.sql, FIELD_SYNC_JOB, id);
    expect(done).toMatchObject({ id: failing!.id, status: 'succeeded', attempts: 2, last_error: null });
    expect(await t.deps.sql`select 1 from events where connection_id = ${id} and type = 'supplier.updated'`).toHaveLength(1);
    const [after] = await t.deps.sql<{ status: string }[]>`select status from sync_runs where id = ${run.id}`;
    expect(after!.status).toBe('succeeded'); // the reaction's fortunes never touch the run
  }, 60_000);

  test('a field sync that failed for good is picked up by the next run\'s: the edit it could not report is reported then', async () => {
    const { id, realm, vendorId } = await linkedSupplier();
    await editInQuickBooks(realm, id, vendorId, { PrimaryPhone: { FreeFormNumber: '0113 496 0303' } });
    const first = await syncOnce(t, id, { reactions: false });
    // As if QuickBooks had been down through every retry.
    await t.deps.sql`update jobs set status = 'failed', attempts = max_attempts, finished_at = now(), last_error = 'QuickBooks 503' where kind = ${FIELD_SYNC_JOB} and dedupe_key = ${id}`;
    const second = await syncOnce(t, id, { reactions: false }); // changes nothing linked by itself
    expect(second.status).toBe('succeeded');
    const [next] = (await jobHistory(t.deps.sql, FIELD_SYNC_JOB, id)).filter((job) => job.status === 'queued');
    expect(next).toMatchObject({ payload: { connection_id: id, since: first.started_at!.toISOString() } });
    await runReactions(t, id, [FIELD_SYNC_JOB]);
    expect(await t.deps.sql`select 1 from events where connection_id = ${id} and type = 'supplier.updated'`).toHaveLength(1);
  });

  test('a run that changed no linked supplier queues no field sync', async () => {
    const { id } = await linkedSupplier();
    await syncOnce(t, id);
    expect(await jobHistory(t.deps.sql, FIELD_SYNC_JOB, id)).toEqual([]);
  });
});
