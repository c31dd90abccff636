import { expect } from 'vitest';
import type { testApp } from './app.ts';
import { connectThroughPopup } from './connect-flow.ts';
import type { RunningSandbox } from './sandbox.ts';
import { syncOnce } from './sync.ts';

/**
 * A connected, imported sandbox company with one host supplier linked to its first active vendor, through
 * the real routes. `put` sends that supplier again with some fields changed, as the host would.
 */
export async function linkedSupplier(t: ReturnType<typeof testApp>, sandbox: RunningSandbox, hostId: string) {
  const tenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'GB', plan: 'Plus' });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  const id = result.connection!.id;
  await syncOnce(t, id);
  const [vendor] = await t.deps.sql<{ external_id: string; data: Record<string, any> }[]>`
    select external_id, data from records where connection_id = ${id} and type = 'Vendor' and coalesce(active, true) order by external_id::int limit 1`;
  const host = { id: hostId, name: String(vendor!.data.DisplayName), city: vendor!.data.BillAddr?.City ?? 'Leeds' };
  const put = (changes: Record<string, unknown> = {}) =>
    t.request('/v1/organizations/org-1/host-records/suppliers', { method: 'PUT', token: tenant.secretKey, json: { records: [{ ...host, ...changes }] } });
  expect((await put()).status).toBe(200);
  const linked = await t.request(`/v1/connections/${id}/links`, {
    method: 'POST',
    token: tenant.secretKey,
    json: { kind: 'suppliers', links: [{ host_id: hostId, provider_id: vendor!.external_id, method: 'manual' }] },
  });
  expect(linked.status).toBe(201);
  return { tenant, id, realm, vendorId: vendor!.external_id, host, put };
}
