import { expect, test } from 'vitest';
import { planFieldSync, supplierFieldNames, vendorSparseUpdate, type SupplierFields } from './supplier-fields.ts';

const fields = (overrides: Partial<SupplierFields> = {}): SupplierFields => ({
  ...(Object.fromEntries(supplierFieldNames.map((field) => [field, null])) as SupplierFields),
  ...overrides,
});
const early = new Date('2026-01-01T00:00:00Z');
const late = new Date('2026-02-01T00:00:00Z');

test('linked records written differently stay as they are until one side changes', () => {
  const baseline = { host: fields({ name: 'SMITH & JONES LTD' }), provider: fields({ name: 'Smith and Jones Limited' }) };
  const plan = planFieldSync({ baseline, host: baseline.host, provider: baseline.provider, hostChangedAt: late, providerChangedAt: early, policy: 'newest_wins' });
  expect(plan).toMatchObject({ push: {}, report: {}, conflicts: [] });
});

test('a host-only change goes to QuickBooks; a QuickBooks-only change is reported to the host', () => {
  const baseline = { host: fields({ city: 'Leeds', phone: '1' }), provider: fields({ city: 'Leeds', phone: '1' }) };
  const plan = planFieldSync({ baseline, host: fields({ city: 'York', phone: '1' }), provider: fields({ city: 'Leeds', phone: '2' }), hostChangedAt: late, providerChangedAt: late, policy: 'newest_wins' });
  expect(plan.push).toEqual({ city: 'York' });
  expect(plan.report).toEqual({ phone: { from: '1', to: '2' } });
  expect(plan.conflicts).toEqual([]);
});

test('a host that has not applied a reported change is not taken to revert it', () => {
  const before = { host: fields({ phone: '1' }), provider: fields({ phone: '1' }) };
  const first = planFieldSync({ baseline: before, host: fields({ phone: '1' }), provider: fields({ phone: '2' }), hostChangedAt: early, providerChangedAt: late, policy: 'newest_wins' });
  const again = planFieldSync({ baseline: first.baseline, host: fields({ phone: '1' }), provider: fields({ phone: '2' }), hostChangedAt: late, providerChangedAt: late, policy: 'newest_wins' });
  expect(again.push).toEqual({});
  // When the host applies it, nothing is pushed back either.
  const applied = planFieldSync({ baseline: again.baseline, host: fields({ phone: '2' }), provider: fields({ phone: '2' }), hostChangedAt: late, providerChangedAt: late, policy: 'newest_wins' });
  expect(applied.push).toEqual({});
});

test('conflicts follow the policy and are recorded', () => {
  const baseline = { host: fields({ city: 'Leeds' }), provider: fields({ city: 'Leeds' }) };
  const both = { baseline, host: fields({ city: 'York' }), provider: fields({ city: 'Hull' }) };
  const newest = planFieldSync({ ...both, hostChangedAt: early, providerChangedAt: late, policy: 'newest_wins' });
  expect(newest.conflicts).toEqual([{ field: 'city', host: 'York', quickbooks: 'Hull', winner: 'quickbooks' }]);
  expect(newest.report).toEqual({ city: { from: 'Leeds', to: 'Hull' } });
  expect(planFieldSync({ ...both, hostChangedAt: early, providerChangedAt: late, policy: 'host_wins' }).push).toEqual({ city: 'York' });
  expect(planFieldSync({ ...both, hostChangedAt: late, providerChangedAt: early, policy: 'quickbooks_wins' }).push).toEqual({});
  expect(planFieldSync({ ...both, hostChangedAt: late, providerChangedAt: early, policy: 'newest_wins' }).push).toEqual({ city: 'York' });
});

test('the sparse update keeps the address lines it does not change', () => {
  const vendor = { Id: '7', SyncToken: '3', BillAddr: { Line1: '1 High St', City: 'Leeds', PostalCode: 'LS1' } };
  expect(vendorSparseUpdate(vendor, { city: 'York', phone: '0113' })).toEqual({
    Id: '7',
    SyncToken: '3',
    sparse: true,
    BillAddr: { Line1: '1 High St', City: 'York', PostalCode: 'LS1' },
    PrimaryPhone: { FreeFormNumber: '0113' },
  });
});
