import type { Company } from '../company.ts';
import { formatDay } from '../qbo-time.ts';
import { currencyRef, entityHead, money, pickEarlier, refTo, type Json } from './common.ts';
import { itemKind } from './name-lists.ts';

export function generateJournalEntry(company: Company, index: number): Json {
  const rng = company.rng('JournalEntry', index);
  const cents = rng.between(5_000, 500_000);
  const kind = rng.int(3);
  const debit =
    kind === 0 ? company.accountsWithRole('fixed')[0] : kind === 1 ? company.accountsWithRole('expense')[rng.int(company.accountsWithRole('expense').length)] : company.accountsWithRole('bank')[0];
  const credit = kind === 0 ? company.accountsWithRole('loan')[0] : kind === 1 ? company.accountsWithRole('bank')[0] : company.accountsWithRole('opening-equity')[0];
  const description = kind === 0 ? 'Vehicle financed by loan' : kind === 1 ? 'Accrued expense adjustment' : "Owner's capital contribution";
  return Object.assign(entityHead(company, 'JournalEntry', index), {
    Adjustment: false,
    DocNumber: `JE${1001 + index}`,
    TxnDate: formatDay(company.dayOf('JournalEntry', index)),
    CurrencyRef: currencyRef(company),
    Line: [
      { Id: '0', Description: description, Amount: money(cents), DetailType: 'JournalEntryLineDetail', JournalEntryLineDetail: { PostingType: 'Debit', AccountRef: refTo(company, 'Account', debit ?? 0) } },
      { Id: '1', Description: description, Amount: money(cents), DetailType: 'JournalEntryLineDetail', JournalEntryLineDetail: { PostingType: 'Credit', AccountRef: refTo(company, 'Account', credit ?? 0) } },
    ],
    TotalAmt: money(cents),
  });
}

function serviceItem(pick: number): number {
  for (let candidate = pick; candidate >= 0; candidate--) if (itemKind(candidate) === 'Service') return candidate;
  return 0;
}

export function generateTimeActivity(company: Company, index: number): Json {
  const rng = company.rng('TimeActivity', index);
  const count = company.countOf('TimeActivity');
  const employees = company.countOf('Employee');
  const minutes = rng.between(1, 32) * 15;
  const activity: Json = Object.assign(entityHead(company, 'TimeActivity', index), {
    TxnDate: formatDay(company.dayOf('TimeActivity', index)),
    NameOf: employees > 0 ? 'Employee' : 'Vendor',
  });
  if (employees > 0) activity['EmployeeRef'] = refTo(company, 'Employee', pickEarlier(rng, employees, index, count));
  else activity['VendorRef'] = refTo(company, 'Vendor', pickEarlier(rng, company.countOf('Vendor'), index, count));
  const customers = company.countOf('Customer');
  if (customers > 0) activity['CustomerRef'] = refTo(company, 'Customer', pickEarlier(rng, customers, index, count));
  if (company.countOf('Item') > 0) activity['ItemRef'] = refTo(company, 'Item', serviceItem(pickEarlier(rng, company.countOf('Item'), index, count)));
  const billable = rng.chance(0.6);
  activity['BillableStatus'] = billable ? 'Billable' : 'NotBillable';
  activity['Taxable'] = false;
  activity['HourlyRate'] = billable ? money(rng.between(40, 180) * 100) : 0;
  activity['Hours'] = Math.floor(minutes / 60);
  activity['Minutes'] = minutes % 60;
  activity['Description'] = rng.pick(['Site visit', 'Design work', 'Client meeting', 'Installation', 'Planning', 'Travel']);
  return activity;
}
