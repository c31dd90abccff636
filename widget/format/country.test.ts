import { expect } from '@open-wc/testing';
import { countryName } from './country.ts';
import { quickbooksPlanName } from './quickbooks-plan.ts';

describe('countryName', () => {
  it('names a country in the user language, accepting UK for GB', () => {
    expect(countryName('US', 'en')).to.equal('United States');
    expect(countryName('UK', 'en')).to.equal('United Kingdom');
    expect(countryName('au', 'en')).to.equal('Australia');
    expect(countryName('US', 'fr')).to.equal('États-Unis');
  });

  it('falls back to the code when it is not one', () => {
    expect(countryName('Narnia', 'en')).to.equal('Narnia');
  });
});

describe('quickbooksPlanName', () => {
  it('spells plans as Intuit does', () => {
    expect(quickbooksPlanName('Plus')).to.equal('QuickBooks Online Plus');
    expect(quickbooksPlanName('SimpleStart')).to.equal('QuickBooks Online Simple Start');
    expect(quickbooksPlanName('Ledger')).to.equal('QuickBooks Online Ledger');
  });
});
