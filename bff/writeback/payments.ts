import { effectiveSettings } from '../../shared/api/organizations.ts';
import type { Deps } from '../context.ts';
import type { Queryable } from '../db/client.ts';
import { enqueueJob } from '../jobs/queue.ts';
import type { JobHandler } from '../jobs/run-job.ts';
import { recordDocumentEvent, type DocumentRow } from './store.ts';

export const DOCUMENT_PAYMENTS_JOB = 'document-payments';

type Qbo = Record<string, any>;
const cents = (value: unknown) => Math.round(Number(value ?? 0) * 100);

/** Payment transaction types QuickBooks links from an invoice or bill, and the mirrored type holding each. */
const paymentTypes: Record<string, string> = { Payment: 'Payment', BillPaymentCheck: 'BillPayment', BillPaymentCreditCard: 'BillPayment', BillPayment: 'BillPayment' };

/**
 * Called in the transaction that commits a sync run: when the organization imports payments and the connection
 * has pushed invoices or bills, queue the payment report (its own job: its failures never fail the sync).
 */
export async function enqueuePaymentImportAfterRun(tx: Queryable, connection: { id: string; tenant_id: string; organization_id: string }): Promise<void> {
  const [org] = await tx<{ settings: Record<string, unknown> }[]>`select settings from organizations where tenant_id = ${connection.tenant_id} and id = ${connection.organization_id}`;
  if (!effectiveSettings(org?.settings).settings.import_payments) return;
  const [pushed] = await tx`
    select 1 from documents where connection_id = ${connection.id} and kind in ('invoice', 'bill') and status in ('pushed', 'pushed_with_variance') limit 1`;
  if (!pushed) return;
  await enqueueJob(tx, { kind: DOCUMENT_PAYMENTS_JOB, payload: { connection_id: connection.id }, dedupeKey: connection.id, maxAttempts: 5 });
}

/**
 * Compares what QuickBooks says is paid of each pushed invoice and bill (mirrored by the sync: its balance,
 * and the payments linked to it) with what was last reported, and reports each change as document.paid.
 */
export async function reportDocumentPayments(deps: Deps, connectionId: string): Promise<{ reported: number }> {
  const rows = await deps.sql<(DocumentRow & { qb: Qbo })[]>`
    select d.*, r.data as qb from documents d
    join records r on r.connection_id = d.connection_id and r.type = d.provider_type and r.external_id = d.provider_id and r.deleted_at is null
    where d.connection_id = ${connectionId} and d.kind in ('invoice', 'bill') and d.status in ('pushed', 'pushed_with_variance')`;
  let reported = 0;
  for (const row of rows) {
    const total = cents(row.qb['TotalAmt']);
    const balance = cents(row.qb['Balance']);
    const links = ((row.qb['LinkedTxn'] as Qbo[] | undefined) ?? []).filter((link) => paymentTypes[String(link['TxnType'])]);
    const payments = [];
    for (const link of links) {
      const [payment] = await deps.sql<{ data: Qbo }[]>`
        select data from records where connection_id = ${connectionId} and type = ${paymentTypes[String(link['TxnType'])]!} and external_id = ${String(link['TxnId'])} and deleted_at is null`;
      const lines = ((payment?.data['Line'] as Qbo[] | undefined) ?? []).filter((line) => ((line['LinkedTxn'] as Qbo[] | undefined) ?? []).some((linked) => String(linked['TxnId']) === row.provider_id));
      payments.push({
        id: String(link['TxnId']),
        type: String(link['TxnType']),
        amount: lines.reduce((sum, line) => sum + cents(line['Amount']), 0) / 100,
        date: payment?.data['TxnDate'] ? String(payment.data['TxnDate']) : null,
      });
    }
    const paid = Math.max(0, total - balance);
    const next = { paid: paid / 100, balance: balance / 100, full: total > 0 && balance === 0, payments };
    if (row.payments && cents(row.payments.paid) === paid && row.payments.payments.length === payments.length) continue;
    if (!row.payments && paid === 0) continue;
    await deps.sql.begin(async (tx) => {
      const [updated] = await tx<DocumentRow[]>`update documents set payments = ${tx.json(next as never)}, updated_at = ${deps.now()} where id = ${row.id} returning *`;
      await recordDocumentEvent(tx, updated!, 'document.paid', { payments: next });
    });
    reported++;
  }
  return { reported };
}

export const documentPaymentsJob: JobHandler = {
  kind: DOCUMENT_PAYMENTS_JOB,
  async run(deps, job) {
    return reportDocumentPayments(deps, String((job.payload as { connection_id?: unknown }).connection_id ?? ''));
  },
};
