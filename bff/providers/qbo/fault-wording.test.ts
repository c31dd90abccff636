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
