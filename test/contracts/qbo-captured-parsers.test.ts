import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { newId } from '../../bff/db/ids.ts';
import { describeQboFault, parseFault } from '../../bff/providers/qbo/faults.ts';
import { upsertQueryPage, tombstoneRecords, upsertRecords } from '../../bff/records/store.ts';
import { collectCdc, type CdcAnswer } from '../../bff/sync/incremental-run.ts';
import { testApp } from '../support/app.ts';
import { capturedAsQboJson } from './key-paths.ts';
import { QBO_CONTRACTS, qboSchema } from './xsd-schema.ts';

type Json = Record<string, unknown>;

/**
 * Responses QuickBooks really sent (captured by quickbooks-ruby) through our own parsing code: the fault parser
 * the HTTP client uses, the query-page upsert the import uses and the CDC reader the incremental sync uses.
 */
const t = testApp();

async function connection(): Promise<string> {
  const tenant = await t.createTenant();
  await t.session(tenant, 'org');
  const id = newId('con');
  await t.deps.sql`insert into connections (id, tenant_id, organization_id, provider, external_id, status) values (${id}, ${tenant.id}, 'org', 'qbo', ${id}, 'connected')`;
  return id;
}

const raw = (file: string) => readFileSync(`${QBO_CONTRACTS}captured-xml/${file}`, 'utf8');

describe('captured faults through parseFault', () => {
  test.each([
    // file, HTTP status QuickBooks answered with, what we must make of it
    ['throttle_exceeded_error.xml', 403, { kind: 'throttled', category: 'rate_limited', action: 'wait', code: '3001', message: 'message=ThrottleExceeded; errorCode=003001; statusCode=403', detail: 'The request limit was reached.  Try again later' }],
    ['too_many_requests_error.xml', 429, { kind: 'throttled', category: 'rate_limited', action: 'wait', code: '3001', message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', detail: 'The request limit was reached.  Try again later' }],
    ['generic_error.xml', 500, { kind: 'unavailable', category: 'provider_down', action: 'retry', code: '10000', message: 'An application error has occurred while processing your request', detail: 'System Failure Error: Could not find resource for relative : some more info here' }],
    ['query_validation_error.xml', 400, { kind: 'other', category: 'internal', action: 'contact_support', code: '4001', message: 'Invalid query', detail: 'QueryValidationError: value 0 is too small. Min allowed value is 1' }],
    ['customer_duplicate_error.xml', 400, { kind: 'validation', category: 'validation', action: 'fix_record', code: '6240', message: 'Duplicate Name Exists Error', detail: 'The name supplied already exists. : Another $$customer$$ is already using this name. Please use a different name.' }],
  ] as const)('%s (HTTP %i)', (file, status, expected) => {
    const error = parseFault(status, raw(file));
    expect({ kind: error.kind, category: error.category, action: error.action, code: error.code, message: error.faults[0]?.message, detail: error.faults[0]?.detail }).toEqual(expected);
    expect(error.faults).toHaveLength(1);
  });

  test('the duplicate-name capture tells the person which kind of record holds the name', () => {
    expect(describeQboFault(parseFault(400, raw('customer_duplicate_error.xml')), 'the vendor')).toBe(
      'The name is already used by a customer in QuickBooks (names are shared by vendors, customers and employees). Rename the vendor or link it to that record.',
    );
  });

  test('the same faults written as QuickBooks JSON parse the same way', () => {
    for (const file of ['generic_error.xml', 'query_validation_error.xml', 'customer_duplicate_error.xml']) {
      const json = JSON.stringify({ Fault: capturedAsQboJson(file)['Fault'] });
      const [fromXml, fromJson] = [parseFault(400, raw(file)), parseFault(400, json)];
      expect(fromJson.faults.map(({ code, message, detail }) => ({ code, message, detail })), file).toEqual(fromXml.faults.map(({ code, message, detail }) => ({ code, message, detail })));
      expect(fromJson.category, file).toBe(fromXml.category);
    }
  });
});

const PAGES: [string, string][] = [
  ['vendors.xml', 'Vendor'], ['customers.xml', 'Customer'], ['invoices.xml', 'Invoice'], ['items.xml', 'Item'], ['accounts.xml', 'Account'],
  ['payments.xml', 'Payment'], ['bill_payments.xml', 'BillPayment'], ['deposits.xml', 'Deposit'], ['tax_codes.xml', 'TaxCode'], ['tax_rates.xml', 'TaxRate'],
];

describe('captured query pages through upsertQueryPage', () => {
  test.each(PAGES)('%s: every %s stored with its Id, name, active flag, date and update time, data unchanged', async (file, type) => {
    const answer = capturedAsQboJson(file);
    const entities = (answer['QueryResponse'] as Json)[type] as Json[];
    expect(entities.length).toBeGreaterThan(0);
    // The captured page is valid QuickBooks JSON by the schema the sandbox is held to (the validator accepts real data).
    expect(qboSchema().violations(answer['QueryResponse'], 'QueryResponse')).toEqual([]);
    const id = await connection();
    const result = await upsertQueryPage(t.deps.sql, id, type, JSON.stringify(answer));
    expect(result).toEqual({ received: entities.length, changed: entities.length, lastId: String(entities.at(-1)!['Id']) });
    const rows = await t.deps.sql<{ external_id: string; data: Json; name: string | null; active: boolean | null; txn_date: Date | null; provider_updated_at: Date | null }[]>`
      select external_id, data, name, active, txn_date, provider_updated_at from records where connection_id = ${id} and type = ${type} order by external_id`;
    const expected = entities
      .map((entity) => ({
        external_id: String(entity['Id']),
        data: entity,
        name: (entity['DisplayName'] ?? entity['Name'] ?? entity['FullyQualifiedName'] ?? entity['DocNumber'] ?? null) as string | null,
        active: typeof entity['Active'] === 'boolean' ? entity['Active'] : null,
        txn_date: typeof entity['TxnDate'] === 'string' ? entity['TxnDate'].slice(0, 10) : null,
        provider_updated_at: new Date(String((entity['MetaData'] as Json)['LastUpdatedTime'])).toISOString(),
      }))
      .sort((a, b) => (a.external_id < b.external_id ? -1 : 1));
    expect(rows.map((row) => ({ ...row, txn_date: row.txn_date ? dateOnly(row.txn_date) : null, provider_updated_at: row.provider_updated_at?.toISOString() ?? null }))).toEqual(expected);
  });
});

/** A `date` column read back as the calendar date it holds. */
function dateOnly(value: Date): string {
  return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
}

describe('the captured CDC answer through collectCdc and the record store', () => {
  test('changed records are stored, the deleted invoice becomes a tombstone', async () => {
    const answer = capturedAsQboJson('change_data_capture_response.xml') as unknown as CdcAnswer;
    expect((answer.CDCResponse as unknown[]).flatMap((response) => qboSchema().violations(response, 'CDCResponse'))).toEqual([]);
    const byType = collectCdc(answer);
    const summary = Object.fromEntries([...byType].map(([type, records]) => [type, records.map((record) => `${String(record.Id)}${record.status === 'Deleted' ? ' deleted' : ''}`)]));
    expect(summary).toEqual(expectedCdc());
    const id = await connection();
    for (const [type, records] of byType) {
      await upsertRecords(t.deps.sql, id, type, records.filter((record) => record.status !== 'Deleted'));
      await tombstoneRecords(t.deps.sql, id, type, records.filter((record) => record.status === 'Deleted'));
    }
    const rows = await t.deps.sql<{ type: string; external_id: string; deleted: boolean }[]>`
      select type, external_id, deleted_at is not null as deleted from records where connection_id = ${id} order by type, external_id`;
    expect(Object.fromEntries([...byType.keys()].map((type) => [type, rows.filter((row) => row.type === type).map((row) => `${row.external_id}${row.deleted ? ' deleted' : ''}`).sort()]))).toEqual(
      Object.fromEntries(Object.entries(expectedCdc()).map(([type, list]) => [type, [...list].sort()])),
    );
  });
});

/** What change_data_capture_response.xml holds, read off the file by eye: type → Ids (and the deleted one). */
function expectedCdc(): Record<string, string[]> {
  const text = readFileSync(`${QBO_CONTRACTS}captured-xml/change_data_capture_response.xml`, 'utf8');
  const found: Record<string, string[]> = {};
  for (const match of text.matchAll(/<(\w+) domain="QBO"( status="Deleted")?[^>]*>\s*<Id>(\d+)<\/Id>/g)) (found[match[1]!] ??= []).push(`${match[3]}${match[2] ? ' deleted' : ''}`);
  return found;
}
