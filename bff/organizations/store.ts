import { effectiveSettings, type OrganizationSettings } from '../../shared/api/organizations.ts';
import type { Sql } from '../db/client.ts';

/** Organizations exist from the first time a host mentions them (a session, a settings write). */
export async function ensureOrganization(sql: Sql, tenantId: string, organizationId: string): Promise<void> {
  await sql`insert into organizations (tenant_id, id) values (${tenantId}, ${organizationId}) on conflict do nothing`;
}

/** Effective settings: what the host stored, over the defaults. */
export async function getSettings(sql: Sql, tenantId: string, organizationId: string): Promise<OrganizationSettings> {
  const [row] = await sql<{ settings: Record<string, unknown> }[]>`
    select settings from organizations where tenant_id = ${tenantId} and id = ${organizationId}`;
  return effectiveSettings(row?.settings).settings;
}

/** Merges a partial change into the stored settings in one statement, so concurrent writers never lose fields. */
export async function updateSettings(
  sql: Sql,
  tenantId: string,
  organizationId: string,
  change: Partial<OrganizationSettings>,
): Promise<OrganizationSettings> {
  const defined = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
  const [row] = await sql<{ settings: Record<string, unknown> }[]>`
    insert into organizations (tenant_id, id, settings) values (${tenantId}, ${organizationId}, ${sql.json(defined)})
    on conflict (tenant_id, id) do update
      set settings = organizations.settings || excluded.settings, updated_at = now()
    returning settings`;
  return effectiveSettings(row?.settings).settings;
}
