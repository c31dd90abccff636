import type { Company } from '../company.ts';
import type { EntityName } from '../entity-kinds.ts';
import type { Json } from './common.ts';
import { generateBill, generateBillPayment, generatePurchase, generatePurchaseOrder, generateVendorCredit } from './purchases.ts';
import { generateJournalEntry, generateTimeActivity } from './journal.ts';
import { generateCustomer, generateEmployee, generateItem, generateVendor } from './name-lists.ts';
import {
  generateAccount, generateClass, generateDepartment, generatePaymentMethod, generateTaxAgency, generateTaxCode,
  generateTaxRate, generateTerm,
} from './reference.ts';
import { generateCreditMemo, generateDeposit, generateInvoice, generatePayment } from './sales.ts';

const GENERATORS: Record<EntityName, (company: Company, index: number) => Json> = {
  Account: generateAccount,
  TaxAgency: generateTaxAgency,
  TaxRate: generateTaxRate,
  TaxCode: generateTaxCode,
  Term: generateTerm,
  PaymentMethod: generatePaymentMethod,
  Class: generateClass,
  Department: generateDepartment,
  Item: generateItem,
  Employee: generateEmployee,
  Vendor: generateVendor,
  Customer: generateCustomer,
  Invoice: generateInvoice,
  Bill: generateBill,
  PurchaseOrder: generatePurchaseOrder,
  Payment: generatePayment,
  BillPayment: generateBillPayment,
  JournalEntry: generateJournalEntry,
  Purchase: generatePurchase,
  Deposit: generateDeposit,
  CreditMemo: generateCreditMemo,
  VendorCredit: generateVendorCredit,
  TimeActivity: generateTimeActivity,
};

/** Builds generated entity `index` of `type` from the company's seed alone. */
export function generateEntity(company: Company, type: EntityName, index: number): Json {
  return GENERATORS[type](company, index);
}
