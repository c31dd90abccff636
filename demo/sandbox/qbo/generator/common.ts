import type { Company } from '../company.ts';
import type { EntityName } from '../entity-kinds.ts';
import type { Rng } from '../random.ts';
import { formatQboDateTime } from '../qbo-time.ts';

export type Json = Record<string, unknown>;

export interface Ref {
  value: string;
  name?: string;
}

/** Cents to the JSON number QuickBooks would send (2 decimals, no trailing zeros). */
export function money(cents: number): number {
  return Math.round(cents) / 100;
}

/** The envelope every QuickBooks entity starts with, in QuickBooks' own key order. */
export function entityHead(company: Company, type: EntityName, index: number): Json {
  const times = company.timesOf(type, index);
  return {
    domain: 'QBO',
    sparse: false,
    Id: String(company.idOf(type, index)),
    SyncToken: '0',
    MetaData: {
      CreateTime: formatQboDateTime(times.createMs, company.timeZone),
      LastUpdatedTime: formatQboDateTime(times.updatedMs, company.timeZone),
    },
  };
}

/**
 * A reference to generated entity `index` of `type`, named as references to it are named now: the fully
 * qualified name ("Parent:Project" for a customer's project), whether or not the entity was ever edited.
 */
export function refTo(company: Company, type: EntityName, index: number): Ref {
  const id = company.idOf(type, index);
  return { value: String(id), name: company.refNameOf(type, id) };
}

export function digits(rng: Rng, count: number): string {
  let text = String(rng.between(2, 9));
  while (text.length < count) text += String(rng.int(10));
  return text;
}

export function postalCode(rng: Rng, company: Company, prefix: string): string {
  switch (company.country) {
    case 'US':
      return `${prefix}${rng.between(10, 99)}`;
    case 'CA':
      return `${prefix} ${rng.int(10)}${String.fromCharCode(65 + rng.int(26))}${rng.int(10)}`;
    case 'UK':
      return `${prefix} ${rng.int(10)}${String.fromCharCode(65 + rng.int(26))}${String.fromCharCode(65 + rng.int(26))}`;
    default:
      return `${prefix}${rng.between(10, 99)}`;
  }
}

const STREETS = ['Main', 'Oak', 'High', 'Church', 'Station', 'Park', 'Victoria', 'King', 'Queen', 'Market', 'Mill', 'River', 'George', 'Elm', 'Bridge'];

export function address(rng: Rng, company: Company, id: number): Json {
  const city = rng.pick(company.region.cities);
  return {
    Id: String(id),
    Line1: `${rng.between(1, 2400)} ${rng.pick(STREETS)} ${rng.pick(company.region.streetTypes)}`,
    City: city.city,
    Country: company.region.countryName,
    CountrySubDivisionCode: city.subdivision,
    PostalCode: postalCode(rng, company, city.postalPrefix),
  };
}

export function phone(rng: Rng, company: Company): Json {
  return { FreeFormNumber: company.region.phone(digits(rng, 10)) };
}

export function currencyRef(company: Company): Ref {
  return { value: company.region.currency.value, name: company.region.currency.name };
}

/**
 * A party or item for transaction `index` of `count`, chosen among those that already existed at the time
 * (names are spread over the same history), so no transaction predates what it references.
 */
export function pickEarlier(rng: Rng, population: number, index: number, count: number): number {
  if (population <= 0) return -1;
  const reach = Math.max(1, Math.min(population, Math.ceil((population * (index + 1)) / Math.max(1, count))));
  return rng.int(reach);
}

/**
 * ClassRef/DepartmentRef when the plan tracks them. Finance.xsd puts the class on the header of sales documents and
 * purchase orders only; bills and expenses carry it per line.
 */
export function trackingRefs(company: Company, rng: Rng, entity: Json, classOnLines = false): void {
  const classes = company.countOf('Class');
  const departments = company.countOf('Department');
  if (classes > 0) {
    const classRef = refTo(company, 'Class', rng.int(classes));
    if (!classOnLines) entity['ClassRef'] = classRef;
    else for (const line of (entity['Line'] as Json[] | undefined) ?? []) {
      const detail = line[String(line['DetailType'])] as Json | undefined;
      if (detail) detail['ClassRef'] = classRef;
    }
  }
  if (departments > 0) entity['DepartmentRef'] = refTo(company, 'Department', rng.int(departments));
}

export type { EntityName };
