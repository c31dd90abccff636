import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildFinanceFields } from './build-finance-fields.ts';

// Intuit's XSDs live beside the repository (../shared/contracts), not in it; the sandbox only reads the generated table.
const XSD_DIR = fileURLToPath(new URL('../../../../../shared/contracts/qbo/xsd', import.meta.url));

describe('finance-fields.json', () => {
  it.skipIf(!existsSync(XSD_DIR))('is what build-finance-fields.ts makes from Finance.xsd today', () => {
    const committed = JSON.parse(readFileSync(new URL('./finance-fields.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(buildFinanceFields(XSD_DIR));
  });

  it('knows the entities and line details the sandbox checks writes against', () => {
    const table = JSON.parse(readFileSync(new URL('./finance-fields.json', import.meta.url), 'utf8')) as Record<string, { fields: Record<string, string> }>;
    expect(table['NameBase']?.fields['PrimaryEmailAddr']).toBe('EmailAddress');
    expect(table['ItemLineDetail']?.fields['Qty']).toBe('decimal');
    expect(Object.keys(table['SalesItemLineDetail']?.fields ?? {})).not.toContain('Amount');
  });
});
