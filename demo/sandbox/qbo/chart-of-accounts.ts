import type { CountryCode } from './regions.ts';

export type Classification = 'Asset' | 'Liability' | 'Equity' | 'Revenue' | 'Expense';

/** What the generator uses an account for; each role is held by exactly one account except income/expense. */
export type AccountRole =
  | 'bank'
  | 'undeposited'
  | 'receivable'
  | 'inventory'
  | 'fixed'
  | 'payable'
  | 'credit-card'
  | 'tax-payable'
  | 'loan'
  | 'opening-equity'
  | 'retained-earnings'
  | 'income'
  | 'other-income'
  | 'cogs'
  | 'expense';

export interface AccountTemplate {
  name: string;
  type: string;
  subType: string;
  classification: Classification;
  role: AccountRole;
  acctNum: string;
}

type Regional = Partial<Record<CountryCode, string>>;

function name(base: string, regional: Regional, country: CountryCode): string {
  return regional[country] ?? base;
}

/**
 * A small, coherent chart of accounts in QuickBooks' own account types and detail types, named the way each
 * regional edition names them.
 */
export function chartOfAccounts(country: CountryCode): AccountTemplate[] {
  const n = (base: string, regional: Regional = {}) => name(base, regional, country);
  const taxPayable = n('Sales Tax Payable', { UK: 'VAT Control', CA: 'GST/HST Payable', AU: 'GST Payable', ZA: 'VAT Payable' });
  return [
    { name: n('Checking', { CA: 'Chequing', UK: 'Current Account', AU: 'Business Cheque Account', ZA: 'Cheque Account' }), type: 'Bank', subType: 'Checking', classification: 'Asset', role: 'bank', acctNum: '1000' },
    { name: 'Undeposited Funds', type: 'Other Current Asset', subType: 'UndepositedFunds', classification: 'Asset', role: 'undeposited', acctNum: '1010' },
    { name: n('Accounts Receivable (A/R)', { UK: 'Debtors', ZA: 'Trade Receivables' }), type: 'Accounts Receivable', subType: 'AccountsReceivable', classification: 'Asset', role: 'receivable', acctNum: '1100' },
    { name: n('Inventory Asset', { UK: 'Stock', AU: 'Inventory' }), type: 'Other Current Asset', subType: 'Inventory', classification: 'Asset', role: 'inventory', acctNum: '1200' },
    { name: n('Truck', { UK: 'Motor Vehicles', AU: 'Motor Vehicles', ZA: 'Vehicles' }), type: 'Fixed Asset', subType: 'Vehicles', classification: 'Asset', role: 'fixed', acctNum: '1500' },
    { name: n('Accounts Payable (A/P)', { UK: 'Creditors', ZA: 'Trade Payables' }), type: 'Accounts Payable', subType: 'AccountsPayable', classification: 'Liability', role: 'payable', acctNum: '2000' },
    { name: n('Mastercard', { UK: 'Business Credit Card', AU: 'Business Visa' }), type: 'Credit Card', subType: 'CreditCard', classification: 'Liability', role: 'credit-card', acctNum: '2100' },
    { name: taxPayable, type: 'Other Current Liability', subType: country === 'US' ? 'SalesTaxPayable' : 'GlobalTaxPayable', classification: 'Liability', role: 'tax-payable', acctNum: '2200' },
    { name: n('Notes Payable', { UK: 'Bank Loan', AU: 'Business Loan', ZA: 'Bank Loan' }), type: 'Long Term Liability', subType: 'NotesPayable', classification: 'Liability', role: 'loan', acctNum: '2700' },
    { name: 'Opening Balance Equity', type: 'Equity', subType: 'OpeningBalanceEquity', classification: 'Equity', role: 'opening-equity', acctNum: '3000' },
    { name: 'Retained Earnings', type: 'Equity', subType: 'RetainedEarnings', classification: 'Equity', role: 'retained-earnings', acctNum: '3200' },
    { name: n('Sales of Product Income', { UK: 'Sales', AU: 'Sales', ZA: 'Sales' }), type: 'Income', subType: 'SalesOfProductIncome', classification: 'Revenue', role: 'income', acctNum: '4000' },
    { name: 'Services', type: 'Income', subType: 'ServiceFeeIncome', classification: 'Revenue', role: 'income', acctNum: '4100' },
    { name: n('Landscaping Services', { CA: 'Consulting Income', UK: 'Consulting Income', AU: 'Installation Income', ZA: 'Installation Income' }), type: 'Income', subType: 'ServiceFeeIncome', classification: 'Revenue', role: 'income', acctNum: '4200' },
    { name: 'Interest Earned', type: 'Other Income', subType: 'InterestEarned', classification: 'Revenue', role: 'other-income', acctNum: '4900' },
    { name: n('Cost of Goods Sold', { UK: 'Cost of sales', AU: 'Cost of sales', ZA: 'Cost of sales' }), type: 'Cost of Goods Sold', subType: 'SuppliesMaterialsCogs', classification: 'Expense', role: 'cogs', acctNum: '5000' },
    { name: 'Advertising', type: 'Expense', subType: 'AdvertisingPromotional', classification: 'Expense', role: 'expense', acctNum: '6000' },
    { name: n('Automobile', { UK: 'Motor Vehicle Expenses', AU: 'Motor Vehicle Expenses', ZA: 'Motor Vehicle Expenses' }), type: 'Expense', subType: 'Auto', classification: 'Expense', role: 'expense', acctNum: '6100' },
    { name: 'Insurance', type: 'Expense', subType: 'Insurance', classification: 'Expense', role: 'expense', acctNum: '6200' },
    { name: n('Legal & Professional Fees', { UK: 'Legal and professional fees' }), type: 'Expense', subType: 'LegalProfessionalFees', classification: 'Expense', role: 'expense', acctNum: '6300' },
    { name: n('Office Expenses', { UK: 'Office expenses' }), type: 'Expense', subType: 'OfficeGeneralAdministrativeExpenses', classification: 'Expense', role: 'expense', acctNum: '6400' },
    { name: 'Rent or Lease', type: 'Expense', subType: 'RentOrLeaseOfBuildings', classification: 'Expense', role: 'expense', acctNum: '6500' },
    { name: n('Repair & Maintenance', { UK: 'Repairs and maintenance' }), type: 'Expense', subType: 'RepairMaintenance', classification: 'Expense', role: 'expense', acctNum: '6600' },
    { name: 'Utilities', type: 'Expense', subType: 'Utilities', classification: 'Expense', role: 'expense', acctNum: '6700' },
    { name: n('Travel', { UK: 'Travel expenses' }), type: 'Expense', subType: 'Travel', classification: 'Expense', role: 'expense', acctNum: '6800' },
    { name: n('Meals and Entertainment', { UK: 'Entertainment' }), type: 'Expense', subType: 'EntertainmentMeals', classification: 'Expense', role: 'expense', acctNum: '6900' },
    { name: n('Job Materials', { UK: 'Materials', AU: 'Materials', ZA: 'Materials' }), type: 'Expense', subType: 'SuppliesMaterials', classification: 'Expense', role: 'expense', acctNum: '7000' },
    { name: n('Wages', { US: 'Payroll Expenses' }), type: 'Expense', subType: 'PayrollExpenses', classification: 'Expense', role: 'expense', acctNum: '7100' },
  ];
}
