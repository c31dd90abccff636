import { describe, expect, test } from 'vitest';
import { qboApiFor } from '../bff/connections/provider.ts';
import type { ConnectionRow } from '../bff/connections/store.ts';
import type { MappingTables } from '../bff/writeback/mapping-lookup.ts';
import { tableResolver } from '../bff/writeback/mapping-lookup.ts';
import { markedVersion } from '../bff/writeback/translate.ts';
import type { Document } from '../shared/api/documents.ts';
import { testApp } from './support/app.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { sampleDocument, writebackCompany } from './support/writeback.ts';

const sandbox = await startSandbox({ rate_limit_per_minute: 1_000_000 });
const mappings = new Map<string, MappingTables>();
const t = testApp({ ...sandboxDeps(sandbox.url), qboLimits: { perMinute: 1_000_000, concurrent: 10 }, writebackMappings: tableResolver((id) => mappings.get(id)) });

const faultsOff = { fault_rate: 0, request_id_window_seconds: 86_400 };

async function connection(id: string): Promise<ConnectionRow> {
  const [row] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${id}`;
  return row!;
}

/** Every record of `type` QuickBooks holds that carries a marker, read back through the API with faults off. */
async function markedRecords(id: string, type: string, since: string): Promise<Record<string, any>[]> {
  const api = qboApiFor(t.deps, await connection(id));
  const out: Record<string, any>[] = [];
  for (let start = 1; ; start += 1000) {
    const page = await api.query<Record<string, any>>(`SELECT * FROM ${type} WHERE MetaData.CreateTime >= '${since}' STARTPOSITION ${start} MAXRESULTS 1000`);
    const items = (page[type] as Record<string, any>[] | undefined) ?? [];
    out.push(...items);
    if (items.length < 1000) return out;
  }
}

const kinds = ['customer', 'vendor', 'invoice', 'bill', 'purchase_order', 'time_activity'] as const;
const typeOf = { customer: 'Customer', vendor: 'Vendor', invoice: 'Invoice', bill: 'Bill', purchase_order: 'PurchaseOrder', time_activity: 'TimeActivity' } as const;

/**
 * Pushes 1,000 documents of mixed kinds while the sandbox fails 20 % of calls (answers lost after the write
 * committed, 500, 503, throttles), optionally moving the sandbox clock past the requestid window between rounds,
 * then counts what QuickBooks holds: one record per document, none twice.
 */
async function pushThousand(passWindow: boolean) {
  await sandbox.control('PUT', '/qbo/settings', faultsOff);
  const c = await writebackCompany(t, sandbox, mappings);
  const since = new Date(Date.now() - 60_000).toISOString();
  const tag = passWindow ? 'w' : 'f';
  const documents = Array.from({ length: 1000 }, (_, n) => sampleDocument(kinds[n % kinds.length]!, n, tag));
  for (const document of documents) expect((await c.submit(document)).status).toBe(201);
  await sandbox.control('PUT', '/qbo/settings', { fault_rate: 0.2, fault_kinds: ['lost', '500', '503', 'throttle'], throttle_retry_after_seconds: 0, request_id_window_seconds: passWindow ? 1 : 86_400 });
  try {
    for (let round = 0; round < 30; round++) {
      if (passWindow) await sandbox.control('POST', '/clock', { advance_seconds: 5 });
      await c.push();
      const [left] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from documents where connection_id = ${c.id} and status not in ('pushed', 'pushed_with_variance')`;
      if (left!.n === 0) break;
      // A document that failed five times in a row (about one in a thousand at this fault rate) waits 32 s and more
      // for its next try, beyond what one push waits: time passes for it, as it would for the job queue.
      t.advanceClock(60);
    }
  } finally {
    await sandbox.control('PUT', '/qbo/settings', faultsOff);
  }
  const statuses = await t.deps.sql<{ status: string; n: number }[]>`select status, count(*)::int as n from documents where connection_id = ${c.id} group by status`;
  expect(Object.fromEntries(statuses.map((row) => [row.status, row.n]))).toEqual({ pushed: 1000 });
  const stats = await sandbox.control('GET', `/qbo/companies/${c.realm}/stats`);
  expect(stats.faults_injected).toBeGreaterThan(100);
  const ids = new Set<string>();
  let total = 0;
  for (const kind of kinds) {
    const records = await markedRecords(c.id, typeOf[kind], since);
    // Time entries carry no marker: every one created since the push began is ours (the company is this test's).
    const mine = records.filter((record) =>
      kind === 'customer' || kind === 'vendor'
        ? String(record.DisplayName).startsWith(`WB ${kind === 'customer' ? 'Client' : 'Supplier'} ${tag} `)
        : kind === 'time_activity' || /\[ledgerlink doc_/.test(String(record.PrivateNote ?? '')),
    );
    const keys = mine.map((record) => (kind === 'customer' || kind === 'vendor' ? String(record.DisplayName) : kind === 'time_activity' ? String(record.Id) : /\[ledgerlink (doc_[0-9a-f]+)/.exec(String(record.PrivateNote))![1]!));
    expect(new Set(keys).size, `${kind}: no duplicates`).toBe(keys.length);
    total += mine.length;
    for (const record of mine) ids.add(`${typeOf[kind]}:${record.Id}`);
  }
  expect(total).toBe(1000);
  const recorded = await t.deps.sql<{ provider_type: string; provider_id: string }[]>`select provider_type, provider_id from documents where connection_id = ${c.id}`;
  expect(new Set(recorded.map((row) => `${row.provider_type}:${row.provider_id}`))).toEqual(ids);
  return c;
}

describe('write-back: exactly once', () => {
  test('1,000 documents of mixed kinds under 20 % faults (lost answers after commit, 5xx, 429): 1,000 records, no duplicates, all pushed', async () => {
    await pushThousand(false);
  }, 600_000);

  test('the same when retries come after the requestid window has passed (sandbox clock advanced)', async () => {
    await pushThousand(true);
  }, 600_000);

  test('a lost answer after commit is adopted by marker: one record, the id recorded, no second create', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const created = (await (await c.submit(sampleDocument('bill', 1, 'lost'))).json()) as Document;
    await sandbox.control('PUT', '/qbo/settings', { request_id_window_seconds: 0 });
    await sandbox.control('POST', `/qbo/companies/${c.realm}/faults`, { kinds: ['lost'] });
    try {
      await c.push();
    } finally {
      await sandbox.control('PUT', '/qbo/settings', faultsOff);
    }
    const doc = await c.get(created.id);
    expect(doc.status).toBe('pushed');
    const bills = (await markedRecords(c.id, 'Bill', new Date(Date.now() - 60_000).toISOString())).filter((bill) => markedVersion(created.id, bill.PrivateNote) !== null);
    expect(bills.map((bill) => bill.Id)).toEqual([doc.quickbooks_id]);
  });
});
