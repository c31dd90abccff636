import type { CompanyLists, QboRecord } from '../../shared/mapping/types.ts';
import type { Queryable } from '../db/client.ts';

const LIST_TYPES = ['CompanyInfo', 'Preferences', 'TaxCode', 'TaxRate', 'TaxAgency', 'Item', 'Account', 'Employee', 'Class', 'Department'] as const;

/**
 * The QuickBooks lists a mapping is checked against, from the connection's mirror as the last sync left it
 * (inactive records included, tombstoned ones gone: a deleted target is "not found").
 */
export async function loadCompanyLists(sql: Queryable, connectionId: string): Promise<CompanyLists> {
  const rows = await sql<{ type: string; data: QboRecord }[]>`
    select type, data from records
    where connection_id = ${connectionId} and type in ${sql(LIST_TYPES as unknown as string[])} and deleted_at is null
    order by type, external_id`;
  const of = (type: string) => rows.filter((row) => row.type === type).map((row) => row.data);
  return {
    companyInfo: of('CompanyInfo')[0] ?? null,
    preferences: of('Preferences')[0] ?? null,
    taxCodes: of('TaxCode'),
    taxRates: of('TaxRate'),
    taxAgencies: of('TaxAgency'),
    items: of('Item'),
    accounts: of('Account'),
    employees: of('Employee'),
    classes: of('Class'),
    departments: of('Department'),
  };
}
