import type { Company } from '../company.ts';
import { customerBusinessName, emailLocalPart, personName, vendorBusinessName } from '../names.ts';
import { address, currencyRef, digits, entityHead, money, phone, refTo, type Json } from './common.ts';
import { TERMS } from './reference.ts';

/** Appended by QuickBooks to the name of a deactivated ("deleted") name-list entry. */
export const DELETED_SUFFIX = ' (deleted)';

const PROJECT_KINDS = ['Kitchen Remodel', 'Office Fit-out', 'Annual Maintenance', 'Garden Redesign', 'Warehouse Expansion', 'Website Rebuild', 'Roof Repair', 'Fleet Service'];

const ITEM_WORDS = ['Standard', 'Premium', 'Deluxe', 'Compact', 'Heavy-duty', 'Eco', 'Pro', 'Basic'];
const ITEM_SERVICES = ['Consulting Hour', 'Installation', 'Maintenance Visit', 'Design Service', 'Delivery', 'Site Survey', 'Training Session', 'Repair Labour'];
const ITEM_GOODS = ['Mulch Bag', 'Paving Stone', 'Timber Plank', 'Steel Bracket', 'Garden Soil', 'Irrigation Kit', 'Pallet Wrap', 'LED Panel', 'Safety Gloves', 'Fence Panel'];

export type ItemKind = 'Service' | 'NonInventory' | 'Inventory';

export function itemKind(index: number): ItemKind {
  const slot = index % 4;
  return slot === 1 ? 'NonInventory' : slot === 2 ? 'Inventory' : 'Service';
}

export function itemName(index: number): string {
  const kind = itemKind(index);
  const pool = kind === 'Service' ? ITEM_SERVICES : ITEM_GOODS;
  const size = pool.length * ITEM_WORDS.length;
  const within = Math.floor(index / 4);
  const local = within % size;
  const round = Math.floor(within / size);
  const name = `${ITEM_WORDS[local % ITEM_WORDS.length]} ${pool[Math.floor(local / ITEM_WORDS.length)]}`;
  return round === 0 ? name : `${name} ${round + 1}`;
}

/** Unit price in cents, a pure function of the item so transactions can price lines without building the item. */
export function itemPriceCents(company: Company, index: number): number {
  const h = (company.seedHash ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  return itemKind(index) === 'Service' ? 5_000 + (h % 15_000) : 500 + (h % 45_000);
}

export function itemCostCents(company: Company, index: number): number {
  return Math.round(itemPriceCents(company, index) * 0.6);
}

/** Income account of a generated item: services and goods map to distinct income accounts. */
export function itemIncomeAccountIndex(company: Company, index: number): number {
  const incomes = company.accountsWithRole('income');
  const pick = itemKind(index) === 'Service' ? 1 + (index % Math.max(1, incomes.length - 1)) : 0;
  return incomes[Math.min(pick, incomes.length - 1)] ?? 0;
}

export function isCustomerProject(index: number): boolean {
  return index % 10 === 9;
}

export function customerIsPerson(index: number): boolean {
  return index % 3 === 1;
}

export function generatedPartyName(company: Company, type: 'Vendor' | 'Customer' | 'Employee', index: number): string {
  const suffix = company.region.companySuffixes[index % company.region.companySuffixes.length] ?? '';
  let name: string;
  if (type === 'Vendor') name = vendorBusinessName(index, suffix);
  else if (type === 'Employee') name = personName(index, 1).display;
  else if (isCustomerProject(index)) name = `${generatedPartyName(company, 'Customer', index - 9).replace(DELETED_SUFFIX, '')} - ${PROJECT_KINDS[index % PROJECT_KINDS.length]}`;
  else if (customerIsPerson(index)) name = personName(index, 0).display;
  else name = customerBusinessName(index, suffix);
  return company.isPatternInactive(type, index) ? name + DELETED_SUFFIX : name;
}

export function generatedItemName(company: Company, index: number): string {
  const name = itemName(index);
  return company.isPatternInactive('Item', index) ? name + DELETED_SUFFIX : name;
}

function contactEmail(company: Company, local: string, domainHint: string): Json {
  return { Address: `${emailLocalPart(local)}@${emailLocalPart(domainHint).replace(/\./g, '') || 'mail'}.${company.region.emailDomain.replace(/^example\./, '')}` };
}

export function generateVendor(company: Company, index: number): Json {
  const rng = company.rng('Vendor', index);
  const id = company.idOf('Vendor', index);
  const display = generatedPartyName(company, 'Vendor', index);
  const contact = personName(index * 3 + 7, 1);
  const termIndex = rng.int(TERMS.length);
  const vendor: Json = Object.assign(entityHead(company, 'Vendor', index), {
    GivenName: contact.given,
    FamilyName: contact.family,
    CompanyName: display.replace(' (deleted)', ''),
    DisplayName: display,
    PrintOnCheckName: display.replace(' (deleted)', ''),
    Active: !company.isPatternInactive('Vendor', index),
    PrimaryPhone: phone(rng, company),
    PrimaryEmailAddr: contactEmail(company, `accounts`, display.split(' ')[0] ?? 'vendor'),
    WebAddr: { URI: `https://www.${emailLocalPart(display.split(' ')[0] ?? 'vendor')}.${company.region.emailDomain.replace(/^example\./, '')}` },
    BillAddr: address(rng, company, id * 10 + 1),
    TermRef: refTo(company, 'Term', termIndex),
    Balance: money(company.ledger.partyBalanceCents('Vendor', id)),
    AcctNum: digits(rng, 6),
    CurrencyRef: currencyRef(company),
  });
  if (company.country === 'US') {
    vendor['Vendor1099'] = rng.chance(0.3);
    vendor['TaxIdentifier'] = `XXXXXX${digits(rng, 4)}`;
  } else {
    vendor['TaxIdentifier'] = company.region.taxIdentifier(digits(rng, 11));
  }
  return vendor;
}

export function generateCustomer(company: Company, index: number): Json {
  const rng = company.rng('Customer', index);
  const id = company.idOf('Customer', index);
  const display = generatedPartyName(company, 'Customer', index);
  const active = !company.isPatternInactive('Customer', index);
  const project = isCustomerProject(index);
  const person = customerIsPerson(index) && !project;
  const contact = person ? personName(index, 0) : personName(index * 5 + 3, 0);
  const balance = company.ledger.partyBalanceCents('Customer', id);
  const head = entityHead(company, 'Customer', index);
  const bill = address(rng, company, id * 10 + 1);
  const customer: Json = Object.assign(head, {
    Taxable: company.country === 'US' ? !project : undefined,
    BillAddr: bill,
    ShipAddr: { ...bill, Id: String(id * 10 + 2) },
    Job: project,
    BillWithParent: project,
    Balance: money(balance),
    BalanceWithJobs: money(balance),
    CurrencyRef: currencyRef(company),
    PreferredDeliveryMethod: rng.chance(0.6) ? 'Email' : 'Print',
    GivenName: contact.given,
    FamilyName: contact.family,
    FullyQualifiedName: display,
    DisplayName: display,
    PrintOnCheckName: display.replace(DELETED_SUFFIX, ''),
    Active: active,
    PrimaryPhone: phone(rng, company),
    PrimaryEmailAddr: contactEmail(company, `${contact.given}.${contact.family}`, display.split(' ')[0] ?? 'customer'),
  });
  if (customer['Taxable'] === undefined) delete customer['Taxable'];
  if (!person) customer['CompanyName'] = display.replace(DELETED_SUFFIX, '');
  if (project) {
    const parentIndex = index - 9;
    customer['ParentRef'] = refTo(company, 'Customer', parentIndex);
    customer['Level'] = 1;
    customer['IsProject'] = true;
    // The parent's name as it is now: renaming the parent renames the project's full name.
    customer['FullyQualifiedName'] = company.refNameOf('Customer', id);
  } else {
    customer['SalesTermRef'] = refTo(company, 'Term', rng.int(TERMS.length));
    const projectIndex = index + 9;
    if (index % 10 === 0 && projectIndex < company.countOf('Customer')) {
      const projectBalance = company.ledger.partyBalanceCents('Customer', company.idOf('Customer', projectIndex));
      customer['BalanceWithJobs'] = money(balance + projectBalance);
    }
  }
  return customer;
}

export function generateEmployee(company: Company, index: number): Json {
  const rng = company.rng('Employee', index);
  const id = company.idOf('Employee', index);
  const name = personName(index, 1);
  const display = generatedPartyName(company, 'Employee', index);
  const hired = company.timesOf('Employee', index).createMs;
  const employee: Json = Object.assign(entityHead(company, 'Employee', index), {
    BillableTime: rng.chance(0.5),
    HiredDate: new Date(hired).toISOString().slice(0, 10),
    GivenName: name.given,
    FamilyName: name.family,
    DisplayName: display,
    PrintOnCheckName: display.replace(DELETED_SUFFIX, ''),
    Active: !company.isPatternInactive('Employee', index),
    PrimaryPhone: phone(rng, company),
    PrimaryEmailAddr: { Address: `${emailLocalPart(`${name.given}.${name.family}`)}@${emailLocalPart(company.name.split(' ')[0] ?? 'company')}.${company.region.emailDomain.replace(/^example\./, '')}` },
    PrimaryAddr: address(rng, company, id * 10 + 1),
    EmployeeNumber: `E${String(index + 1).padStart(4, '0')}`,
    CostRate: money(2_000 + rng.int(6_000)),
  });
  if (company.country === 'US') employee['SSN'] = `XXX-XX-${digits(rng, 4)}`;
  return employee;
}

export function generateItem(company: Company, index: number): Json {
  const rng = company.rng('Item', index);
  const kind = itemKind(index);
  const name = generatedItemName(company, index);
  const item: Json = Object.assign(entityHead(company, 'Item', index), {
    Name: name,
    Description: itemName(index),
    Active: !company.isPatternInactive('Item', index),
    FullyQualifiedName: name,
    Taxable: kind !== 'Service',
    UnitPrice: money(itemPriceCents(company, index)),
    Type: kind,
    IncomeAccountRef: refTo(company, 'Account', itemIncomeAccountIndex(company, index)),
    PurchaseDesc: itemName(index),
    PurchaseCost: kind === 'Service' ? 0 : money(itemCostCents(company, index)),
    TrackQtyOnHand: kind === 'Inventory',
    Sku: `SKU-${String(index + 1).padStart(5, '0')}`,
  });
  if (company.country !== 'US') delete item['Taxable'];
  if (kind !== 'Service') {
    const cogs = company.accountsWithRole('cogs')[0] ?? 0;
    item['ExpenseAccountRef'] = refTo(company, 'Account', cogs);
  }
  if (kind === 'Inventory') {
    item['AssetAccountRef'] = refTo(company, 'Account', company.accountsWithRole('inventory')[0] ?? 0);
    item['QtyOnHand'] = rng.between(0, 400);
    item['InvStartDate'] = new Date(company.historyStartMs).toISOString().slice(0, 10);
  }
  if (company.country !== 'US') {
    item['SalesTaxCodeRef'] = refTo(company, 'TaxCode', kind === 'Service' ? company.tax.standardSalesCode : company.tax.standardSalesCode);
    item['PurchaseTaxCodeRef'] = refTo(company, 'TaxCode', company.tax.standardSalesCode);
  }
  return item;
}
