import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createTenant } from '../tenants/store.ts';
import { testDatabase } from '../../test/support/database.ts';
import { findConnection, findPresentedConnection, listPresentedConnections, presentConnection } from './store.ts';

/** The widget's reads select only what a connection's presentation and visibility need, and present the same. */
const sql = testDatabase();

describe('presented connection reads', () => {
  // One read also names its tenant: reads of several organizations share a query, and each row is held to its caller's.
  test('read one or list: the presented columns only, presented exactly as the whole row is, scoped to the organization', async () => {
    const tenant = await createTenant(sql, { name: 'Presented', allowed_origins: [] });
    await sql`insert into organizations (tenant_id, id) values (${tenant.id}, 'org-p'), (${tenant.id}, 'org-q')`;
    const id = `con_${randomBytes(10).toString('hex')}`;
    await sql`
      insert into connections (id, tenant_id, organization_id, provider, external_id, company_name, status, connected_at, last_synced_at, health, last_error, visibility_mode, visible_user_ids)
      values (${id}, ${tenant.id}, 'org-p', 'qbo', ${'realm-' + id}, 'Presented Co', 'connected', now(), now(), '{"ok":true}', '{"code":"x"}', 'restricted', '{user-1}')`;
    const scope = { tenantId: tenant.id, organizationId: 'org-p' };
    const presented = await findPresentedConnection(sql, scope, id);
    const whole = await findConnection(sql, scope, id);
    expect(Object.keys(presented!).sort()).toEqual(
      ['company_name', 'connected_at', 'connected_by', 'country', 'created_at', 'external_id', 'id', 'last_refreshed_at', 'last_synced_at', 'legal_name', 'organization_id', 'plan', 'provider', 'status', 'status_reason', 'tenant_id', 'visibility_mode', 'visible_user_ids'],
    );
    expect(presented).toMatchObject({ visibility_mode: 'restricted', visible_user_ids: ['user-1'] });
    expect(presentConnection(presented!)).toEqual(presentConnection(whole!));
    expect((await listPresentedConnections(sql, tenant.id, 'org-p')).map(presentConnection)).toEqual([presentConnection(whole!)]);
    expect(await findPresentedConnection(sql, { tenantId: tenant.id, organizationId: 'org-q' }, id)).toBeUndefined();
    expect(await listPresentedConnections(sql, tenant.id, 'org-q')).toEqual([]);
  });
});
