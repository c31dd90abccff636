// Write-back translates through the mappings people keep (issue 14's store, through the API), not through
// tables configured in code: a mapped tax rate and category reach QuickBooks, an unmapped rate holds the document,
// and a mapping that broke in QuickBooks (its code switched off) holds new documents until someone remaps it.
import { describe, expect, test } from 'vitest';
import { qboApiFor } from '../bff/connections/provider.ts';
import type { ConnectionRow } from '../bff/connections/store.ts';
import type { MappingTables } from '../bff/writeback/mapping-lookup.ts';
import type { Document } from '../shared/api/documents.ts';
import { testApp } from './support/app.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { syncOnce } from './support/sync.ts';
import { writebackCompany } from './support/writeback.ts';

const sandbox = await startSandbox();
// No writebackMappings: the app reads the stored mappings, as in production.
const t = testApp(sandboxDeps(sandbox.url));

describe('write-back through stored mappings', () => {
  test('a mapped rate and category reach QuickBooks; an unmapped rate is named; a code switched off holds the next document', async () => {
    const c = await writebackCompany(t, sandbox, new Map<string, MappingTables>());
    const call = (path: string, method: string, json: unknown) => t.request(path, { method, token: c.tenant.secretKey, json });
    const rates = [
      { id: 'vat-20', name: '20% VAT', rate: 20, applies_to: ['sales'] },
      { id: 'vat-5', name: '5% VAT', rate: 5, applies_to: ['sales'] },
    ];
    expect((await call(`/v1/organizations/${c.org}/host-records/tax-rates`, 'PUT', { records: rates })).status).toBe(200);
    expect((await call(`/v1/organizations/${c.org}/host-records/billable-categories`, 'PUT', { records: [{ id: 'consulting', name: 'Consulting' }] })).status).toBe(200);
    const [standard] = await t.deps.sql<{ external_id: string }[]>`
      select external_id from records where connection_id = ${c.id} and type = 'TaxCode' and data->>'Name' = '20.0% S'`;
    expect(standard, 'the UK company has a 20.0% S code').toBeTruthy();
    expect((await call(`/v1/connections/${c.id}/mappings/tax-rates`, 'PUT', { mappings: [{ host_id: 'vat-20', target: { type: 'TaxCode', id: standard!.external_id } }] })).status).toBe(200);
    expect((await call(`/v1/connections/${c.id}/mappings/billable-categories`, 'PUT', { mappings: [{ host_id: 'consulting', target: { type: 'Item', id: c.refs.serviceItem.value } }] })).status).toBe(200);

    const invoice = (taxRate: string, n: number) => ({
      kind: 'invoice',
      host_id: `inv-map-${n}`,
      version: 1,
      data: { customer_id: 'cust-0', date: '2026-11-10', lines: [{ amount: 100, category_id: 'consulting', tax_rate_id: taxRate }], totals: { total: 120, tax: 20 } },
    });
    const mapped = (await (await c.submit(invoice('vat-20', 1))).json()) as Document;
    const unmapped = (await (await c.submit(invoice('vat-5', 2))).json()) as Document;
    // A UK company needs a code on every line: a line with no rate (and no default) is held, never sent for a 6000.
    const bare = invoice('vat-20', 4);
    const noRate = (await (await c.submit({ ...bare, data: { ...bare.data, lines: [{ amount: 100, category_id: 'consulting' }] } })).json()) as Document;
    await c.push();

    const pushed = await c.get(mapped.id);
    expect(['pushed', 'pushed_with_variance']).toContain(pushed.status);
    const [row] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${c.id}`;
    const { Invoice } = await qboApiFor(t.deps, row!).get<{ Invoice: Record<string, any> }>(`invoice/${pushed.quickbooks_id}`);
    const line = (Invoice.Line as Record<string, any>[]).find((each) => each.DetailType === 'SalesItemLineDetail')!;
    expect(line.SalesItemLineDetail.TaxCodeRef.value).toBe(standard!.external_id);
    expect(line.SalesItemLineDetail.ItemRef.value).toBe(c.refs.serviceItem.value);

    const held = await c.get(unmapped.id);
    expect(held.status).toBe('needs_mapping');
    expect(JSON.stringify(held.missing)).toContain('vat-5');
    expect(held.quickbooks_id).toBeNull();

    const lineless = await c.get(noRate.id);
    expect(lineless.status).toBe('needs_mapping');
    expect(JSON.stringify(lineless.missing)).toContain('tax code on every line');

    // The code is switched off in QuickBooks; the next sync flags the mapping, and a new document waits for it.
    await sandbox.control('POST', `/qbo/companies/${c.realm}/tax-codes/${standard!.external_id}/active`, { active: false });
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    expect((await syncOnce(t, c.id)).status).toBe('succeeded');
    const later = (await (await c.submit(invoice('vat-20', 3))).json()) as Document;
    await c.push();
    const waiting = await c.get(later.id);
    expect(waiting.status).toBe('needs_mapping');
    expect(JSON.stringify(waiting.missing)).toContain('vat-20');
  });
});
