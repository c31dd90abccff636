import { isActive, nameOf, nested, percent, plain, text, wordOverlap } from './qbo-fields.ts';
import { meaningOf, type Meaning } from './tax-meaning.ts';
import type { CompanyLists, HostTaxRate, Problem, QboRecord, Suggestion, Target, TaxMode, TaxUse } from './types.ts';

/** US pseudo codes: a line is taxable or not, and QuickBooks works out the rate. */
export const PSEUDO_CODES: readonly Target[] = [
  { type: 'TaxCode', id: 'TAX', name: 'Taxable', active: true, detail: 'QuickBooks works out the rate' },
  { type: 'TaxCode', id: 'NON', name: 'Non-taxable', active: true, detail: 'No sales tax' },
];

const MEANING_WORDS: Record<Meaning, string> = {
  exempt: 'exempt',
  zero: 'zero-rated',
  reverse: 'reverse charge',
  outside: 'outside the scope of tax',
  input_taxed: 'input taxed',
};

/** Canadian provinces and territories and US states by code and name: "HST ON" and a host rate for "Ontario" agree. */
const PLACES: Record<'CA' | 'US', Record<string, string>> = {
  CA: {
    on: 'ontario', bc: 'british columbia', ab: 'alberta', qc: 'quebec', mb: 'manitoba', sk: 'saskatchewan',
    ns: 'nova scotia', nb: 'new brunswick', nl: 'newfoundland', pe: 'prince edward island', yt: 'yukon', nt: 'northwest territories', nu: 'nunavut',
  },
  US: Object.fromEntries(
    ('al alabama|ak alaska|az arizona|ar arkansas|ca california|co colorado|ct connecticut|de delaware|dc district of columbia|fl florida|ga georgia|hi hawaii|' +
      'id idaho|il illinois|in indiana|ia iowa|ks kansas|ky kentucky|la louisiana|me maine|md maryland|ma massachusetts|mi michigan|mn minnesota|' +
      'ms mississippi|mo missouri|mt montana|ne nebraska|nv nevada|nh new hampshire|nj new jersey|nm new mexico|ny new york|nc north carolina|' +
      'nd north dakota|oh ohio|ok oklahoma|or oregon|pa pennsylvania|ri rhode island|sc south carolina|sd south dakota|tn tennessee|tx texas|ut utah|' +
      'vt vermont|va virginia|wa washington|wv west virginia|wi wisconsin|wy wyoming').split('|').map((entry) => [entry.slice(0, 2), entry.slice(3)]),
  ),
};

/** A place as "CA-ON" / "US-TX". */
type Place = string;

const placeName = (place: Place): string => PLACES[place.slice(0, 2) as 'CA' | 'US'][place.slice(3).toLowerCase()]!.replace(/\b\w/g, (letter) => letter.toUpperCase());

/**
 * A province or state named in full, or by its code in capitals ("HST ON", "GST/PST BC"; "on" in "tax on sales" is
 * no province); `anyCase` for a field that holds only a region. A longer name wins ("West Virginia" over "Virginia").
 */
function placeOf(value: string, anyCase = false, countries: ('CA' | 'US')[] = ['CA', 'US']): Place | null {
  const folded = ` ${plain(value).replace(/[^a-z]+/g, ' ')} `;
  const tokens = value.split(/[^A-Za-z]+/).map((token) => (anyCase ? token.toLowerCase() : token));
  let best: { place: Place; length: number } | null = null;
  for (const country of countries) {
    for (const [code, name] of Object.entries(PLACES[country])) {
      const length = folded.includes(` ${name} `) ? name.length : tokens.includes(anyCase ? code : code.toUpperCase()) ? 1 : 0;
      if (length > (best?.length ?? 0)) best = { place: `${country}-${code.toUpperCase()}`, length };
    }
  }
  return best?.place ?? null;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const countryCode = (value: string): string | null => {
  const code = value.toUpperCase() === 'UK' ? 'GB' : value.toUpperCase();
  const name = /^[A-Z]{2}$/.test(code) ? regionNames.of(code) : undefined;
  return name && name !== code && name !== 'Unknown Region' ? code : null;
};
let countriesByName: Map<string, string> | undefined;
/** A country by ISO code ("GB", "UK") or English name ("Germany", "United States"). */
function countryOf(value: string): string | null {
  const byCode = countryCode(value.trim());
  if (byCode) return byCode;
  if (!countriesByName) {
    countriesByName = new Map();
    for (let a = 65; a <= 90; a++) for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      // The first code for a name wins: GB, not its alias UK.
      if (countryCode(code) === code && !countriesByName.has(plain(regionNames.of(code)!))) countriesByName.set(plain(regionNames.of(code)!), code);
    }
    countriesByName.set('usa', 'US').set('uk', 'GB').set('great britain', 'GB').set('england', 'GB').set('scotland', 'GB').set('wales', 'GB');
  }
  return countriesByName.get(plain(value).trim()) ?? null;
}

/**
 * Where a host rate applies, from its free-form `region` read against the company's country: "CA-BC", "US-TX",
 * "Ontario", "TX", "Germany". A bare two-letter code is a state or province of the company's own country first
 * ("CA" is California to a US company, Canada to a UK one).
 */
export function regionOf(region: string | undefined, companyCountry: string): { country: string | null; place: Place | null } {
  const home = countryCode(companyCountry) ?? companyCountry.toUpperCase();
  const value = (region ?? '').trim();
  if (!value) return { country: null, place: null };
  const [first = '', ...rest] = value.split(/[\s,/_-]+/).filter(Boolean);
  const prefix = rest.length > 0 ? countryCode(first) : null;
  if (prefix) {
    const place = prefix === 'CA' || prefix === 'US' ? placeOf(rest.join(' '), true, [prefix]) : null;
    return { country: prefix, place };
  }
  const own = home === 'CA' || home === 'US' ? placeOf(value, true, [home]) : null;
  if (own) return { country: home, place: own };
  const country = countryOf(value);
  if (country) return { country, place: null };
  const place = placeOf(value, true);
  return { country: place ? place.slice(0, 2) : null, place };
}

/** A tax code with the combined rate of each of its lists. */
export interface TaxCodeFacts {
  id: string;
  name: string;
  active: boolean;
  sales: number | null;
  purchases: number | null;
  /** The positive rates only: a reverse-charge code books +20% and -20%, so it nets 0% yet is a 20% code. */
  gross: { sales: number | null; purchases: number | null };
  rateCount: { sales: number; purchases: number };
  meaning: Meaning | null;
  /** The province or state the code is for: named in the code, else in one of its rates ("Santa Clara County" holds "California"). */
  place: Place | null;
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * What a code means, judged from how it is built and only then from its name: QuickBooks models reverse charge as
 * rates of SpecialTaxType REVERSE_CHARGE, or as a rate booked and taken back on the purchase list (+20% / -20%); a
 * code merely called "RC" with one ordinary 20% rate charges 20% like any other. Likewise a code called "Exempt"
 * that charges tax is no exempt code.
 */
function meaningOfCode(named: Meaning | null, lists: ({ total: number; gross: number; special: string[] } | null)[]): Meaning | null {
  const special = lists.flatMap((list) => list?.special ?? []);
  const offsets = lists.some((list) => list !== null && list.gross > list.total);
  const charges = lists.some((list) => list !== null && list.total > 0);
  if (special.includes('REVERSE_CHARGE')) return 'reverse';
  if (named === 'reverse') return offsets ? 'reverse' : null;
  if (named) return charges ? null : named;
  if (special.length > 0 && special.every((type) => type === 'ZERO_RATE')) return 'zero';
  if (lists.every((list) => list === null)) return 'outside';
  return null;
}

function rateList(code: QboRecord, key: string, rates: Map<string, QboRecord>): { total: number; gross: number; count: number; special: string[] } | null {
  const details = nested(code, key)?.['TaxRateDetail'];
  if (!Array.isArray(details) || details.length === 0) return null;
  let total = 0;
  let gross = 0;
  const special: string[] = [];
  for (const detail of details) {
    const rate = rates.get(text(nested(detail as QboRecord, 'TaxRateRef'), 'value'));
    const value = Number(rate?.['RateValue'] ?? 0) || 0;
    total += value;
    if (value > 0) gross += value;
    if (rate) special.push(text(rate, 'SpecialTaxType'));
  }
  return { total: round(total), gross: round(gross), count: details.length, special };
}

function placeOfRates(code: QboRecord, rates: Map<string, QboRecord>): Place | null {
  for (const key of ['SalesTaxRateList', 'PurchaseTaxRateList']) {
    const details = nested(code, key)?.['TaxRateDetail'];
    for (const detail of Array.isArray(details) ? details : []) {
      const ref = nested(detail as QboRecord, 'TaxRateRef');
      const place = placeOf(text(rates.get(text(ref, 'value')) ?? {}, 'Name') || text(ref, 'name'));
      if (place) return place;
    }
  }
  return null;
}

export function taxCodeFacts(lists: Pick<CompanyLists, 'taxCodes' | 'taxRates'>): TaxCodeFacts[] {
  const rates = new Map(lists.taxRates.map((rate) => [text(rate, 'Id'), rate]));
  return lists.taxCodes.map((code) => {
    const sales = rateList(code, 'SalesTaxRateList', rates);
    const purchases = rateList(code, 'PurchaseTaxRateList', rates);
    const name = nameOf(code);
    const meaning = meaningOfCode(meaningOf(`${name} ${text(code, 'Description')}`), [sales, purchases]);
    return {
      id: text(code, 'Id'),
      name,
      active: isActive(code),
      sales: sales?.total ?? null,
      purchases: purchases?.total ?? null,
      gross: { sales: sales?.gross ?? null, purchases: purchases?.gross ?? null },
      rateCount: { sales: sales?.count ?? 0, purchases: purchases?.count ?? 0 },
      meaning,
      place: placeOf(name) ?? placeOfRates(code, rates),
    };
  });
}

const USE_WORDS: Record<TaxUse, { list: string; forms: string }> = {
  sales: { list: 'sales', forms: 'invoices and sales receipts' },
  purchases: { list: 'purchase', forms: 'bills, expenses and purchase orders' },
};

/** A code with no rates on either side ("No VAT", "Out of scope") goes on any line at 0%. */
function rateFor(code: TaxCodeFacts, use: TaxUse): number | null {
  const rate = use === 'sales' ? code.sales : code.purchases;
  if (rate !== null) return rate;
  return code.sales === null && code.purchases === null ? 0 : null;
}

const sameRate = (a: number, b: number) => Math.abs(a - b) < 0.0005;

function describeCode(code: TaxCodeFacts): string {
  if (code.sales === null && code.purchases === null) return 'No tax (any line)';
  const parts: string[] = [];
  if (code.sales !== null && code.purchases !== null && code.sales === code.purchases) parts.push(`${percent(code.sales)} on sales and purchases`);
  else {
    if (code.sales !== null) parts.push(`${percent(code.sales)} on sales`);
    if (code.purchases !== null) parts.push(`${percent(code.purchases)} on purchases`);
  }
  return parts.join(', ');
}

/** Which uses of a host rate the company taxes: US purchases carry no sales tax, so only sales count there. */
function usesIn(mode: TaxMode, host: HostTaxRate): TaxUse[] {
  return mode.kind === 'per_line' ? host.applies_to : host.applies_to.filter((use) => use === 'sales');
}

/** Every tax target of the company: TAX/NON in the US with automated sales tax, sales codes (+ NON) with manual, else every code. */
export function taxTargets(mode: TaxMode, codes: TaxCodeFacts[]): Target[] {
  if (mode.kind === 'automated') return [...PSEUDO_CODES];
  const real = codes
    .filter((code) => mode.kind === 'per_line' || code.sales !== null)
    .map((code): Target => ({ type: 'TaxCode', id: code.id, name: code.name, active: code.active, sales_rate: code.sales, purchase_rate: code.purchases, detail: describeCode(code) }));
  return mode.kind === 'manual' ? [...real, PSEUDO_CODES[1]!] : real;
}

/** Canadian tax components a name can hold: "GST + PST", "GST/QST" combine two; "HST" is one harmonized tax. */
const COMPONENTS = /\b(gst|pst|qst|rst|hst)\b/g;

function componentsOf(name: string): string[] {
  return [...new Set(plain(name).replace(/[^a-z0-9]+/g, ' ').match(COMPONENTS) ?? [])];
}

/** Where a host rate applies within the company's country (a province or state), from its region, else its name. */
function hostPlace(mode: TaxMode, host: HostTaxRate): Place | null {
  const home = countryCode(mode.country) ?? mode.country;
  const local = (place: Place | null) => (place?.startsWith(`${home}-`) ? place : null);
  return local(regionOf(host.region, mode.country).place) ?? local(placeOf(host.name));
}

/** The code's rate on one use, as the host's rate compares to it: a reverse-charge code also at its gross rate. */
function ratesMatch(code: TaxCodeFacts, use: TaxUse, hostRate: number, reverse: boolean): boolean {
  const net = rateFor(code, use);
  if (net !== null && sameRate(net, hostRate)) return true;
  const gross = use === 'sales' ? code.gross.sales : code.gross.purchases;
  // A reverse-charge rate is kept by hosts at its gross rate (20%) or at what the seller charges (0%); both are that code.
  return reverse && code.meaning === 'reverse' && gross !== null && sameRate(gross, hostRate);
}

/**
 * What the rate means against what the code means: exempt, zero-rated, reverse charge, outside the scope and input
 * taxed are different boxes on a return even at the same 0%, so a rate that says one of them needs a code that
 * means the same; an ordinary rate never goes on a reverse-charge code (the buyer would account for tax it paid)
 * nor a taxed rate on a special code. A plain 0% rate may go on any 0% code: it does not say which it is.
 */
function meaningProblem(host: HostTaxRate, code: TaxCodeFacts): Problem | null {
  const says = meaningOf(host.name);
  const is = code.meaning;
  if (says === is) return null;
  const what = (meaning: Meaning | null) => (meaning ? MEANING_WORDS[meaning] : 'an ordinary rate');
  if (says && is) return { code: 'meaning_differs', message: `"${host.name}" is ${what(says)}, but "${code.name}" is ${what(is)}: they are different lines on a tax return.` };
  if (says === 'reverse') return { code: 'meaning_differs', message: `"${host.name}" is reverse charge, but "${code.name}" is an ordinary code: the buyer accounts for the tax only with a reverse-charge code.` };
  if (is === 'reverse') return { code: 'meaning_differs', message: `"${host.name}" is an ordinary rate, but "${code.name}" is reverse charge: the buyer would account for tax the seller charged.` };
  if (!says && host.rate > 0 && is) return { code: 'meaning_differs', message: `"${host.name}" charges ${percent(host.rate)}, but "${code.name}" is ${what(is)}.` };
  return null;
}

/** A rate naming two taxes (GST + PST) needs a code combining them on that use, and one naming a single tax a single-rate code. */
function combinationProblem(host: HostTaxRate, code: TaxCodeFacts, use: TaxUse): Problem | null {
  const parts = componentsOf(host.name).filter((part) => part !== 'hst');
  const count = use === 'sales' ? code.rateCount.sales : code.rateCount.purchases;
  const named = parts.map((part) => part.toUpperCase()).join(' and ');
  if (parts.length > 1 && count === 1) {
    return { code: 'meaning_differs', message: `"${host.name}" combines ${named}, but "${code.name}" holds one rate on ${USE_WORDS[use].list === 'sales' ? 'sales' : 'purchases'}: each tax goes to its own agency, so pick a code combining them.` };
  }
  if (parts.length === 1 && componentsOf(host.name).length === 1 && count > 1) {
    return { code: 'meaning_differs', message: `"${host.name}" is ${named} alone, but "${code.name}" combines ${count} rates on ${USE_WORDS[use].list === 'sales' ? 'sales' : 'purchases'}.` };
  }
  return null;
}

/** Everything wrong with mapping `host` to the tax code `targetId` (empty when it is fine). */
export function taxProblems(mode: TaxMode, codes: TaxCodeFacts[], host: HostTaxRate, targetId: string | null): Problem[] {
  const rate = percent(host.rate);
  if (targetId === null) return [{ code: 'unmapped', message: `"${host.name}" is not mapped to a QuickBooks tax code.` }];
  const home = countryCode(mode.country) ?? mode.country;
  const country = regionOf(host.region, mode.country).country;
  if (country && country !== home) {
    return [{ code: 'other_region', message: `"${host.name}" is for ${regionNames.of(country) ?? country}, not this company's region (${regionNames.of(home) ?? home}).` }];
  }
  if (targetId === 'TAX' || targetId === 'NON') {
    if (mode.kind === 'per_line') return [{ code: 'not_allowed', message: `"${targetId}" is for US sales tax; this company needs a real tax code on every line.` }];
    if (targetId === 'TAX' && mode.kind === 'manual') return [{ code: 'not_allowed', message: `With manual sales tax, pick the sales tax code whose rate is ${rate}, not "Taxable".` }];
    const taxable = targetId === 'TAX';
    // The same reason the suggestion gives: a purchases-only rate (use tax) has no sales tax for QuickBooks to compute.
    if (taxable && usesIn(mode, host).length === 0) {
      return [{ code: 'not_allowed', message: `"${host.name}" applies to purchases only, and US purchases carry no sales tax: map it to Non-taxable.` }];
    }
    if (usesIn(mode, host).length > 0 && taxable !== host.rate > 0) {
      return [{ code: 'rate_differs', message: `"${host.name}" is ${rate}, but "${taxable ? 'Taxable' : 'Non-taxable'}" marks lines ${taxable ? 'taxable' : 'not taxable'}.` }];
    }
    return [];
  }
  if (mode.kind === 'automated') {
    return [{ code: 'not_allowed', message: 'This company uses automated sales tax: QuickBooks computes the tax, so only Taxable or Non-taxable can be mapped.' }];
  }
  const code = codes.find((candidate) => candidate.id === targetId);
  if (!code) return [{ code: 'not_found', message: `Tax code ${targetId} does not exist in QuickBooks (any more).` }];
  if (!code.active) return [{ code: 'inactive', message: `"${code.name}" is inactive in QuickBooks, so lines can't use it.` }];
  const problems: Problem[] = [];
  const reverse = meaningOf(host.name) === 'reverse';
  for (const use of usesIn(mode, host)) {
    const codeRate = rateFor(code, use);
    if (codeRate === null) {
      problems.push({ code: 'wrong_use', message: `"${code.name}" has no ${USE_WORDS[use].list} rates, so it can't go on ${USE_WORDS[use].forms}.` });
    } else if (!ratesMatch(code, use, host.rate, reverse)) {
      problems.push({ code: 'rate_differs', message: `"${host.name}" is ${rate}, but "${code.name}" charges ${percent(codeRate)} on ${USE_WORDS[use].list === 'sales' ? 'sales' : 'purchases'}.` });
    } else if (!reverse && code.meaning !== 'reverse' && (use === 'sales' ? code.gross.sales : code.gross.purchases)! > codeRate) {
      // Nets to the host's rate only because it books tax and takes it back (an acquisition code not flagged as reverse charge).
      const gross = (use === 'sales' ? code.gross.sales : code.gross.purchases)!;
      problems.push({ code: 'meaning_differs', message: `"${host.name}" is ${rate}, but "${code.name}" books ${percent(gross)} on ${USE_WORDS[use].list === 'sales' ? 'sales' : 'purchases'} and takes it back: it is not a ${rate} code.` });
    } else {
      const combination = combinationProblem(host, code, use);
      if (combination && !problems.some((problem) => problem.message === combination.message)) problems.push(combination);
    }
  }
  const meaning = meaningProblem(host, code);
  if (meaning) problems.push(meaning);
  const place = hostPlace(mode, host);
  if (place && code.place?.startsWith(`${home}-`) && code.place !== place) {
    problems.push({ code: 'other_region', message: `"${host.name}" is for ${placeName(place)}, but "${code.name}" is for ${placeName(code.place)}.` });
  }
  return problems;
}

/**
 * The best code for a host rate, with why: the same rate for every use it has, then what the rate means (exempt,
 * zero-rated, reverse charge, outside the scope: different lines on a return, so a code meaning something else is
 * never suggested), the province (Ontario HST, BC GST + PST) and shared name words. Ties are reported, not guessed.
 */
export function suggestTaxCode(mode: TaxMode, codes: TaxCodeFacts[], host: HostTaxRate): { suggestion: Suggestion | null; problem: Problem | null } {
  const uses = usesIn(mode, host);
  const where = regionOf(host.region, mode.country);
  const home = countryCode(mode.country) ?? mode.country;
  if (where.country && where.country !== home) {
    const there = regionNames.of(where.country) ?? where.country;
    return { suggestion: null, problem: { code: 'other_region', message: `"${host.name}" is for ${there}: not for this company's region (${regionNames.of(home) ?? home}), so none of its codes is suggested.` } };
  }
  if (mode.kind === 'automated' || (mode.kind === 'manual' && (host.rate === 0 || uses.length === 0))) {
    const taxable = host.rate > 0 && uses.length > 0;
    const reasons = mode.kind === 'automated'
      ? [taxable ? `${percent(host.rate)}: taxable` : uses.length === 0 ? 'US purchases carry no sales tax' : '0%: not taxable', 'QuickBooks computes the tax from the address']
      : [uses.length === 0 ? 'US purchases carry no sales tax' : '0%: not taxable'];
    return { suggestion: { target: { type: 'TaxCode', id: taxable ? 'TAX' : 'NON' }, confidence: 'suggested', reasons }, problem: null };
  }
  const meaning = meaningOf(host.name);
  // Places in names count only in the company's own country: "CA" or "IN" in a UK code's name is no state.
  const local = (place: Place | null) => (place?.startsWith(`${home}-`) ? place : null);
  const province = where.place ?? local(placeOf(host.name));
  const scored: { code: TaxCodeFacts; score: number; reasons: string[] }[] = [];
  for (const code of codes) {
    if (mode.kind === 'manual' && code.sales === null) continue;
    if (taxProblems(mode, codes, host, code.id).length > 0) continue;
    // A rate that says what it is needs a code that means the same; a plain positive rate never takes a special code.
    if (meaning ? code.meaning !== meaning : host.rate > 0 && code.meaning !== null) continue;
    const reasons = [`${percent(host.rate)} on ${uses.map((use) => (use === 'sales' ? 'sales' : 'purchases')).join(' and ')}`];
    let score = 0;
    if (meaning && code.meaning === meaning) {
      score += 3;
      reasons.push(MEANING_WORDS[meaning]);
    }
    const codePlace = local(code.place);
    if (province && codePlace) {
      if (codePlace !== province) continue;
      score += 2;
      reasons.push(placeName(province));
    } else if (!province && codePlace) score -= 1;
    if (uses.includes('sales') && code.rateCount.sales > 1) reasons.push('combined rates in one code');
    const overlap = wordOverlap(host.name, code.name);
    if (overlap >= 0.5) reasons.push('similar name');
    score += overlap;
    scored.push({ code, score, reasons });
  }
  scored.sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best) {
    const what = meaning ? `${MEANING_WORDS[meaning]} ` : '';
    const inPlace = province ? ` in ${placeName(province)}` : '';
    // Only QuickBooks can make a reverse-charge code (no Create is offered for one), so the way out is its settings.
    const next = meaning === 'reverse' ? 'turn on reverse charge in QuickBooks\' VAT settings and sync, or pick another.' : 'create one or pick another.';
    return { suggestion: null, problem: { code: 'unmapped', message: `No active QuickBooks ${what}tax code${inPlace} charges ${percent(host.rate)} on ${uses.map((use) => (use === 'sales' ? 'sales' : 'purchases')).join(' and ')}; ${next}` } };
  }
  if (second && second.score > best.score - 0.5) {
    const tied = scored.filter((entry) => entry.score > best.score - 0.5).map((entry) => `"${entry.code.name}"`);
    return { suggestion: null, problem: { code: 'ambiguous', message: `${tied.join(' and ')} all charge ${percent(host.rate)}; they mean different things on a tax return, so pick one.` } };
  }
  return { suggestion: { target: { type: 'TaxCode', id: best.code.id }, confidence: 'suggested', reasons: best.reasons }, problem: null };
}

/** The host rate's uses as words, for the row: "sales and purchases". */
export const usesText = (host: HostTaxRate): string => host.applies_to.map((use) => (use === 'sales' ? 'sales' : 'purchases')).join(' and ');
