import { expect, test } from 'vitest';
import { checkOutgoing, qboFieldLimits } from './field-limits.ts';

const x = (n: number) => 'x'.repeat(n);

test("Intuit's documented lengths: DisplayName 500, CompanyName 100, phone 30, postal code 30, AcctNum 100, TaxIdentifier 20", () => {
  expect(qboFieldLimits.Vendor.DisplayName?.max).toBe(500);
  expect(qboFieldLimits.Vendor.CompanyName?.max).toBe(100);
  expect(qboFieldLimits.Vendor['PrimaryPhone.FreeFormNumber']?.max).toBe(30);
  expect(qboFieldLimits.Vendor['BillAddr.PostalCode']?.max).toBe(30);
  expect(qboFieldLimits.Vendor.AcctNum?.max).toBe(100);
  expect(qboFieldLimits.Vendor.TaxIdentifier?.max).toBe(20);
  expect(qboFieldLimits.Customer.AcctNum).toBeUndefined(); // customers have no account number
});

test('values at the limit pass; one over is named by its QuickBooks path', () => {
  expect(checkOutgoing('Vendor', { DisplayName: x(500), CompanyName: x(100), PrimaryPhone: { FreeFormNumber: x(30) }, BillAddr: { PostalCode: x(30), City: x(255) } })).toEqual([]);
  const issues = checkOutgoing('Vendor', { DisplayName: x(501), CompanyName: x(101), PrimaryPhone: { FreeFormNumber: x(31) }, BillAddr: { PostalCode: x(31) }, AcctNum: x(101) });
  expect(issues.map((issue) => issue.path)).toEqual(['DisplayName', 'CompanyName', 'PrimaryPhone.FreeFormNumber', 'BillAddr.PostalCode', 'AcctNum']);
  expect(issues[2]?.message).toBe('QuickBooks holds at most 30 characters in PrimaryPhone.FreeFormNumber; this value has 31.');
});

test('lengths count characters, not UTF-16 units', () => {
  expect(checkOutgoing('Customer', { CompanyName: '🍐'.repeat(100) })).toEqual([]);
});

test('formats: names without colon, tab or line break; email with @ and a dot', () => {
  expect(checkOutgoing('Vendor', { DisplayName: 'Acme: North' }).map((issue) => issue.path)).toEqual(['DisplayName']);
  expect(checkOutgoing('Vendor', { DisplayName: 'Acme\tNorth' })).toHaveLength(1);
  expect(checkOutgoing('Customer', { PrimaryEmailAddr: { Address: 'accounts-at-acme' } }).map((issue) => issue.path)).toEqual(['PrimaryEmailAddr.Address']);
  expect(checkOutgoing('Customer', { PrimaryEmailAddr: { Address: 'accounts@acme.example' } })).toEqual([]);
  // Colons are fine outside names (an address line).
  expect(checkOutgoing('Vendor', { BillAddr: { Line1: 'Unit 4: Mill Lane' } })).toEqual([]);
});

test('fields not written, empty strings and the sparse envelope are not checked', () => {
  expect(checkOutgoing('Vendor', { Id: '7', SyncToken: '3', sparse: true, AcctNum: '' })).toEqual([]);
});

test('transactions: the document number, the private note and every line\'s description are checked, each line named by its index', () => {
  const long = (n: number) => 'x'.repeat(n);
  expect(checkOutgoing('Bill', { DocNumber: long(21), PrivateNote: long(4000), Line: [{ Description: long(4000) }] })).toEqual([]);
  const issues = checkOutgoing('Invoice', { DocNumber: long(22), Line: [{ Description: 'fine' }, { Description: long(4001) }] });
  expect(issues.map((issue) => issue.path)).toEqual(['DocNumber', 'Line.1.Description']);
  expect(checkOutgoing('TimeActivity', { Description: long(4001) }).map((issue) => issue.path)).toEqual(['Description']);
});
