import { describe, expect, test } from 'vitest';
import { patternsOf } from './support/openapi-document.ts';
import { testApp } from './support/app.ts';

const t = testApp();
const document = await (await t.request('/openapi.json')).json();
const patterns = patternsOf(document);

/**
 * Valid values a real client sends, per field. A new pattern on a field not listed here fails the test
 * until someone writes down what a valid value looks like: that is the point.
 */
const validExamples: Record<string, string[]> = {
  id: ['con_0123456789abcdef0123', 'whe_0123456789abcdef0123', 'ten_0123456789abcdef0123', 'met_0123456789abcdef0123', 'user-42'],
  metric_id: ['met_0123456789abcdef0123'],
  line: ['42', 'total:revenue'],
  currency: ['USD', 'GBP'],
  user_id: ['user-42', 'ada@example.com'],
  connection_id: ['con_0123456789abcdef0123'],
  connection_ids: ['con_0123456789abcdef0123'],
  org: ['org-1', 'acme:eu/42'],
  organization_id: ['org-1', 'acme:eu/42'],
  role: ['admin', 'Accountant', 'billing.viewer:eu-1'],
  connect_roles: ['admin', 'Accountant', 'billing.viewer:eu-1'],
  sync_roles: ['admin', 'Accountant', 'billing.viewer:eu-1'],
  allowed_countries: ['US', 'GB'],
  cursor: [Buffer.from('42').toString('base64url')],
  host_id: ['INV-1042', 'client:eu/42'],
  'idempotency-key': ['a1b2c3d4-5e6f-7a8b-9c0d-e1f2a3b4c5d6', 'order-42:v2'],
  doc: ['doc_0123456789abcdef0123'],
  // Write-back documents name the host's own records by the host's ids.
  supplier_id: ['SUP-7', 'vendor:eu/42'],
  customer_id: ['CLI-9', 'client:eu/42'],
  product_id: ['SKU-1042'],
  category_id: ['consulting'],
  tax_rate_id: ['vat-20'],
  class_id: ['east'],
  location_id: ['leeds-01'],
  staff_id: ['staff-3'],
  quickbooks_id: ['145'],
  date: ['2026-11-30'],
  due_date: ['2026-12-31'],
};

describe('published patterns are ECMA-262 regexes a generated client can use', () => {
  test('the document publishes patterns', () => {
    expect(patterns.length).toBeGreaterThan(10);
  });

  test.for(patterns.map((entry) => [`${entry.field} at ${entry.where}`, entry] as const))('%s', ([, { field, pattern }]) => {
    // Clients compile the string as it stands: no /…/flags wrapper, and valid in Unicode mode.
    expect(() => new RegExp(pattern, 'u'), `pattern ${pattern} must compile with the u flag`).not.toThrow();
    expect(() => new RegExp(pattern), `pattern ${pattern} must compile without flags`).not.toThrow();
    const examples = validExamples[field];
    expect(examples, `supply a valid example for the field "${field}" (pattern ${pattern})`).toBeDefined();
    const matching = examples!.filter((example) => new RegExp(pattern, 'u').test(example));
    expect(matching, `no valid ${field} matches the published pattern ${pattern}`).not.toEqual([]);
    // A role written with capitals is valid on the server; the published pattern must agree.
    if (field.endsWith('roles') || field === 'role') expect(new RegExp(pattern, 'u').test('Accountant')).toBe(true);
  });
});
