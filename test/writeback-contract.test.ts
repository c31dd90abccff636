// The outbox API as a host reads and queries it: each kind's document schema is a named OpenAPI component, and the
// list filters by the QuickBooks id and DocNumber (an unknown filter is refused, never ignored).
import { describe, expect, test } from 'vitest';
import { tableResolver, type MappingTables } from '../bff/writeback/mapping-lookup.ts';
import type { Document } from '../shared/api/documents.ts';
import { testApp } from './support/app.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { sampleDocument, writebackCompany } from './support/writeback.ts';

const sandbox = await startSandbox();
const mappings = new Map<string, MappingTables>();
const t = testApp({ ...sandboxDeps(sandbox.url), writebackMappings: tableResolver((id) => mappings.get(id)) });

describe('write-back: the documented contract', () => {
  test('/openapi.json holds a named schema for each document kind, and SubmitDocument.data refers to every one', async () => {
    const spec = (await (await t.request('/openapi.json')).json()) as { components: { schemas: Record<string, any> } };
    const names = ['PurchaseOrderDocumentData', 'BillDocumentData', 'InvoiceDocumentData', 'CustomerDocumentData', 'VendorDocumentData', 'TimeActivityDocumentData'];
    for (const name of names) expect(spec.components.schemas[name], name).toBeTruthy();
    expect(Object.keys(spec.components.schemas.BillDocumentData.properties)).toEqual(expect.arrayContaining(['supplier_id', 'lines', 'totals', 'memo']));
    expect(Object.keys(spec.components.schemas.InvoiceDocumentData.properties)).toEqual(expect.arrayContaining(['customer_id', 'lines']));
    expect(Object.keys(spec.components.schemas.VendorDocumentData.properties)).toEqual(expect.arrayContaining(['name', 'address_line1']));
    expect(spec.components.schemas.TimeActivityDocumentData.required).toEqual(expect.arrayContaining(['approved', 'staff_id', 'date', 'hours']));
    const data = spec.components.schemas.SubmitDocument.properties.data;
    expect(data.oneOf.map((entry: { $ref: string }) => entry.$ref.split('/').at(-1))).toEqual(expect.arrayContaining(names));
  });

  test('the list filters by quickbooks_id and doc_number; an unknown parameter is a 400 naming it', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const first = sampleDocument('bill', 1, 'filter');
    const second = sampleDocument('bill', 2, 'filter');
    Object.assign(first.data, { doc_number: 'FLT-1' });
    Object.assign(second.data, { doc_number: 'FLT-2' });
    const a = (await (await c.submit(first)).json()) as Document;
    const b = (await (await c.submit(second)).json()) as Document;
    await c.push();
    const pushedA = await c.get(a.id);
    const pushedB = await c.get(b.id);
    expect([pushedA.quickbooks_doc_number, pushedB.quickbooks_doc_number]).toEqual(['FLT-1', 'FLT-2']);
    const list = async (query: string) => {
      const response = await t.request(`/v1/connections/${c.id}/documents?${query}`, { token: c.tenant.secretKey });
      return { status: response.status, body: (await response.json()) as any };
    };
    expect((await list(`quickbooks_id=${pushedB.quickbooks_id}`)).body.data.map((doc: Document) => doc.id)).toEqual([b.id]);
    expect((await list('doc_number=FLT-1')).body.data.map((doc: Document) => doc.id)).toEqual([a.id]);
    expect((await list(`doc_number=FLT-1&quickbooks_id=${pushedB.quickbooks_id}`)).body.data).toEqual([]);
    expect((await list('doc_number=NOPE')).body.data).toEqual([]);
    const unknown = await list('docnumber=FLT-1');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/docnumber/);
    const badId = await list('quickbooks_id=abc');
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toMatch(/query\.quickbooks_id/);
  });
});
