import type { Health } from '../../shared/api/sync.ts';
import type { Sql } from '../db/client.ts';
import { scoreHealth, type CheckResult } from './health-score.ts';

const transactionTypes = ['Invoice', 'Bill', 'Purchase', 'JournalEntry', 'Deposit', 'CreditMemo', 'VendorCredit', 'SalesReceipt', 'Payment', 'BillPayment'];
const taxedTypes = ['Invoice', 'Bill', 'Purchase', 'SalesReceipt', 'CreditMemo', 'VendorCredit'];

interface Row {
  count: number;
  population: number;
  examples: { id: string; name: string }[] | null;
}

/**
 * Runs every check against the connection's mirrored records (live ones only) and scores them
 * (see health-score.ts for the formula). Each query returns the count, the population it looked at and up
 * to five examples, so the widget can show what to fix.
 */
export async function computeHealth(sql: Sql, connectionId: string, country: string | null, now: Date): Promise<Health> {
  const today = now.toISOString().slice(0, 10);
  const live = sql`connection_id = ${connectionId} and deleted_at is null`;
  const examples = sql`coalesce(jsonb_agg(jsonb_build_object('id', external_id, 'name', coalesce(name, type || ' ' || external_id))) filter (where hit and rank <= 5), '[]')`;

  const run = async (id: string, label: string, weight: number, query: ReturnType<typeof sql>): Promise<CheckResult> => {
    const [row] = await sql<Row[]>`
      select count(*) filter (where hit)::int as count, count(*)::int as population, ${examples} as examples
      from (select *, row_number() over (partition by hit order by external_id) as rank from (${query}) q) ranked`;
    return { id, label, weight, count: row?.count ?? 0, population: row?.population ?? 0, examples: row?.examples ?? [] };
  };

  const uncategorised = sql`select external_id from records where ${live} and type = 'Account' and name ~* '^(uncategori[sz]ed|ask my accountant)'`;
  const checks = await Promise.all([
    run('uncategorised', 'Transactions posted to uncategorised income or expense', 20, sql`
      select external_id, name, type, exists (
        select 1 from jsonb_array_elements(coalesce(data->'Line', '[]')) line, jsonb_each(line) detail
        where jsonb_typeof(detail.value) = 'object' and detail.value->'AccountRef'->>'value' in (${uncategorised})
      ) as hit
      from records where ${live} and type in ${sql(['Bill', 'Purchase', 'JournalEntry', 'Deposit', 'VendorCredit'])}`),
    run('duplicate_names', 'Vendors or customers with duplicate names', 10, sql`
      select external_id, name, type, count(*) over (partition by lower(regexp_replace(coalesce(name, ''), '[^[:alnum:]]', '', 'g'))) > 1 as hit
      from records where ${live} and type in ('Vendor', 'Customer') and coalesce(active, true)`),
    run('unapplied_payments', 'Unapplied customer payments and credits', 15, sql`
      select external_id, name, type,
        case when type = 'Payment' then coalesce((data->>'UnappliedAmt')::numeric, 0) > 0
             else coalesce((data->>'Balance')::numeric, (data->>'RemainingCredit')::numeric, 0) > 0 end as hit
      from records where ${live} and type in ('Payment', 'CreditMemo')`),
    run('overdue', 'Overdue invoices and bills', 20, sql`
      select external_id, name, type, coalesce(data->>'DueDate', '9999-12-31') < ${today} as hit
      from records where ${live} and type in ('Invoice', 'Bill') and coalesce((data->>'Balance')::numeric, 0) > 0`),
    run('inactive_accounts_with_balance', 'Inactive accounts that still have a balance', 10, sql`
      select external_id, name, type, (active = false and coalesce((data->>'CurrentBalance')::numeric, 0) <> 0) as hit
      from records where ${live} and type = 'Account'`),
    country && country !== 'US'
      ? run('missing_tax_codes', 'Transactions with lines missing a tax code', 15, sql`
          select external_id, name, type, exists (
            select 1 from jsonb_array_elements(coalesce(data->'Line', '[]')) line, jsonb_each(line) detail
            where detail.key in ('SalesItemLineDetail', 'ItemBasedExpenseLineDetail', 'AccountBasedExpenseLineDetail')
              and detail.value->'TaxCodeRef' is null
          ) as hit
          from records where ${live} and type in ${sql(taxedTypes)}`)
      : Promise.resolve({ id: 'missing_tax_codes', label: 'Transactions with lines missing a tax code', weight: 15, count: 0, population: 0, examples: [] }),
    run('future_dated', 'Future-dated transactions', 10, sql`
      select external_id, name, type, txn_date > ${today}::date as hit
      from records where ${live} and type in ${sql(transactionTypes)}`),
  ]);

  return {
    score: scoreHealth(checks),
    computed_at: now.toISOString(),
    checks: checks.map(({ id, label, weight, count, examples: list }) => ({ id, label, weight, count, examples: list })),
  };
}
