import { expect, it } from 'vitest';
import { mappingContext, mappingProblems, planMappings, type CompanyLists } from './index.ts';

const lists = (tracking: boolean): CompanyLists => ({
  companyInfo: { Country: 'GB' },
  preferences: { AccountingInfoPrefs: { ClassTrackingPerTxn: tracking, TrackDepartments: tracking } },
  taxCodes: [],
  taxRates: [],
  taxAgencies: [],
  items: [
    { Id: '1', Name: 'Paper A4', Type: 'NonInventory', Sku: 'PAP-A4' },
    { Id: '2', Name: 'Stationery', Type: 'Category' },
    { Id: '3', Name: 'Old toner', Type: 'Inventory', Active: false },
  ],
  accounts: [],
  employees: [],
  classes: [{ Id: '10', Name: 'East' }],
  departments: [{ Id: '20', Name: 'Leeds' }],
});

it('products map to line items: a category or an inactive item is named; the SKU is suggested first', () => {
  const context = mappingContext(lists(true));
  const paper = { id: 'p1', name: 'A4 paper', sku: 'pap-a4' };
  expect(mappingProblems(context, 'products', paper, { type: 'Item', id: '1' })).toEqual([]);
  expect(mappingProblems(context, 'products', paper, { type: 'Item', id: '2' })[0]).toMatchObject({ code: 'wrong_type' });
  expect(mappingProblems(context, 'products', paper, { type: 'Item', id: '3' })[0]).toMatchObject({ code: 'inactive' });
  expect(mappingProblems(context, 'products', paper, { type: 'Class', id: '10' })[0]).toMatchObject({ code: 'wrong_type' });
  const plan = planMappings(context, 'products', [paper], new Map());
  expect(plan.rows[0]).toMatchObject({ status: 'unmapped', suggestion: { target: { type: 'Item', id: '1' }, reasons: ['SKU "pap-a4" is its SKU'] } });
});

it('classes and locations map to classes and departments, and only where the company tracks them', () => {
  const tracked = mappingContext(lists(true));
  expect(mappingProblems(tracked, 'classes', { id: 'c', name: 'East' }, { type: 'Class', id: '10' })).toEqual([]);
  expect(mappingProblems(tracked, 'locations', { id: 'l', name: 'Leeds' }, { type: 'Department', id: '20' })).toEqual([]);
  expect(mappingProblems(tracked, 'locations', { id: 'l', name: 'Leeds' }, { type: 'Department', id: '99' })[0]).toMatchObject({ code: 'not_found' });
  expect(planMappings(tracked, 'classes', [{ id: 'c', name: 'east' }], new Map()).rows[0]!.suggestion).toMatchObject({ target: { type: 'Class', id: '10' }, reasons: ['same name'] });
  const off = mappingContext(lists(false));
  expect(mappingProblems(off, 'classes', { id: 'c', name: 'East' }, { type: 'Class', id: '10' })[0]).toMatchObject({ code: 'not_tracked' });
});
