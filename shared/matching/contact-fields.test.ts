import { describe, expect, it } from 'vitest';
import { normaliseAccountNumber, normaliseCountry, normalisePostalCode, normaliseTaxId } from './business-identifiers.ts';
import { readEmailAddress } from './email-address.ts';
import { isFreeMailDomain } from './free-mail-domains.ts';
import { nationalSignificantNumber } from './phone-number.ts';

describe('nationalSignificantNumber', () => {
  it('gives one number for international and national forms', () => {
    const forms = ['+44 20 7946 0018', '020 7946 0018', '0044 20 7946 0018', '+44 (0)20 7946 0018', '020-7946-0018 ext. 12'];
    expect(new Set(forms.map(nationalSignificantNumber))).toEqual(new Set(['2079460018']));
  });

  it('handles North American numbers with and without the country code', () => {
    const forms = ['+1 (415) 555-0100', '(415) 555-0100', '1-415-555-0100', '415.555.0100'];
    expect(new Set(forms.map(nationalSignificantNumber))).toEqual(new Set(['4155550100']));
  });

  it('strips three-digit country codes', () => {
    expect(nationalSignificantNumber('+353 1 555 0100')).toBe(nationalSignificantNumber('01 555 0100'));
    expect(nationalSignificantNumber('+61 2 9876 5432')).toBe(nationalSignificantNumber('(02) 9876 5432'));
  });

  it('ignores numbers too short to identify a line', () => {
    expect(nationalSignificantNumber('123')).toBeUndefined();
    expect(nationalSignificantNumber('')).toBeUndefined();
  });
});

describe('readEmailAddress', () => {
  it('normalises case, tags and Gmail dots', () => {
    expect(readEmailAddress(' John.Okafor+invoices@GMail.com ')?.address).toBe('johnokafor@gmail.com');
    expect(readEmailAddress('Accounts <accounts@acme.co.uk>')?.address).toBe('accounts@acme.co.uk');
  });

  it("reduces the domain to the organisation's", () => {
    expect(readEmailAddress('ap@billing.acme.co.uk')?.domain).toBe('acme.co.uk');
    expect(readEmailAddress('ap@mail.acme.com')?.domain).toBe('acme.com');
  });

  it('recognises free mail, including per-country domains', () => {
    expect(readEmailAddress('a@gmail.com')?.freeMail).toBe(true);
    expect(isFreeMailDomain('yahoo.co.uk')).toBe(true);
    expect(isFreeMailDomain('hotmail.fr')).toBe(true);
    expect(isFreeMailDomain('acme.com')).toBe(false);
  });

  it('rejects what is not an address', () => {
    expect(readEmailAddress('n/a')).toBeUndefined();
  });
});

describe('identifiers', () => {
  it('normalises postal codes', () => {
    expect(normalisePostalCode('sw1a 1aa')).toBe(normalisePostalCode('SW1A1AA'));
    expect(normalisePostalCode('94107-1234')).toBe('94107');
  });

  it('normalises tax ids without their country prefix', () => {
    expect(normaliseTaxId('GB 123 4567 89')).toBe('123456789');
    expect(normaliseTaxId('12-3456789')).toBe('123456789');
  });

  it('normalises account numbers', () => {
    expect(normaliseAccountNumber('acc-00042')).toBe('ACC00042');
    expect(normaliseAccountNumber('00042')).toBe('42');
  });

  it('names countries by ISO code', () => {
    expect(['UK', 'United Kingdom', 'gb', 'England'].map(normaliseCountry)).toEqual(['GB', 'GB', 'GB', 'GB']);
    expect(normaliseCountry('United States of America')).toBe('US');
  });
});
