import type { Sql } from '../../bff/db/client.ts';

/**
 * The TaxCodeRef a test's purchase or sale line needs in a company that taxes per line (UK, CA, AU: QuickBooks
 * refuses a line without one, 6000), from the mirror; zero-rated where the company has such a code, so amounts
 * stay what the test booked. US companies need none: undefined.
 */
export async function lineTaxCode(sql: Sql, connectionId: string, use: 'sales' | 'purchase'): Promise<{ value: string } | undefined> {
  const [company] = await sql<{ country: string | null }[]>`
    select data->>'Country' as country from records where connection_id = ${connectionId} and type = 'CompanyInfo' and deleted_at is null`;
  if (!company || (company.country ?? 'US').toUpperCase() === 'US') return undefined;
  const list = use === 'sales' ? 'SalesTaxRateList' : 'PurchaseTaxRateList';
  const rows = await sql<{ type: string; external_id: string; data: Record<string, any> }[]>`
    select type, external_id, data from records
    where connection_id = ${connectionId} and type in ('TaxCode', 'TaxRate') and deleted_at is null and coalesce(active, true)
    order by external_id`;
  const rate = new Map(rows.filter((row) => row.type === 'TaxRate').map((row) => [row.external_id, Number(row.data.RateValue ?? 0)]));
  const details = (row: { data: Record<string, any> }): { TaxRateRef: { value: string } }[] => row.data[list]?.TaxRateDetail ?? [];
  const usable = rows.filter((row) => row.type === 'TaxCode' && details(row).length > 0);
  const zero = usable.find((row) => details(row).every((detail) => rate.get(String(detail.TaxRateRef.value)) === 0));
  const code = zero ?? usable[0];
  if (!code) throw new Error(`connection ${connectionId} has no ${use} tax code`);
  return { value: code.external_id };
}
