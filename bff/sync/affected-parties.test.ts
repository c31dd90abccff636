import { expect, test } from 'vitest';
import { collectParties, noParties } from './affected-parties.ts';

test('collects customers, vendors and entities from every reference shape', () => {
  const parties = noParties();
  collectParties(parties, { CustomerRef: { value: '5' } });
  collectParties(parties, { VendorRef: { value: '7', name: 'Acme' } });
  collectParties(parties, { EntityRef: { value: '8', type: 'Vendor' } });
  collectParties(parties, { EntityRef: { value: '99', type: 'Employee' } });
  collectParties(parties, { Line: [{ JournalEntryLineDetail: { Entity: { Type: 'Customer', EntityRef: { value: '6' } } } }] });
  expect([...parties.Customer].sort()).toEqual(['5', '6']);
  expect([...parties.Vendor].sort()).toEqual(['7', '8']);
  expect(parties.accounts).toBe(true);
});
