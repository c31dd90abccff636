import type { Company, Json } from '../company.ts';
import { formatQboDateTime } from '../qbo-time.ts';
import { faults } from './faults.ts';

/**
 * POST /taxservice/taxcode: QuickBooks' only way to make a tax code. Each rate detail names an existing rate
 * (TaxRateId) or defines a new one (TaxRateName, RateValue, TaxAgencyId, TaxApplicableOn Sales|Purchase).
 */
export function createTaxCode(company: Company, body: Json, nowMs: number): Json {
  const name = typeof body['TaxCode'] === 'string' ? body['TaxCode'].trim() : '';
  if (!name) throw faults.requiredMissing('TaxCode');
  const details = Array.isArray(body['TaxRateDetails']) ? (body['TaxRateDetails'] as Json[]) : [];
  if (details.length === 0) throw faults.requiredMissing('TaxRateDetails');
  if (company.nameHolder('TaxCode', name)) throw faults.duplicateName('tax code');
  const time = formatQboDateTime(nowMs, company.timeZone);
  const head = (id: number) => ({ domain: 'QBO', sparse: false, Id: String(id), SyncToken: '0', MetaData: { CreateTime: time, LastUpdatedTime: time } });
  const sales: Json[] = [];
  const purchase: Json[] = [];
  const answered: Json[] = [];
  for (const detail of details) {
    const side = detail['TaxApplicableOn'] === 'Purchase' ? 'Purchase' : 'Sales';
    let rateId = Number(detail['TaxRateId']);
    let rateName = '';
    let rateValue = Number(detail['RateValue'] ?? 0);
    if (Number.isInteger(rateId) && rateId > 0) {
      const rate = company.get('TaxRate', rateId);
      if (!rate) throw faults.invalidReference('TaxRateRef', String(rateId));
      rateName = String(rate['Name']);
      rateValue = Number(rate['RateValue']);
    } else {
      rateName = String(detail['TaxRateName'] ?? '').trim();
      if (!rateName) throw faults.requiredMissing('TaxRateDetails.TaxRateName');
      if (!Number.isFinite(rateValue)) throw faults.requiredMissing('TaxRateDetails.RateValue');
      const agencyId = Number(detail['TaxAgencyId']);
      if (!Number.isInteger(agencyId) || !company.get('TaxAgency', agencyId)) throw faults.invalidReference('TaxAgencyRef', String(detail['TaxAgencyId'] ?? ''));
      rateId = company.allocateId();
      company.save('TaxRate', { ...head(rateId), Name: rateName, Description: rateName, Active: true, RateValue: rateValue, AgencyRef: { value: String(agencyId) }, SpecialTaxType: 'NONE', DisplayType: 'ReadOnly', EffectiveTaxRate: [{ RateValue: rateValue, EffectiveDate: time }] }, 'Create', nowMs);
    }
    const rateDetail = { TaxRateRef: { value: String(rateId), name: rateName }, TaxTypeApplicable: 'TaxOnAmount', TaxOrder: 0 };
    (side === 'Sales' ? sales : purchase).push(rateDetail);
    answered.push({ TaxRateName: rateName, TaxRateId: String(rateId), RateValue: rateValue, TaxAgencyId: String(detail['TaxAgencyId'] ?? ''), TaxApplicableOn: side });
  }
  const codeId = company.allocateId();
  company.save('TaxCode', { ...head(codeId), Name: name, Description: name, Active: true, Hidden: false, Taxable: true, TaxGroup: sales.length + purchase.length > 1, SalesTaxRateList: { TaxRateDetail: sales }, PurchaseTaxRateList: { TaxRateDetail: purchase } }, 'Create', nowMs);
  return { TaxCode: name, TaxCodeId: String(codeId), TaxRateDetails: answered };
}
