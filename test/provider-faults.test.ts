import { describe, expect, test } from 'vitest';
import { testApp } from './support/app.ts';
import { linkedSupplier } from './support/linked-supplier.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { syncOnce } from './support/sync.ts';

/**
 * QuickBooks faults that are about the connection or QuickBooks itself, met through the real routes and
 * the real sync engine against the sandbox: each is classified with the action that fixes it, and none
 * turns a saved host PUT into a 500.
 */
const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));

/** A connected, imported company with one linked supplier (host-1). */
const linked = () => linkedSupplier(t, sandbox, 'host-1');

/**
 * The app loses access to the company while its token still works (QuickBooks answers 403,
 * ApplicationAuthorizationFailed, code 3100): here, by pointing the connection at a company its grant
 * does not cover, which is exactly the check QuickBooks makes.
 */
async function loseAccess(connectionId: string) {
  const { realm_id: other } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'GB', plan: 'Plus' });
  await t.deps.sql`update connections set external_id = ${other} where id = ${connectionId}`;
}

describe('faults about the connection or QuickBooks itself', () => {
  test('403 ApplicationAuthorizationFailed during a sync is needs_reconnect with Reconnect, not "something went wrong on our side"', async () => {
    const { id } = await linked();
    await loseAccess(id);
    const run = await syncOnce(t, id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ category: 'needs_reconnect', action: 'reconnect' });
    expect(run.error!.message).toContain('Reconnect');
    // The connection itself says so, so schedules stop and the components offer Reconnect.
    const [connection] = await t.deps.sql<{ status: string; status_reason: string }[]>`select status, status_reason from connections where id = ${id}`;
    expect(connection).toEqual({ status: 'needs_reconnect', status_reason: expect.stringContaining('lost access') });
  });

  test('403 ApplicationAuthorizationFailed on a connection check turns the connection needs_reconnect', async () => {
    const { tenant, id } = await linked();
    await loseAccess(id);
    const token = await t.session(tenant, 'org-1');
    const answer = await t.request(`/v1/widget/connections/${id}/check`, { method: 'POST', token });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { status: string }).status).toBe('needs_reconnect');
  });

  test('403 while writing a host edit: the PUT still answers 200 with the records saved and says to reconnect', async () => {
    const { tenant, id, put } = await linked();
    await loseAccess(id);
    const answer = await put({ city: 'Otley' });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { upserted: number; field_sync: { unreachable: any[]; outcomes: any[] } };
    expect(body.upserted).toBe(1);
    expect(body.field_sync.outcomes).toEqual([]);
    expect(body.field_sync.unreachable).toEqual([
      { connection_id: id, category: 'needs_reconnect', action: 'reconnect', field: null, quickbooks_field: null, quickbooks_code: '3100', message: expect.stringContaining('Reconnect') },
    ]);
    const [stored] = await t.deps.sql<{ data: any }[]>`select data from host_records where tenant_id = ${tenant.id} and host_id = 'host-1'`;
    expect(stored!.data.city).toBe('Otley');
  });

  test('QuickBooks down while writing a host edit: 200, records saved, the connection listed as provider_down with retry', async () => {
    const { id, put } = await linked();
    await sandbox.control('PUT', '/qbo/settings', { fault_rate: 1, fault_kinds: ['503'] });
    try {
      const answer = await put({ city: 'Ilkley' });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { field_sync: { unreachable: any[] } };
      expect(body.field_sync.unreachable).toEqual([expect.objectContaining({ connection_id: id, category: 'provider_down', action: 'retry' })]);
    } finally {
      await sandbox.control('PUT', '/qbo/settings', { fault_rate: 0 });
    }
  }, 60_000);
});
