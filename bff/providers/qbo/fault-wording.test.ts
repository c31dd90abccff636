import { expect, test } from 'vitest';
import { describeQboFault, parseFault } from './faults.ts';

const duplicate = (holder: string) =>
  parseFault(400, JSON.stringify({ Fault: { Error: [{ Message: 'Duplicate Name Exists Error', Detail: `The name supplied already exists. : Another ${holder} is already using this name. Please use a different name.`, code: '6240', element: '' }], type: 'ValidationFault' } }));

test.each([
  ['employee', 'already used by an employee in QuickBooks'],
  ['customer', 'already used by a customer in QuickBooks'],
  ['vendor', 'already used by a vendor in QuickBooks'],
  ['item', 'already used by an item in QuickBooks'],
  ['user', 'already used by a user in QuickBooks'],
])('6240 names the holder with the right article: %s', (holder, words) => {
  expect(describeQboFault(duplicate(holder), 'your supplier')).toContain(words);
});

test('2040 (a colon, tab or line break in a name) is the record to fix, naming the field', () => {
  const error = parseFault(400, JSON.stringify({ Fault: { Error: [{ Message: 'Invalid String. The String may contain unsupported or illegal chars', Detail: 'Element contains invalid characters. a:b', code: '2040', element: 'DisplayName' }], type: 'ValidationFault' } }));
  expect([error.category, error.action, error.field]).toEqual(['validation', 'fix_record', 'DisplayName']);
});

test('a Detail that repeats its Message is said once (6070: "Amount is not equal to UnitPrice * Qty")', () => {
  const error = parseFault(400, JSON.stringify({ Fault: { Error: [{ Message: 'Amount is not equal to UnitPrice * Qty', Detail: 'Amount is not equal to UnitPrice * Qty. Supplied value:1', code: '6070', element: '' }], type: 'ValidationFault' } }));
  const words = describeQboFault(error, 'the invoice');
  expect(words.match(/Amount is not equal/g)).toHaveLength(1);
  expect(words).toContain('Supplied value:1');
});
