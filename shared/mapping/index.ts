/**
 * Mapping the host's tax rates, billable categories and staff to QuickBooks: one pure engine the BFF and host
 * code share. It reads the company's tax mode from CompanyInfo and Preferences (US automated sales tax maps only
 * to Taxable/Non-taxable; UK, CA and AU need a tax code on every line, with separate sales and purchase rate
 * lists), suggests a target with reasons and names every problem of a mapping.
 *
 * ```ts
 * const context = mappingContext(lists);            // the company's QuickBooks lists, inactive included
 * const plan = planMappings(context, 'tax-rates', hostRates, storedMappings);
 * mappingProblems(context, 'tax-rates', rate, { type: 'TaxCode', id: '12' }); // [] when valid
 * ```
 */
export * from './types.ts';
export { taxModeOf } from './tax-mode.ts';
export { PSEUDO_CODES } from './tax-rates.ts';
export {
  defaultProblems,
  defaultsProblems,
  defaultTargets,
  defaultTargetType,
  mappingContext,
  mappingProblems,
  planMappings,
  targetsFor,
  type MappingContext,
  type MappingPlan,
  type MappingRow,
  type MappingStatus,
} from './mapping-engine.ts';
