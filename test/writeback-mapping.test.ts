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

describe('write-back through stored product, class and location mappings', () => {
  test('lines naming a mapped product are item lines, classes and locations become ClassRef and DepartmentRef, the defaults fill documents naming none, and anything unmapped is named with nothing sent', async () => {
    const c = await writebackCompany(t, sandbox, new Map<string, MappingTables>());
    const call = async (path: string, method: string, json: unknown) => {
      const response = await t.request(path, { method, token: c.tenant.secretKey, json });
      expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBe(200);
      return response;
    };
    const first = async (type: string, extra = t.deps.sql``) =>
      (await t.deps.sql<{ external_id: string; data: Record<string, any> }[]>`
        select external_id, data from records where connection_id = ${c.id} and type = ${type} and deleted_at is null and coalesce(active, true) ${extra} order by external_id::int`)!;
    const items = await first('Item', t.deps.sql`and data->>'Type' in ('NonInventory', 'Service')`);
    const [classes, departments] = [await first('Class'), await first('Department')];
    expect(classes.length, 'the Plus company tracks classes').toBeGreaterThan(1);
    expect(departments.length, 'and locations').toBeGreaterThan(1);
    const [standard] = await t.deps.sql<{ external_id: string }[]>`select external_id from records where connection_id = ${c.id} and type = 'TaxCode' and data->>'Name' = '20.0% S'`;

    await call(`/v1/organizations/${c.org}/host-records/tax-rates`, 'PUT', { records: [{ id: 'vat-20', name: '20% VAT', rate: 20, applies_to: ['sales'] }] });
    await call(`/v1/organizations/${c.org}/host-records/products`, 'PUT', { records: [{ id: 'prod-paper', name: 'Paper A4', sku: 'PAP-A4' }, { id: 'prod-new', name: 'Not mapped' }] });
    await call(`/v1/organizations/${c.org}/host-records/classes`, 'PUT', { records: [{ id: 'cls-east', name: 'East' }] });
    await call(`/v1/organizations/${c.org}/host-records/locations`, 'PUT', { records: [{ id: 'loc-leeds', name: 'Leeds' }] });
    await call(`/v1/connections/${c.id}/mappings/tax-rates`, 'PUT', { mappings: [{ host_id: 'vat-20', target: { type: 'TaxCode', id: standard!.external_id } }] });
    await call(`/v1/connections/${c.id}/mappings/products`, 'PUT', { mappings: [{ host_id: 'prod-paper', target: { type: 'Item', id: items[0]!.external_id } }] });
    await call(`/v1/connections/${c.id}/mappings/classes`, 'PUT', { mappings: [{ host_id: 'cls-east', target: { type: 'Class', id: classes[0]!.external_id } }] });
    await call(`/v1/connections/${c.id}/mappings/locations`, 'PUT', { mappings: [{ host_id: 'loc-leeds', target: { type: 'Department', id: departments[0]!.external_id } }] });
    await call(`/v1/connections/${c.id}/mapping-defaults`, 'PUT', { class: classes[1]!.external_id, department: departments[1]!.external_id });
    // A class mapped to a location is refused, naming the record.
    const wrong = await t.request(`/v1/connections/${c.id}/mappings/classes`, { method: 'PUT', token: c.tenant.secretKey, json: { mappings: [{ host_id: 'cls-east', target: { type: 'Department', id: departments[0]!.external_id } }] } });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as any).error.message).toMatch(/East/);
    const state = (await (await t.request(`/v1/connections/${c.id}/mappings/products`, { token: c.tenant.secretKey })).json()) as any;
    expect(state.rows.map((row: any) => [row.host.id, row.status])).toEqual([['prod-new', 'unmapped'], ['prod-paper', 'mapped']]);

    const invoice = (n: number, data: Record<string, unknown>, line: Record<string, unknown> = {}) => ({
      kind: 'invoice',
      host_id: `inv-refs-${n}`,
      version: 1,
      data: { customer_id: 'cust-0', date: '2026-11-10', lines: [{ amount: 100, quantity: 2, unit_price: 50, product_id: 'prod-paper', tax_rate_id: 'vat-20', ...line }], totals: { total: 120, tax: 20 }, ...data },
    });
    const named = (await (await c.submit(invoice(1, { class_id: 'cls-east', location_id: 'loc-leeds' }))).json()) as Document;
    const defaulted = (await (await c.submit(invoice(2, {}))).json()) as Document;
    const unmapped = (await (await c.submit(invoice(3, { class_id: 'cls-west', location_id: 'loc-york' }, { product_id: 'prod-new' }))).json()) as Document;
    const before = (await sandbox.control('GET', `/qbo/companies/${c.realm}/stats`)).entity_counts.Invoice;
    await c.push();

    const [row] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${c.id}`;
    const read = async (id: string) => (await qboApiFor(t.deps, row!).get<{ Invoice: Record<string, any> }>(`invoice/${id}`)).Invoice;
    const salesLine = (invoice: Record<string, any>) => (invoice.Line as Record<string, any>[]).find((each) => each.DetailType === 'SalesItemLineDetail')!.SalesItemLineDetail;
    const one = await read((await c.get(named.id)).quickbooks_id!);
    expect(salesLine(one)).toMatchObject({ ItemRef: { value: items[0]!.external_id }, ClassRef: { value: classes[0]!.external_id }, Qty: 2, UnitPrice: 50 });
    expect(one.DepartmentRef.value).toBe(departments[0]!.external_id);
    const two = await read((await c.get(defaulted.id)).quickbooks_id!);
    expect(salesLine(two).ClassRef.value).toBe(classes[1]!.external_id);
    expect(two.DepartmentRef.value).toBe(departments[1]!.external_id);

    const held = await c.get(unmapped.id);
    expect(held.status).toBe('needs_mapping');
    expect(held.missing!.map((entry) => `${entry.what}:${entry.host_id}`).sort()).toEqual(['class:cls-west', 'location:loc-york', 'product:prod-new']);
    expect((await sandbox.control('GET', `/qbo/companies/${c.realm}/stats`)).entity_counts.Invoice).toBe(before + 2);
  });
});

describe('write-back: fixing a mapping releases what waited for it', () => {
  test('a held document names the rate as the host named it; saving its mapping pushes it without "push now"; the pushed document links to QuickBooks', async () => {
    const c = await writebackCompany(t, sandbox, new Map<string, MappingTables>());
    const call = async (path: string, method: string, json: unknown) => expect((await t.request(path, { method, token: c.tenant.secretKey, json })).status, path).toBe(200);
    await call(`/v1/organizations/${c.org}/host-records/tax-rates`, 'PUT', { records: [{ id: 'levy-33', name: 'City levy 20%', rate: 20, applies_to: ['sales'] }] });
    await call(`/v1/organizations/${c.org}/host-records/billable-categories`, 'PUT', { records: [{ id: 'consulting', name: 'Consulting' }] });
    await call(`/v1/connections/${c.id}/mappings/billable-categories`, 'PUT', { mappings: [{ host_id: 'consulting', target: { type: 'Item', id: c.refs.serviceItem.value } }] });
    const doc = (await (await c.submit({ kind: 'invoice', host_id: 'inv-levy', version: 1, data: { customer_id: 'cust-0', date: '2026-11-10', lines: [{ amount: 100, category_id: 'consulting', tax_rate_id: 'levy-33' }], totals: { total: 120, tax: 20 } } })).json()) as Document;
    await c.push();
    const held = await c.get(doc.id);
    expect(held.status).toBe('needs_mapping');
    expect(held.missing).toEqual([expect.objectContaining({ what: 'tax_rate', host_id: 'levy-33', name: 'City levy 20%' })]);
    expect(held.missing![0]!.message).toContain('"City levy 20%"');
    expect(held.quickbooks_url).toBeNull();
    const [standard] = await t.deps.sql<{ external_id: string }[]>`select external_id from records where connection_id = ${c.id} and type = 'TaxCode' and data->>'Name' = '20.0% S'`;
    await call(`/v1/connections/${c.id}/mappings/tax-rates`, 'PUT', { mappings: [{ host_id: 'levy-33', target: { type: 'TaxCode', id: standard!.external_id } }] });
    expect((await c.get(doc.id)).status).toBe('queued');
    await c.push();
    const pushed = await c.get(doc.id);
    expect(pushed.status).toMatch(/^pushed/);
    expect(pushed.quickbooks_url).toBe(`${sandbox.url.replace(/\/$/, '')}/qbo/app/invoice?txnId=${pushed.quickbooks_id}`);
  });
});
