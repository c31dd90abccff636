import { describe, expect, it } from 'vitest';
import { foldText } from './fold-text.ts';
import { nameVariants } from './name-variants.ts';

const readings = (name: string) => nameVariants(name).map((variant) => `${variant.kind}: ${variant.tokens.join(' ')}`);

describe('foldText', () => {
  it('removes case and accents, including letters that do not decompose', () => {
    expect(foldText('Müller ÉCOLE Straße Søren Łukasz Æther')).toBe('muller ecole strasse soren lukasz aether');
  });
});

describe('nameVariants', () => {
  it.each([
    ['Acme Ltd', 'name: acme'],
    ['ACME Limited', 'name: acme'],
    ['The Acme Co., Inc.', 'name: acme'],
    ['Acme Pty. Ltd.', 'name: acme'],
    ['Acme GmbH & Co. KG', 'name: acme'],
    ['Johnson & Johnson', 'name: johnson johnson'],
    ['Johnson and Johnson', 'name: johnson johnson'],
    ["Int'l Svcs Group", 'name: international services group'],
    ['Smith Bros Mfg', 'name: smith brothers manufacturing'],
    ['Acme Mgmt Dept', 'name: acme management department'],
    ['Three Rivers', 'name: 3 rivers'],
    ['J.P. Morgan', 'name: jp morgan'],
    ["Bob's Bakery", 'name: bobs bakery'],
    ['Dr. Jane O’Neil', 'name: jane oneil'],
    ['The Company', 'name: company'],
    ["St. John's Ambulance", 'name: saint johns ambulance'],
    ['High St Bakery', 'name: high st bakery'],
  ])('reads %s', (written, reading) => {
    expect(readings(written)).toEqual([reading]);
  });

  it('reorders surname-first person names', () => {
    expect(readings('Okafor, John')).toEqual(['name: john okafor']);
    expect(readings('OKAFOR, John A.')).toEqual(['name: john a okafor']);
  });

  it('does not mistake a company with a comma for a person', () => {
    expect(readings('Acme, Inc.')).toEqual(['name: acme']);
    expect(readings('Widgets, Parts & Tools Ltd')).toEqual(['name: widgets parts tools']);
  });

  it('reads a household as the couple and as each person', () => {
    const expected = ['name: john mary smith', 'household member: john smith', 'household member: mary smith'];
    expect(readings('Smith, John & Mary')).toEqual(expected);
    expect(readings('John and Mary Smith')).toEqual(expected);
    expect(readings('Smith & Jones Plumbing')).toEqual(['name: smith jones plumbing']);
  });

  it('reads trading names as a second name', () => {
    expect(readings('Acme Ltd t/a Roadrunner Supplies')).toEqual(['name: acme', 'trading name: roadrunner supplies']);
    expect(readings('Acme LLC DBA Road Runner')).toEqual(['name: acme', 'trading name: road runner']);
  });

  it('reads text in parentheses only together with the name', () => {
    expect(readings("Bob's Bakery (Old Town)")).toEqual(['name: bobs bakery', 'name: bobs bakery old town']);
  });

  it('reads a place, note or country after the name as a qualifier, without it first', () => {
    const reduced = (name: string) => nameVariants(name).map((variant) => `${variant.reduced ? 'reduced' : 'whole'}: ${variant.tokens.join(' ')}`);
    expect(reduced('Acme Plumbing Ltd - Toronto')).toEqual(['reduced: acme plumbing', 'whole: acme plumbing toronto']);
    expect(reduced('Acme Plumbing – Head Office (Accounts)')).toEqual([
      'reduced: acme plumbing', 'reduced: acme plumbing head office', 'whole: acme plumbing head office accounts',
    ]);
    expect(reduced('Acme Plumbing U.K.')).toEqual(['reduced: acme plumbing', 'whole: acme plumbing uk']);
    expect(reduced('Acme Plumbing, United States')).toEqual(['reduced: acme plumbing', 'whole: acme plumbing united states']);
    expect(reduced('Acme UK Ltd')).toEqual(['whole: acme uk']);
    expect(reduced('Smith-Jones Plumbing')).toEqual(['whole: smith jones plumbing']);
    expect(reduced('Canada')).toEqual(['whole: canada']);
  });

  it('ends a name at its legal form: what follows is a qualifier, a legal form after a dash is not', () => {
    const reduced = (name: string) => nameVariants(name).map((variant) => `${variant.reduced ? 'reduced' : 'whole'}: ${variant.tokens.join(' ')}`);
    expect(reduced('Huels Health Ltd. CA')).toEqual(['reduced: huels health', 'whole: huels health ca']);
    expect(reduced('Schuldt GmbH & Co. KG Bayern')).toEqual(['reduced: schuldt', 'whole: schuldt bayern']);
    expect(reduced('Predovic - Hackett LTD')).toEqual(['whole: predovic hackett']);
    expect(reduced('Smith & Co Builders')).toEqual(['whole: smith co builders']);
    expect(reduced('Acme Pty Ltd')).toEqual(['whole: acme']);
  });

  it('gives nothing for an empty name', () => {
    expect(readings('  ')).toEqual([]);
  });
});
