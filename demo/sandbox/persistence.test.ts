import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { basic, harness, q, type Harness } from './testing.ts';

type Json = Record<string, unknown>;
const open: Harness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.sandbox.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(dataDir: string): Harness {
  const h = harness({ dataDir });
  open.push(h);
  return h;
}

const json = async (response: Response) => (await response.json()) as Json;

describe('sandbox data directory', () => {
  it('keeps companies, their writes, apps, tokens and the clock across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qbo-sandbox-'));
    dirs.push(dir);
    const first = start(dir);
    const { realm_id: realm } = (await json(await first.control('POST', '/qbo/companies', { name: 'Restart Test Co', seed: 'restart', size: 'small' }))) as { realm_id: string };
    const app = (await json(await first.control('POST', '/qbo/apps', { redirect_uris: ['https://host.example/callback'] }))) as { client_id: string; client_secret: string };
    const tokens = await first.connect(realm);
    const created = await json(await first.api(tokens.access_token, realm, 'vendor?requestid=restart-1', { json: { DisplayName: 'Survives Restart Supplies' } }));
    const vendor = created['Vendor'] as Json;
    await first.control('POST', `/qbo/companies/${realm}/mutations`, { create: 3, update: 3, delete: 2 });
    await first.control('POST', '/clock', { advance_seconds: 600 });
    const clockBefore = ((await json(await first.control('GET', '/clock'))) as { now: string }).now;
    const countsBefore = ((await json(await first.control('GET', `/qbo/companies/${realm}/stats`))) as { entity_counts: Json }).entity_counts;
    const invoicesBefore = await json(await first.api(tokens.access_token, realm, q('SELECT * FROM Invoice ORDERBY MetaData.LastUpdatedTime DESC MAXRESULTS 5')));
    await first.sandbox.close();
    open.splice(open.indexOf(first), 1);

    // Only the spec and the writes are stored, never the generated entities.
    const saved = JSON.parse(readFileSync(join(dir, 'qbo-sandbox.json'), 'utf8')) as { companies: { realmId: string; journal: unknown[] }[] };
    expect(saved.companies.find((company) => company.realmId === realm)?.journal).toHaveLength(2);

    const second = start(dir);
    const listed = ((await json(await second.control('GET', '/qbo/companies'))) as { companies: Json[] }).companies;
    expect(listed.map((company) => company['realm_id'])).toContain(realm);
    // The access token issued before the restart still works, and so does its refresh token.
    const read = await second.api(tokens.access_token, realm, `vendor/${String(vendor['Id'])}`);
    expect(read.status).toBe(200);
    expect((await json(read))['Vendor']).toEqual(vendor);
    const refreshed = await second.request('/qbo/oauth2/v1/tokens/bearer', {
      method: 'POST',
      headers: { authorization: basic('ledgerlink-dev', 'ledgerlink-dev-secret'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    });
    expect(refreshed.status).toBe(200);
    // A repeated requestid still replays the first answer.
    const replay = await json(await second.api(tokens.access_token, realm, 'vendor?requestid=restart-1', { json: { DisplayName: 'Survives Restart Supplies' } }));
    expect(replay).toEqual(created);
    expect(((await json(await second.control('GET', `/qbo/companies/${realm}/stats`))) as { entity_counts: Json }).entity_counts).toEqual(countsBefore);
    expect(await json(await second.api(tokens.access_token, realm, q('SELECT * FROM Invoice ORDERBY MetaData.LastUpdatedTime DESC MAXRESULTS 5')))).toMatchObject({ QueryResponse: invoicesBefore['QueryResponse'] });
    // The registered app still authenticates, and sandbox time did not jump back.
    const revoke = await second.request('/qbo/v2/oauth2/tokens/revoke', { method: 'POST', headers: { authorization: basic(app.client_id, app.client_secret), 'content-type': 'application/json' }, body: JSON.stringify({ token: 'unknown' }) });
    expect(revoke.status).toBe(200);
    const clockAfter = ((await json(await second.control('GET', '/clock'))) as { now: string }).now;
    expect(Date.parse(clockAfter)).toBeGreaterThanOrEqual(Date.parse(clockBefore));
    // The mutation counter carried over: the next mutations are new changes, not a repeat of the first ones.
    const more = (await json(await second.control('POST', `/qbo/companies/${realm}/mutations`, { create: 2 }))) as { changes: Json[] };
    expect(more.changes).toHaveLength(2);
  });

  it('starts afresh, keeping the old file aside, when the snapshot cannot be read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qbo-sandbox-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'qbo-sandbox.json'), '{"version":1,"companies":[');
    const h = start(dir);
    const listed = ((await json(await h.control('GET', '/qbo/companies'))) as { companies: Json[] }).companies;
    expect(listed.length).toBeGreaterThan(0);
    expect(readdirSync(dir).some((name) => name.startsWith('qbo-sandbox.json.unreadable-'))).toBe(true);
  });
});
