import { expect, test } from 'vitest';
import { referenceName, renameReferences } from './reference-names.ts';

test('rewrites every reference to the renamed record, and only those', () => {
  const bill = {
    VendorRef: { value: '86', name: 'Riverbend IT' },
    APAccountRef: { value: '86', name: 'Accounts Payable' },
    Line: [{ AccountBasedExpenseLineDetail: { AccountRef: { value: '7', name: 'Rent' }, CustomerRef: { value: '86', name: 'A customer' } } }],
  };
  expect(renameReferences(bill, 'Bill', 'Vendor', '86', 'Riverbend IT (deleted)')).toBe(true);
  expect(bill.VendorRef.name).toBe('Riverbend IT (deleted)');
  expect(bill.APAccountRef.name).toBe('Accounts Payable');
  expect(bill.Line[0]!.AccountBasedExpenseLineDetail.CustomerRef.name).toBe('A customer');
  expect(renameReferences(bill, 'Bill', 'Vendor', '86', 'Riverbend IT (deleted)')).toBe(false);
  const purchase = { EntityRef: { value: '5', type: 'Customer', name: 'Old' } };
  expect(renameReferences(purchase, 'Purchase', 'Customer', '5', 'New')).toBe(true);
  const project = { ParentRef: { value: '3', name: 'Parent' } };
  expect(renameReferences(project, 'Customer', 'Customer', '3', 'Parent Inc')).toBe(true);
});

test('reference names prefer the fully qualified name', () => {
  expect(referenceName({ FullyQualifiedName: 'Acme:Project', DisplayName: 'Project' })).toBe('Acme:Project');
  expect(referenceName({ DisplayName: 'Acme' })).toBe('Acme');
  expect(referenceName({ Name: 'Rent' })).toBe('Rent');
});

test('a reference at any depth is renamed, and one without a name gets none', () => {
  const billPayment = { CheckPayment: { BankAccountRef: { value: '1', name: 'Checking' } }, APAccountRef: { value: '2', name: 'Accounts Payable' } };
  expect(renameReferences(billPayment, 'BillPayment', 'Account', '1', 'Checking Renamed')).toBe(true);
  expect(billPayment.CheckPayment.BankAccountRef).toEqual({ value: '1', name: 'Checking Renamed' });
  const payment: Record<string, unknown> = { DepositToAccountRef: { value: '4' } };
  expect(renameReferences(payment, 'Payment', 'Account', '4', 'Undeposited Funds (deleted)')).toBe(false);
  expect(payment).toEqual({ DepositToAccountRef: { value: '4' } });
});
