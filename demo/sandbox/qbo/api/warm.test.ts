import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { harness, q, type Harness } from '../../testing.ts';
import { Company, type Json } from '../company.ts';
import { ENTITY_NAMES, NAME_LISTS } from '../entity-kinds.ts';
import { executeQuery } from '../query/execute.ts';
import { parseQuery } from '../query/parse.ts';
import { JsonArena } from '../json-arena.ts';

const NOW = Date.UTC(2026, 0, 15, 12);
const SPEC = { name: 'Warm Twin Co', country: 'US', plan: 'Advanced', seed: 'warm-twin', size: 'small' };

interface Twin {
  h: Harness;
  realm: string;
  token: string;
  /** The answer's text with its `time` value blanked (the only part allowed to differ). */
  text(path: string): Promise<string>;
  control(method: string, path: string, body?: unknown): Promise<Json>;
}

let twins: Twin[] = [];
afterEach(async () => {
  for (const twin of twins) await twin.h.sandbox.close();
  twins = [];
  vi.restoreAllMocks();
});
// One fixed sandbox clock for both twins, so writes made a few milliseconds apart carry the same MetaData times.
beforeEach(() => {
  vi.spyOn(Date, 'now').mockReturnValue(NOW);
});

async function twin(): Promise<Twin> {
  const h = harness({ demoCompanies: false, settings: { rate_limit_per_minute: 100_000 } });
  const { realm_id: realm } = (await (await h.control('POST', '/qbo/companies', SPEC)).json()) as { realm_id: string };
  const { access_token: token } = await h.connect(realm);
  const made: Twin = {
    h,
    realm,
    token,
    async text(path) {
      const response = await h.api(token, realm, path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe('application/json');
      return (await response.text()).replace(/"time":"[^"]*"/, '"time":""');
    },
    async control(method, path, body) {
      const response = await h.control(method, path.replace('{realm}', realm), body);
      expect(response.status, path).toBeLessThan(300);
      return (await response.json()) as Json;
    },
  };
  twins.push(made);
  return made;
}

/** Import-style pages of every type (Id ranges, STARTPOSITION, Id IN, COUNT, time order) and the whole of each. */
async function pages(one: Twin): Promise<string[]> {
  const paths: string[] = [];
  for (const type of ENTITY_NAMES) {
    const all = JSON.parse(await one.text(q(`SELECT * FROM ${type} STARTPOSITION 1 MAXRESULTS 1000`))) as { QueryResponse: Record<string, Json[]> };
    const ids = (all.QueryResponse[type] ?? []).map((entity) => String(entity['Id']));
    const middle = ids[Math.floor(ids.length / 2)] ?? '0';
    paths.push(
      q(`SELECT * FROM ${type} STARTPOSITION 1 MAXRESULTS 1000`),
      q(`SELECT * FROM ${type} WHERE Id > '${middle}' ORDERBY Id MAXRESULTS 7`),
      q(`SELECT * FROM ${type} STARTPOSITION 11 MAXRESULTS 13`),
      q(`SELECT * FROM ${type} WHERE Id IN (${ids.filter((_, i) => i % 5 === 1).slice(0, 9).map((id) => `'${id}'`).join(', ') || "'1'"})`),
      q(`SELECT COUNT(*) FROM ${type}`),
      q(`SELECT * FROM ${type} WHERE MetaData.LastUpdatedTime >= '2024-06-01T00:00:00Z' ORDERBY MetaData.LastUpdatedTime MAXRESULTS 9`),
      q(`SELECT Id, MetaData FROM ${type} WHERE Id > '${middle}' ORDERBY Id MAXRESULTS 3`),
    );
    if (NAME_LISTS.has(type)) paths.push(q(`SELECT * FROM ${type} WHERE Active IN (true, false) STARTPOSITION 5 MAXRESULTS 30`));
  }
  const texts: string[] = [];
  for (const path of paths) texts.push(`${path}\n${await one.text(path)}`);
  return texts;
}

const firstBill = async (one: Twin) => (JSON.parse(await one.text(q('SELECT * FROM Bill MAXRESULTS 1'))) as { QueryResponse: { Bill: Json[] } }).QueryResponse.Bill[0] as Json;
const billsOf = async (one: Twin, vendorId: string) =>
  (JSON.parse(await one.text(q('SELECT * FROM Bill STARTPOSITION 1 MAXRESULTS 1000'))) as { QueryResponse: { Bill: Json[] } }).QueryResponse.Bill.filter((bill) => (bill['VendorRef'] as Json)['value'] === vendorId);

describe('POST /_sandbox/qbo/companies/{realm}/warm', () => {
  it('answers how many entities and bytes it cached and how long it took; 404 for an unknown realm', async () => {
    const warm = await twin();
    const answer = await warm.control('POST', '/qbo/companies/{realm}/warm');
    expect(Object.keys(answer)).toEqual(['entities', 'bytes', 'ms']);
    const stats = await warm.control('GET', '/qbo/companies/{realm}/stats');
    const counts = stats['entity_counts'] as Record<string, number>;
    expect(answer['entities']).toBe(Object.values(counts).reduce((sum, n) => sum + n, 0));
    expect(stats['json_cache']).toEqual({ current: true, entities: answer['entities'], bytes: answer['bytes'] });
    expect(answer['bytes']).toBeGreaterThan(Number(answer['entities']) * 200);
    expect(answer['ms']).toBeGreaterThanOrEqual(0);
    expect((await warm.h.control('POST', '/qbo/companies/123/warm')).status).toBe(404);
  });

  it('a warm company answers every page byte for byte as its cold twin does', async () => {
    const warm = await twin();
    const cold = await twin();
    const before = await pages(warm);
    await warm.control('POST', '/qbo/companies/{realm}/warm');
    const warmPages = await pages(warm);
    expect(warmPages).toEqual(await pages(cold));
    expect(warmPages).toEqual(before);
  });

  it('after a rename, a created and a deleted invoice, the warm company answers as its cold twin (never stale text)', async () => {
    const warm = await twin();
    const cold = await twin();
    await warm.control('POST', '/qbo/companies/{realm}/warm');
    const customersBefore = await warm.text(q('SELECT * FROM Customer STARTPOSITION 1 MAXRESULTS 1000'));
    const vendorId = String(((await firstBill(warm))['VendorRef'] as Json)['value']);

    for (const one of [warm, cold]) await one.control('POST', `/qbo/companies/{realm}/entities/Vendor/${vendorId}`, { changes: { DisplayName: 'Renamed Vendor Co' } });
    expect((await warm.control('GET', '/qbo/companies/{realm}/stats'))['json_cache']).toEqual({ current: false, entities: 0, bytes: 0 });
    const renamed = await billsOf(warm, vendorId);
    expect(renamed.length).toBeGreaterThan(0);
    for (const bill of renamed) expect((bill['VendorRef'] as Json)['name']).toBe('Renamed Vendor Co');
    expect(await pages(warm)).toEqual(await pages(cold));

    // Warm again, then change more: a created and a deleted invoice move customers' balances.
    await warm.control('POST', '/qbo/companies/{realm}/warm');
    expect(await pages(warm)).toEqual(await pages(cold));
    const open = (JSON.parse(await warm.text(q('SELECT * FROM Invoice WHERE Balance > 0 MAXRESULTS 1'))) as { QueryResponse: { Invoice: Json[] } }).QueryResponse.Invoice[0] as Json;
    const customerId = String((open['CustomerRef'] as Json)['value']);
    const balance = async () => (JSON.parse(await warm.text(`customer/${customerId}`)) as { Customer: Json }).Customer['Balance'] as number;
    const owed = await balance();
    for (const one of [warm, cold]) {
      await one.control('POST', '/qbo/companies/{realm}/mutations', { create: 1, entities: ['Invoice'] });
      await one.control('DELETE', `/qbo/companies/{realm}/entities/Invoice/${String(open['Id'])}`);
    }
    expect(await balance()).toBeCloseTo(owed - (open['Balance'] as number), 2);
    expect(await warm.text(q('SELECT * FROM Customer STARTPOSITION 1 MAXRESULTS 1000'))).not.toBe(customersBefore);
    expect(await pages(warm)).toEqual(await pages(cold));

    // Warm with the overlay in place: overlay entities come out between cached ones, as the cold twin has them.
    await warm.control('POST', '/qbo/companies/{realm}/warm');
    expect(await pages(warm)).toEqual(await pages(cold));
  });
});

describe('Company JSON cache', () => {
  const make = () => new Company({ realmId: '4620816365000000009', spec: { seed: 'warm-unit', size: 'small' }, nowMs: NOW });
  const page = (company: Company) => executeQuery(company, 'Bill', parseQuery('SELECT * FROM Bill WHERE Id > 0 ORDERBY Id MAXRESULTS 50'), { cachedText: true });
  const texts = (company: Company) => {
    const result = page(company);
    return result.kind === 'page' ? result.items.map((item) => (item instanceof Uint8Array ? Buffer.from(item).toString() : JSON.stringify(item))) : [];
  };

  it('is cold until warmed, serves text only while no write happened since, and that text is what the entities stringify to', () => {
    const company = make();
    const twin = make();
    const result = page(company);
    expect(result.kind === 'page' && result.items.every((item) => !(item instanceof Uint8Array))).toBe(true);
    company.warmJson();
    const warm = page(company);
    expect(warm.kind === 'page' && warm.items.every((item) => item instanceof Uint8Array)).toBe(true);
    expect(texts(company)).toEqual(texts(twin));

    const bill = company.get('Bill', company.idOf('Bill', 0)) as Json;
    const vendorId = Number((bill['VendorRef'] as Json)['value']);
    for (const one of [company, twin]) {
      const vendor = one.get('Vendor', vendorId) as Json;
      one.save('Vendor', { ...vendor, DisplayName: 'Renamed In Place' }, 'Update', NOW);
    }
    expect(company.cachedJsonOf('Bill')).toBeNull();
    expect(texts(company)).toEqual(texts(twin));
    expect(texts(company)[0]).toContain('Renamed In Place');

    company.warmJson();
    for (const one of [company, twin]) one.remove('Bill', one.idOf('Bill', 0), NOW);
    expect(company.cachedJsonOf('Bill')).toBeNull();
    expect(texts(company)).toEqual(texts(twin));
  });
});

it('the arena keeps every entity intact across many chunks, and refuses an index it does not hold', () => {
  const count = 40_000;
  const arena = new JsonArena(count);
  // ~1 KB each with multi-byte characters: about 2.5 chunks of 16 MB, so entities land at chunk boundaries.
  const textOf = (i: number) => JSON.stringify({ Id: String(i), Name: `Fournisseur ${i} – café ü €`, pad: 'x'.repeat(1000 + (i % 97)) });
  for (let i = 0; i < count; i++) arena.set(i, textOf(i));
  arena.finish();
  expect(arena.bytes).toBeGreaterThan(2 * 16 * 1024 * 1024);
  for (let i = 0; i < count; i++) expect(Buffer.from(arena.get(i)).toString('utf8')).toBe(textOf(i));
  expect(() => arena.get(count)).toThrow(RangeError);
  expect(() => arena.get(-1)).toThrow(RangeError);
});
