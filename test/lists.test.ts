import { describe, expect, test } from 'vitest';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { syncOnce } from './support/sync.ts';

const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));

async function connected() {
  const tenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'US', plan: 'Plus' });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  const id = result.connection!.id;
  expect((await syncOnce(t, id)).status).toBe('succeeded');
  return { tenant, realm, id, headers: { origin: tenant.origin } };
}

const post = async (path: string, token: string, headers: Record<string, string> = {}) => {
  const response = await t.request(path, { method: 'POST', token, headers });
  return { status: response.status, body: (await response.json()) as any };
};

/** Every page of import-new or update-existing, merged. */
async function drain(id: string, list: string, action: 'import-new' | 'update-existing', token: string, limit = 500) {
  const records: any[] = [];
  const deleted: any[] = [];
  for (let page = 0; page < 100; page++) {
    const { status, body } = await post(`/v1/connections/${id}/lists/${list}/${action}?limit=${limit}`, token);
    expect(status, JSON.stringify(body)).toBe(200);
    records.push(...body.records);
    deleted.push(...(body.deleted ?? []));
    if (!body.has_more) break;
  }
  return { records, deleted };
}

const live = (id: string, type: string) => t.deps.sql<{ external_id: string }[]>`
  select external_id from records where connection_id = ${id} and type = ${type} and deleted_at is null and coalesce(active, true)`;
const ids = (records: { id: string }[]) => records.map((record) => record.id).sort();

describe('list mirroring', () => {
  test('import-new hands over every live record once, parents before projects; the second call hands over nothing', async () => {
    const { tenant, id } = await connected();
    for (const [list, type] of [['accounts', 'Account'], ['classes', 'Class'], ['departments', 'Department'], ['items', 'Item']] as const) {
      const { records } = await drain(id, list, 'import-new', tenant.secretKey);
      expect(ids(records), list).toEqual((await live(id, type)).map((row) => row.external_id).sort());
      expect((await drain(id, list, 'import-new', tenant.secretKey)).records, list).toEqual([]);
    }

    // Customers in small pages: projects carry their parent, which always came in an earlier or the same page.
    const customers = await drain(id, 'customers', 'import-new', tenant.secretKey, 7);
    expect(customers.records.length).toBeGreaterThan(14);
    expect(ids(customers.records)).toEqual((await live(id, 'Customer')).map((row) => row.external_id).sort());
    const projects = customers.records.filter((record) => record.is_project);
    expect(projects.length).toBeGreaterThan(0);
    const position = new Map(customers.records.map((record, index) => [record.id, index]));
    for (const project of projects) {
      expect(project.parent_id).toBe(project.data.ParentRef.value);
      // Every project's parent is handed over too, and before it: a check skipped for a missing parent hid both.
      expect(position.has(project.parent_id), `parent ${project.parent_id} of ${project.id}`).toBe(true);
      expect(position.get(project.parent_id)!).toBeLessThan(position.get(project.id)!);
    }
    expect(customers.records[0]).toMatchObject({ type: 'Customer', active: true, data: { Id: customers.records[0].id } });

    const status = await t.request(`/v1/connections/${id}/lists/customers/status`, { token: tenant.secretKey });
    expect(await status.json()).toEqual({ list: 'customers', mirrored: customers.records.length, not_mirrored: 0, changed_since_mirror: 0, deleted_since_mirror: 0, flagged_deleted: 0 });
    const events = await t.deps.sql<{ data: any }[]>`select data from events where connection_id = ${id} and type = 'list.imported' and data ->> 'list' = 'customers'`;
    expect(events.flatMap((event) => event.data.ids).sort()).toEqual(ids(customers.records));
  });

  test('after QuickBooks changes: update-existing hands over exactly the changed, import-new exactly the created; a deletion is flagged once', async () => {
    const { tenant, realm, id } = await connected();
    const before = { customers: await drain(id, 'customers', 'import-new', tenant.secretKey), items: await drain(id, 'items', 'import-new', tenant.secretKey) };
    expect(before.customers.records.length).toBeGreaterThan(0);

    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    const { changes } = await sandbox.control<{ changes: { entity: string; id: string; operation: string }[] }>('POST', `/qbo/companies/${realm}/mutations`, {
      create: 6,
      update: 12,
      delete: 4,
      entities: ['Customer', 'Item'],
    });
    expect((await syncOnce(t, id)).status).toBe('succeeded');

    const seen = { updated: 0, created: 0, flagged: 0 };
    for (const [list, type] of [['customers', 'Customer'], ['items', 'Item']] as const) {
      const of = (operation: string) => new Set(changes.filter((change) => change.entity === type && change.operation === operation).map((change) => change.id));
      const created = of('Create');
      const removed = of('Delete');
      const updated = [...of('Update')].filter((changed) => !created.has(changed) && !removed.has(changed)).sort();

      const status = (await (await t.request(`/v1/connections/${id}/lists/${list}/status`, { token: tenant.secretKey })).json()) as any;
      expect(status, list).toMatchObject({ changed_since_mirror: updated.length, deleted_since_mirror: [...removed].filter((gone) => !created.has(gone)).length, flagged_deleted: 0 });

      const changed = await drain(id, list, 'update-existing', tenant.secretKey);
      expect(ids(changed.records), list).toEqual(updated);
      const flagged = [...removed].filter((gone) => !created.has(gone)).sort();
      expect(ids(changed.deleted), list).toEqual(flagged);
      for (const gone of changed.deleted) expect(gone).toMatchObject({ type, reason: 'deactivated', data: { Active: false } });

      seen.updated += updated.length;
      seen.flagged += flagged.length;
      const fresh = await drain(id, list, 'import-new', tenant.secretKey);
      seen.created += fresh.records.length;
      expect(ids(fresh.records), list).toEqual([...created].filter((made) => !removed.has(made)).sort());

      // Each deletion is flagged once and stays mirrored.
      const again = await drain(id, list, 'update-existing', tenant.secretKey);
      expect(again, list).toEqual({ records: [], deleted: [] });
      if (flagged.length > 0) {
        const kept = await t.deps.sql<{ external_id: string; flagged_deleted_at: Date | null }[]>`
          select external_id, flagged_deleted_at from list_mirrors where connection_id = ${id} and type = ${type} and external_id in ${t.deps.sql(flagged)}`;
        expect(kept.length, list).toBe(flagged.length);
        for (const row of kept) expect(row.flagged_deleted_at).toBeInstanceOf(Date);
      }
      const after = (await (await t.request(`/v1/connections/${id}/lists/${list}/status`, { token: tenant.secretKey })).json()) as any;
      expect(after, list).toMatchObject({ not_mirrored: 0, changed_since_mirror: 0, deleted_since_mirror: 0, flagged_deleted: flagged.length });
    }
    // The mutations really exercised every path.
    expect(seen.updated).toBeGreaterThanOrEqual(5);
    expect(seen.created).toBeGreaterThanOrEqual(5);
    expect(seen.flagged).toBeGreaterThanOrEqual(3);

    const updatedEvents = await t.deps.sql<{ data: any }[]>`select data from events where connection_id = ${id} and type = 'list.updated'`;
    expect(updatedEvents.length).toBeGreaterThan(0);
    expect(updatedEvents[0]!.data).toHaveProperty('deleted');
  });

  test('a record gone from QuickBooks (tombstone) is flagged as deleted; reactivation hands it over again', async () => {
    const { tenant, id } = await connected();
    const { records } = await drain(id, 'classes', 'import-new', tenant.secretKey);
    const [gone, back] = records;
    await t.deps.sql`update records set deleted_at = now(), change_seq = nextval('record_change_seq') where connection_id = ${id} and type = 'Class' and external_id = ${gone.id}`;
    await t.deps.sql`update records set active = false, data = data || '{"Active": false}', change_seq = nextval('record_change_seq') where connection_id = ${id} and type = 'Class' and external_id = ${back.id}`;
    const first = await drain(id, 'classes', 'update-existing', tenant.secretKey);
    expect(first.records).toEqual([]);
    expect(first.deleted.map((record) => [record.id, record.reason]).sort()).toEqual([[gone.id, 'deleted'], [back.id, 'deactivated']].sort());

    await t.deps.sql`update records set active = true, data = data || '{"Active": true}', change_seq = nextval('record_change_seq') where connection_id = ${id} and type = 'Class' and external_id = ${back.id}`;
    const second = await drain(id, 'classes', 'update-existing', tenant.secretKey);
    expect(ids(second.records)).toEqual([back.id]);
    expect(second.deleted).toEqual([]);
    const status = (await (await t.request(`/v1/connections/${id}/lists/classes/status`, { token: tenant.secretKey })).json()) as any;
    expect(status).toMatchObject({ mirrored: records.length, flagged_deleted: 1, changed_since_mirror: 0, not_mirrored: 0 });
  });

  test('widget: managers import, members only read status; tenants are isolated; a bad list names path.list', async () => {
    const { tenant, id, headers } = await connected();
    const admin = await t.session(tenant, 'org-1', { role: 'admin' });
    const member = await t.session(tenant, 'org-1', { id: 'mo', role: 'member' });

    const refused = await post(`/v1/widget/connections/${id}/lists/departments/import-new`, member, headers);
    expect(refused.status).toBe(403);
    expect((await post(`/v1/widget/connections/${id}/lists/departments/update-existing`, member, headers)).status).toBe(403);
    const taken = await post(`/v1/widget/connections/${id}/lists/departments/import-new`, admin, headers);
    expect(taken.status).toBe(200);
    expect(ids(taken.body.records)).toEqual((await live(id, 'Department')).map((row) => row.external_id).sort());
    const seen = await t.request(`/v1/widget/connections/${id}/lists/departments/status`, { token: member, headers });
    expect(seen.status).toBe(200);
    expect(await seen.json()).toMatchObject({ mirrored: taken.body.count, not_mirrored: 0 });

    const stranger = await t.createTenant();
    expect((await post(`/v1/connections/${id}/lists/accounts/import-new`, stranger.secretKey)).status).toBe(404);
    expect((await t.request(`/v1/connections/${id}/lists/accounts/status`, { token: stranger.secretKey })).status).toBe(404);
    const strangerAdmin = await t.session(stranger, 'org-1', { role: 'admin' });
    expect((await post(`/v1/widget/connections/${id}/lists/accounts/import-new`, strangerAdmin, { origin: stranger.origin })).status).toBe(404);
    const [strangers] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from list_mirrors where connection_id = ${id} and type = 'Account'`;
    expect(strangers!.n).toBe(0);

    const bad = await post(`/v1/connections/${id}/lists/vendors/import-new`, tenant.secretKey);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^path\.list: /);
    const tooMany = await post(`/v1/connections/${id}/lists/accounts/import-new?limit=5000`, tenant.secretKey);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/^query\.limit: /);
  });
});
