import type { MatchRecord } from '../../shared/matching/index.ts';
import type { HostRecord, PartyKind, ProviderParty } from '../../shared/api/matching.ts';
import { qboFieldLimits } from '../providers/qbo/field-limits.ts';

/** QuickBooks type behind each kind of host record. */
export const providerTypeOf: Record<PartyKind, 'Vendor' | 'Customer'> = { suppliers: 'Vendor', customers: 'Customer' };

type Qbo = Record<string, any>;

/** A mirrored QuickBooks vendor or customer, as the matcher shows it. */
export function providerParty(id: string, data: Qbo): ProviderParty {
  const address = data.BillAddr ?? {};
  return {
    id,
    name: String(data.DisplayName ?? data.CompanyName ?? ''),
    email: data.PrimaryEmailAddr?.Address ?? null,
    phone: data.PrimaryPhone?.FreeFormNumber ?? data.Mobile?.FreeFormNumber ?? null,
    city: address.City ?? null,
    postal_code: address.PostalCode ?? null,
    country: address.Country ?? null,
    account_number: data.AcctNum ?? null,
    active: data.Active !== false,
  };
}

export function providerMatchRecord(party: ProviderParty, data: Qbo): MatchRecord {
  return {
    id: party.id,
    // QuickBooks appends " (deleted)" to inactive names; it is not part of the name.
    name: party.name.replace(/ \(deleted\)$/, ''),
    ...(party.email ? { email: party.email } : {}),
    ...(party.phone ? { phone: party.phone } : {}),
    ...(party.postal_code ? { postalCode: party.postal_code } : {}),
    ...(party.country ? { country: party.country } : {}),
    ...(party.account_number ? { accountNumber: party.account_number } : {}),
    ...(data.BillAddr?.Line1 ? { addressLine: String(data.BillAddr.Line1) } : {}),
    ...(party.city ? { city: party.city } : {}),
  };
}

export function hostMatchRecord(record: HostRecord): MatchRecord {
  return {
    id: record.id,
    name: record.name,
    ...(record.email ? { email: record.email } : {}),
    ...(record.phone ? { phone: record.phone } : {}),
    ...(record.postal_code ? { postalCode: record.postal_code } : {}),
    ...(record.country ? { country: record.country } : {}),
    ...(record.tax_id ? { taxId: record.tax_id } : {}),
    ...(record.account_number ? { accountNumber: record.account_number } : {}),
    ...(record.address_line1 ? { addressLine: record.address_line1 } : {}),
    ...(record.city ? { city: record.city } : {}),
  };
}

/** The QuickBooks body for a new vendor or customer made from a host record (the eight synced fields and contact). */
export function providerBodyFrom(record: HostRecord, kind: PartyKind): Qbo {
  const body: Qbo = { DisplayName: record.name };
  // CompanyName holds 100 characters, DisplayName 500: a longer name lives whole in DisplayName rather
  // than cut short or refused in an optional copy of itself.
  if ([...record.name].length <= (qboFieldLimits[providerTypeOf[kind]].CompanyName?.max ?? 0)) body.CompanyName = record.name;
  if (record.email) body.PrimaryEmailAddr = { Address: record.email };
  if (record.phone) body.PrimaryPhone = { FreeFormNumber: record.phone };
  const address: Qbo = {};
  if (record.address_line1) address.Line1 = record.address_line1;
  if (record.address_line2) address.Line2 = record.address_line2;
  if (record.city) address.City = record.city;
  if (record.region) address.CountrySubDivisionCode = record.region;
  if (record.postal_code) address.PostalCode = record.postal_code;
  if (record.country) address.Country = record.country;
  if (Object.keys(address).length > 0) body.BillAddr = address;
  if (record.account_number && kind === 'suppliers') body.AcctNum = record.account_number;
  return body;
}

/** The host record's field behind each QuickBooks path of `providerBodyFrom`'s body (write-back's parties use it too). */
export const partyHostFields: Readonly<Record<string, keyof HostRecord>> = {
  DisplayName: 'name',
  CompanyName: 'name',
  'PrimaryEmailAddr.Address': 'email',
  'PrimaryPhone.FreeFormNumber': 'phone',
  'BillAddr.Line1': 'address_line1',
  'BillAddr.Line2': 'address_line2',
  'BillAddr.City': 'city',
  'BillAddr.CountrySubDivisionCode': 'region',
  'BillAddr.PostalCode': 'postal_code',
  'BillAddr.Country': 'country',
  AcctNum: 'account_number',
};

/** The host record's field behind a QuickBooks path of `providerBodyFrom`'s body, for answers that name it. */
export function hostFieldOf(quickbooksPath: string): keyof HostRecord | string {
  return partyHostFields[quickbooksPath] ?? quickbooksPath;
}
