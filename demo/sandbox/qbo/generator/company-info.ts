import type { Company } from '../company.ts';
import { hasClassTracking, hasPurchaseOrders, OFFERING_SKU } from '../company-spec.ts';
import { formatQboDateTime } from '../qbo-time.ts';
import type { Json } from './common.ts';

function head(company: Company): Json {
  const created = formatQboDateTime(company.historyStartMs, company.timeZone);
  return { domain: 'QBO', sparse: false, Id: '1', SyncToken: '0', MetaData: { CreateTime: created, LastUpdatedTime: created } };
}

export function generateCompanyInfo(company: Company): Json {
  const city = company.region.cities[0];
  const address = {
    Id: '1',
    Line1: '100 Market Street',
    City: city?.city ?? '',
    Country: company.region.qboCountry,
    CountrySubDivisionCode: city?.subdivision ?? '',
    PostalCode: city?.postalPrefix ?? '',
  };
  return Object.assign(head(company), {
    CompanyName: company.name,
    LegalName: company.name,
    CompanyAddr: address,
    CustomerCommunicationAddr: address,
    LegalAddr: address,
    PrimaryPhone: { FreeFormNumber: company.region.phone('4155550100') },
    CompanyStartDate: new Date(company.historyStartMs).toISOString().slice(0, 10),
    FiscalYearStartMonth: company.fiscalYearStartMonthName(),
    Country: company.region.qboCountry,
    Email: { Address: `accounts@${company.name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.${company.region.emailDomain.replace(/^example\./, '')}` },
    WebAddr: {},
    SupportedLanguages: 'en',
    NameValue: [
      { Name: 'NeoEnabled', Value: 'true' },
      { Name: 'IndustryType', Value: 'Landscaping Services' },
      { Name: 'CompanyType', Value: 'LLC' },
      { Name: 'SubscriptionStatus', Value: 'PAID' },
      { Name: 'OfferingSku', Value: OFFERING_SKU[company.plan] },
      { Name: 'PayrollFeature', Value: 'false' },
      { Name: 'AccountantFeature', Value: 'false' },
      { Name: 'IsQbdtMigrated', Value: 'false' },
      { Name: 'ItemCategoriesFeature', Value: 'true' },
      { Name: 'AssignedTime', Value: formatQboDateTime(company.historyStartMs, company.timeZone) },
    ],
  });
}

export function generatePreferences(company: Company): Json {
  const tracking = hasClassTracking(company.plan);
  const us = company.country === 'US';
  return Object.assign(head(company), {
    AccountingInfoPrefs: {
      TrackDepartments: tracking && company.countOf('Department') > 0,
      DepartmentTerminology: 'Location',
      ClassTrackingPerTxn: tracking && company.countOf('Class') > 0,
      ClassTrackingPerTxnLine: false,
      CustomerTerminology: 'Customers',
      FirstMonthOfFiscalYear: company.fiscalYearStartMonthName(),
      UseAccountNumbers: true,
      TaxYearMonth: company.fiscalYearStartMonthName(),
    },
    ProductAndServicesPrefs: { ForSales: true, ForPurchase: true, QuantityWithPriceAndRate: true, QuantityOnHand: true },
    SalesFormsPrefs: { AllowDeposit: true, AllowDiscount: true, AllowEstimates: true, AllowShipping: false, DefaultTerms: { value: String(company.idOf('Term', 2)) }, AutoApplyCredit: true },
    EmailMessagesPrefs: {},
    VendorAndPurchasesPrefs: {
      TrackingByCustomer: true,
      BillableExpenseTracking: true,
      DefaultTerms: { value: String(company.idOf('Term', 2)) },
      // As preferences.xml shows it: the purchase-order custom-field switches, present where POs exist.
      ...(hasPurchaseOrders(company.plan)
        ? { POCustomField: [{ CustomField: [1, 2, 3].map((n) => ({ Name: `PurchasePrefs.UsePurchaseCustom${n}`, Type: 'BooleanType', BooleanValue: false })) }] }
        : {}),
    },
    TimeTrackingPrefs: { UseServices: true, BillCustomers: true, ShowBillRateToAll: false, WorkWeekStartDate: 'Monday', MarkTimeEntriesBillable: true },
    TaxPrefs: us
      ? { UsingSalesTax: true, PartnerTaxEnabled: company.automatedSalesTax, TaxGroupCodeRef: { value: String(company.idOf('TaxCode', company.tax.standardSalesCode)) } }
      : { UsingSalesTax: true, PartnerTaxEnabled: false },
    CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: company.region.currency.value } },
    ReportPrefs: { ReportBasis: 'Accrual', CalcAgingReportFromTxnDate: false },
    OtherPrefs: { NameValue: [{ Name: 'SalesFormsPrefs.DefaultCustomerMessage', Value: 'Thank you for your business.' }] },
  });
}
