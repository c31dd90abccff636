// Bench: a 1,000,000-entity QuickBooks company in the sandbox, served as 1000-entity query pages through the HTTP
// app. Targets: median page < 50 ms, peak RSS < 1.5 GB. Exits 1 when a target is missed.
import { createSandbox } from '../../demo/sandbox/index.ts';

const PAGE_TARGET_MS = 50;
const RSS_TARGET_BYTES = 1.5 * 1024 ** 3;
const B = 'http://127.0.0.1:8799';

const started = performance.now();
const sandbox = createSandbox({ baseUrl: B, settings: { rate_limit_per_minute: 1_000_000_000, report_limit_per_minute: 1_000_000_000 } });
const size = {
  vendors: 50_000, customers: 100_000, employees: 200, items: 2_000, classes: 20, departments: 10,
  invoices: 400_000, bills: 200_000, purchase_orders: 30_000, payments: 100_000, bill_payments: 80_000,
  journal_entries: 10_000, purchases: 20_000, deposits: 5_000, credit_memos: 2_000, vendor_credits: 1_000, time_activities: 0,
};
const { realm_id: realm } = sandbox.createCompany({ name: 'Bench Megacorp LLC', country: 'US', plan: 'Advanced', seed: 'bench', size });
const generatedMs = performance.now() - started;

const request = (path: string, init?: RequestInit) => sandbox.app.request(B + path, init);
await request('/_sandbox/qbo/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ auto_approve_realm: realm }) });
const redirect = 'http://localhost:9/cb';
const authorize = await request(`/qbo/connect/oauth2?client_id=ledgerlink-dev&response_type=code&scope=com.intuit.quickbooks.accounting&state=b&redirect_uri=${encodeURIComponent(redirect)}`);
const code = new URL(authorize.headers.get('location') ?? '').searchParams.get('code') ?? '';
const tokenResponse = await request('/qbo/oauth2/v1/tokens/bearer', {
  method: 'POST',
  headers: { authorization: `Basic ${Buffer.from('ledgerlink-dev:ledgerlink-dev-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect }),
});
const { access_token: token } = (await tokenResponse.json()) as { access_token: string };

const counts = (await (await request(`/_sandbox/qbo/companies/${realm}/stats`)).json()) as { entity_counts: Record<string, number> };
const total = Object.values(counts.entity_counts).reduce((sum, n) => sum + n, 0);

async function page(query: string): Promise<{ ms: number; items: number }> {
  const t0 = performance.now();
  const response = await request(`/qbo/v3/company/${realm}/query?minorversion=75&query=${encodeURIComponent(query)}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  const text = await response.text();
  const ms = performance.now() - t0;
  if (response.status !== 200) throw new Error(`${query}: ${response.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { QueryResponse: Record<string, unknown[] | number> };
  const items = Object.values(body.QueryResponse).find(Array.isArray) as unknown[] | undefined;
  return { ms, items: items?.length ?? 0 };
}

// A full import walks pages in Id order; incremental sync filters on LastUpdatedTime. Sample both, deep and shallow.
const queries: string[] = [];
for (let n = 0; n < 30; n++) queries.push(`SELECT * FROM Invoice ORDERBY Id STARTPOSITION ${1 + Math.floor((n / 30) * 399_000)} MAXRESULTS 1000`);
for (let n = 0; n < 15; n++) queries.push(`SELECT * FROM Vendor WHERE Active IN (true, false) STARTPOSITION ${1 + n * 3_000} MAXRESULTS 1000`);
for (let n = 0; n < 15; n++) queries.push(`SELECT * FROM Bill WHERE Metadata.LastUpdatedTime > '2024-06-01T00:00:00-07:00' ORDERBY Metadata.LastUpdatedTime STARTPOSITION ${1 + n * 5_000} MAXRESULTS 1000`);
for (let n = 0; n < 10; n++) queries.push(`SELECT * FROM Customer STARTPOSITION ${1 + n * 9_000} MAXRESULTS 1000`);

await page(queries[0] ?? '');
const timings: number[] = [];
let served = 0;
for (const query of queries) {
  const result = await page(query);
  timings.push(result.ms);
  served += result.items;
}
timings.sort((a, b) => a - b);
const median = timings[Math.floor(timings.length / 2)] ?? Infinity;
const p95 = timings[Math.floor(timings.length * 0.95)] ?? Infinity;
// maxRSS is in kilobytes.
const peakRss = process.resourceUsage().maxRSS * 1024;

console.log(`company: ${total.toLocaleString('en-US')} entities generated in ${(generatedMs / 1000).toFixed(1)} s`);
console.log(`pages: ${timings.length} pages, ${served.toLocaleString('en-US')} entities, median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (target < ${PAGE_TARGET_MS} ms median)`);
console.log(`peak RSS: ${(peakRss / 1024 ** 2).toFixed(0)} MB (target < ${(RSS_TARGET_BYTES / 1024 ** 2).toFixed(0)} MB)`);
await sandbox.close();

const missed: string[] = [];
if (total < 1_000_000) missed.push(`company has only ${total} entities`);
if (median >= PAGE_TARGET_MS) missed.push(`median page ${median.toFixed(1)} ms`);
if (peakRss >= RSS_TARGET_BYTES) missed.push(`peak RSS ${(peakRss / 1024 ** 2).toFixed(0)} MB`);
if (missed.length > 0) {
  console.log(`MISSED: ${missed.join('; ')}`);
  process.exit(1);
}
console.log('all targets met');
