import { describe, expect, it } from 'vitest';
import { Company } from '../company.ts';
import { changeDataCapture } from './cdc.ts';

const NOW = Date.UTC(2026, 2, 1, 12);

describe('changeDataCapture', () => {
  const company = new Company({ realmId: '77', spec: { seed: 'cdc', size: { invoices: 50_000, payments: 0, customers: 100, items: 20 } }, nowMs: NOW });
  const since = new Date(NOW - 30 * 86_400_000 + 60_000).toISOString();

  it('caps an answer at 1000 objects, oldest changes first', () => {
    const body = changeDataCapture(company, 'Invoice', since, NOW) as { CDCResponse: { QueryResponse: { Invoice: { MetaData: { LastUpdatedTime: string } }[] }[] }[] };
    const invoices = body.CDCResponse[0]?.QueryResponse[0]?.Invoice ?? [];
    expect(invoices).toHaveLength(1000);
    const times = invoices.map((invoice) => Date.parse(invoice.MetaData.LastUpdatedTime));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(times[0]).toBeGreaterThanOrEqual(Date.parse(since) - 1000);
  });

  it('keeps one QueryResponse per requested entity, empty when nothing changed', () => {
    const body = changeDataCapture(company, 'Vendor,Invoice', new Date(NOW - 1000).toISOString(), NOW) as { CDCResponse: { QueryResponse: unknown[] }[] };
    expect(body.CDCResponse[0]?.QueryResponse).toEqual([{}, {}]);
  });
});
