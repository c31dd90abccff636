/**
 * What differs between QuickBooks Online regions: country code as CompanyInfo reports it, currency, time zone,
 * address and phone conventions, and the name pools the generator draws from.
 */
export type CountryCode = 'US' | 'CA' | 'UK' | 'AU' | 'ZA';
export const COUNTRIES: readonly CountryCode[] = ['US', 'CA', 'UK', 'AU', 'ZA'];

export interface City {
  city: string;
  subdivision: string;
  postal: () => string;
}

export interface Region {
  code: CountryCode;
  /** CompanyInfo.Country as QuickBooks reports it (the UK edition says GB). */
  qboCountry: string;
  countryName: string;
  currency: { value: string; name: string };
  /** The company's IANA time zone; offsets (daylight saving included) come from the platform's tz data. */
  timeZone: string;
  companySuffixes: readonly string[];
  cities: readonly { city: string; subdivision: string; postalPrefix: string }[];
  phone: (digits: string) => string;
  taxIdentifier: (digits: string) => string;
  streetTypes: readonly string[];
  locale: string;
  emailDomain: string;
}

export const REGIONS: Record<CountryCode, Region> = {
  US: {
    code: 'US',
    qboCountry: 'US',
    countryName: 'USA',
    currency: { value: 'USD', name: 'United States Dollar' },
    timeZone: 'America/Los_Angeles',
    companySuffixes: ['LLC', 'Inc.', 'Co.', 'Corp.'],
    cities: [
      { city: 'San Jose', subdivision: 'CA', postalPrefix: '951' },
      { city: 'Sacramento', subdivision: 'CA', postalPrefix: '958' },
      { city: 'Austin', subdivision: 'TX', postalPrefix: '787' },
      { city: 'Denver', subdivision: 'CO', postalPrefix: '802' },
      { city: 'Portland', subdivision: 'OR', postalPrefix: '972' },
      { city: 'Columbus', subdivision: 'OH', postalPrefix: '432' },
      { city: 'Raleigh', subdivision: 'NC', postalPrefix: '276' },
      { city: 'Madison', subdivision: 'WI', postalPrefix: '537' },
    ],
    phone: (d) => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 10)}`,
    taxIdentifier: (d) => `${d.slice(0, 2)}-${d.slice(2, 9)}`,
    streetTypes: ['St.', 'Ave.', 'Blvd.', 'Rd.', 'Way'],
    locale: 'en-us',
    emailDomain: 'example.com',
  },
  CA: {
    code: 'CA',
    qboCountry: 'CA',
    countryName: 'Canada',
    currency: { value: 'CAD', name: 'Canadian Dollar' },
    timeZone: 'America/Toronto',
    companySuffixes: ['Ltd.', 'Inc.', 'Corp.'],
    cities: [
      { city: 'Toronto', subdivision: 'ON', postalPrefix: 'M5V' },
      { city: 'Ottawa', subdivision: 'ON', postalPrefix: 'K1P' },
      { city: 'Vancouver', subdivision: 'BC', postalPrefix: 'V6B' },
      { city: 'Calgary', subdivision: 'AB', postalPrefix: 'T2P' },
      { city: 'Halifax', subdivision: 'NS', postalPrefix: 'B3H' },
      { city: 'Winnipeg', subdivision: 'MB', postalPrefix: 'R3C' },
    ],
    phone: (d) => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 10)}`,
    taxIdentifier: (d) => `${d.slice(0, 9)}RT0001`,
    streetTypes: ['St.', 'Ave.', 'Rd.', 'Cres.', 'Dr.'],
    locale: 'en-ca',
    emailDomain: 'example.ca',
  },
  UK: {
    code: 'UK',
    qboCountry: 'GB',
    countryName: 'United Kingdom',
    currency: { value: 'GBP', name: 'British Pound Sterling' },
    timeZone: 'Europe/London',
    companySuffixes: ['Ltd', 'LLP', 'plc'],
    cities: [
      { city: 'London', subdivision: 'Greater London', postalPrefix: 'EC1' },
      { city: 'Manchester', subdivision: 'Greater Manchester', postalPrefix: 'M1' },
      { city: 'Bristol', subdivision: 'Bristol', postalPrefix: 'BS1' },
      { city: 'Leeds', subdivision: 'West Yorkshire', postalPrefix: 'LS1' },
      { city: 'Edinburgh', subdivision: 'Scotland', postalPrefix: 'EH1' },
      { city: 'Cardiff', subdivision: 'Wales', postalPrefix: 'CF10' },
    ],
    phone: (d) => `0${d.slice(0, 4)} ${d.slice(4, 10)}`,
    taxIdentifier: (d) => `GB${d.slice(0, 9)}`,
    streetTypes: ['Street', 'Road', 'Lane', 'Close', 'Terrace'],
    locale: 'en-gb',
    emailDomain: 'example.co.uk',
  },
  AU: {
    code: 'AU',
    qboCountry: 'AU',
    countryName: 'Australia',
    currency: { value: 'AUD', name: 'Australian Dollar' },
    timeZone: 'Australia/Sydney',
    companySuffixes: ['Pty Ltd', 'Pty. Ltd.'],
    cities: [
      { city: 'Melbourne', subdivision: 'VIC', postalPrefix: '30' },
      { city: 'Sydney', subdivision: 'NSW', postalPrefix: '20' },
      { city: 'Brisbane', subdivision: 'QLD', postalPrefix: '40' },
      { city: 'Perth', subdivision: 'WA', postalPrefix: '60' },
      { city: 'Adelaide', subdivision: 'SA', postalPrefix: '50' },
      { city: 'Hobart', subdivision: 'TAS', postalPrefix: '70' },
    ],
    phone: (d) => `(0${d.slice(0, 1)}) ${d.slice(1, 5)} ${d.slice(5, 9)}`,
    taxIdentifier: (d) => `${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5, 8)} ${d.slice(8, 11).padEnd(3, '1')}`,
    streetTypes: ['Street', 'Road', 'Parade', 'Avenue', 'Court'],
    locale: 'en-au',
    emailDomain: 'example.com.au',
  },
  ZA: {
    code: 'ZA',
    qboCountry: 'ZA',
    countryName: 'South Africa',
    currency: { value: 'ZAR', name: 'South African Rand' },
    timeZone: 'Africa/Johannesburg',
    companySuffixes: ['(Pty) Ltd', 'CC'],
    cities: [
      { city: 'Cape Town', subdivision: 'Western Cape', postalPrefix: '80' },
      { city: 'Johannesburg', subdivision: 'Gauteng', postalPrefix: '20' },
      { city: 'Durban', subdivision: 'KwaZulu-Natal', postalPrefix: '40' },
      { city: 'Pretoria', subdivision: 'Gauteng', postalPrefix: '00' },
      { city: 'Gqeberha', subdivision: 'Eastern Cape', postalPrefix: '60' },
    ],
    phone: (d) => `0${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5, 9)}`,
    taxIdentifier: (d) => `4${d.slice(0, 9)}`,
    streetTypes: ['Street', 'Road', 'Drive', 'Avenue'],
    locale: 'en-za',
    emailDomain: 'example.co.za',
  },
};

/** Accepts the region codes of the control API (GB is an alias of UK). */
export function parseCountry(input: string): CountryCode | null {
  const upper = input.trim().toUpperCase();
  if (upper === 'GB') return 'UK';
  return (COUNTRIES as readonly string[]).includes(upper) ? (upper as CountryCode) : null;
}
