import { afterEach, describe, expect, it } from 'vitest';
import { harness, q, UK, US, type Harness } from '../../testing.ts';

let h: Harness;
afterEach(() => h?.sandbox.close());

describe('control API', () => {
  it('answers 400 naming the field for bad input', async () => {
    h = harness();
    const cases: [string, string, unknown, string][] = [
      ['POST', '/qbo/companies', { country: 'FR' }, 'country'],
      ['POST', '/qbo/companies', { plan: 'Gold' }, 'plan'],
      ['POST', '/qbo/companies', { size: { vendors: -1 } }, 'size'],
      ['POST', '/qbo/apps', { redirect_uris: ['not a url'] }, 'redirect_uris'],
      ['PUT', '/qbo/settings', { fault_rate: 2 }, 'fault_rate'],
      ['PUT', '/qbo/settings', { rate_limit: 5 }, 'rate_limit'],
      ['PUT', '/qbo/settings', { auto_approve_realm: '123' }, 'auto_approve_realm'],
      ['POST', '/clock', { advance_seconds: 'soon' }, 'advance_seconds'],
      ['POST', `/qbo/companies/${US}/mutations`, { entities: ['Spaceship'] }, 'entities'],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await h.control(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(400);
      expect(((await response.json()) as { error: string }).error).toContain(field);
    }
    expect((await h.control('POST', '/qbo/companies', '{not json')).status).toBe(400);
  });

  it('a person makes a tax code inactive through the entity routes (the only edit QuickBooks allows on one); an account type edit moves its Classification', async () => {
    h = harness();
    const { access_token: token } = await h.connect(UK);
    const read = async (path: string) => (await (await h.api(token, UK, path)).json()) as Record<string, Record<string, unknown>>;
    const codes = ((await (await h.api(token, UK, q("SELECT * FROM TaxCode WHERE Name = '20.0% S'"))).json()) as { QueryResponse: { TaxCode: { Id: string }[] } }).QueryResponse.TaxCode;
    const id = codes[0]!.Id;
    expect((await h.control('POST', `/qbo/companies/${UK}/entities/TaxCode/${id}`, { changes: { Active: false } })).status).toBe(200);
    expect((await read(`taxcode/${id}`))['TaxCode']!['Active']).toBe(false);
    expect((await h.control('POST', `/qbo/companies/${UK}/entities/TaxCode/${id}`, { changes: { Active: true } })).status).toBe(200);
    expect((await read(`taxcode/${id}`))['TaxCode']!['Active']).toBe(true);
    const renamed = await h.control('POST', `/qbo/companies/${UK}/entities/TaxCode/${id}`, { changes: { Name: 'Other' } });
    expect(renamed.status).toBe(400);
    expect(((await renamed.json()) as { error: string }).error).toMatch(/^changes: /);
    expect((await h.control('DELETE', `/qbo/companies/${UK}/entities/TaxCode/${id}`)).status).toBe(200);
    expect((await read(`taxcode/${id}`))['TaxCode']!['Active']).toBe(false);

    const accounts = ((await (await h.api(token, UK, q("SELECT * FROM Account WHERE AccountType = 'Income'"))).json()) as { QueryResponse: { Account: { Id: string }[] } }).QueryResponse.Account;
    const account = accounts[0]!.Id;
    expect((await h.control('POST', `/qbo/companies/${UK}/entities/Account/${account}`, { changes: { AccountType: 'Bank', AccountSubType: 'Checking' } })).status).toBe(200);
    expect((await read(`account/${account}`))['Account']).toMatchObject({ AccountType: 'Bank', Classification: 'Asset' });
  });

  it('creates deterministic companies of a given region, plan and size and lists them', async () => {
    h = harness({ demoCompanies: false });
    const spec = { name: 'Maple Leaf Plumbing Ltd', country: 'CA', plan: 'Essentials', seed: 'maple', size: { vendors: 12, customers: 30, invoices: 40 } };
    const made = (await (await h.control('POST', '/qbo/companies', spec)).json()) as { realm_id: string; name: string };
    expect(made.name).toBe('Maple Leaf Plumbing Ltd');
    const again = (await (await h.control('POST', '/qbo/companies', spec)).json()) as { realm_id: string };
    const { access_token: token } = await h.connect(made.realm_id);
    const second = await h.connect(again.realm_id);
    const page = async (realm: string, t: string) => ((await (await h.api(t, realm, q('SELECT * FROM Invoice MAXRESULTS 40'))).json()) as { QueryResponse: { Invoice: { TotalAmt: number; DocNumber: string }[] } }).QueryResponse.Invoice.map((invoice) => [invoice.DocNumber, invoice.TotalAmt]);
    expect(await page(made.realm_id, token)).toEqual(await page(again.realm_id, second.access_token));
    const info = (await (await h.api(token, made.realm_id, `companyinfo/${made.realm_id}`)).json()) as { CompanyInfo: { Country: string; NameValue: { Name: string; Value: string }[] } };
    expect(info.CompanyInfo.Country).toBe('CA');
    expect(info.CompanyInfo.NameValue).toContainEqual({ Name: 'OfferingSku', Value: 'QuickBooks Online Essentials' });
    const listed = (await (await h.control('GET', '/qbo/companies')).json()) as { companies: { realm_id: string }[] };
    expect(listed.companies.map((company) => company.realm_id)).toEqual([made.realm_id, again.realm_id]);
    const stats = (await (await h.control('GET', `/qbo/companies/${made.realm_id}/stats`)).json()) as { entity_counts: Record<string, number>; token_grants: number };
    expect(stats.entity_counts).toMatchObject({ Vendor: 12, Customer: 30, Invoice: 40, PurchaseOrder: 0, Class: 0 });
    expect(stats.token_grants).toBe(1);
  });

  it('seeds the demo companies with fixed realm ids', async () => {
    h = harness();
    const listed = (await (await h.control('GET', '/qbo/companies')).json()) as { companies: { realm_id: string; name: string; country: string; plan: string }[] };
    expect(listed.companies.map((company) => [company.name, company.country, company.plan])).toEqual([
      ['Acme Landscaping LLC', 'US', 'Plus'],
      ['Harbor Dental Group', 'CA', 'Advanced'],
      ['Kestrel Freight Ltd', 'UK', 'Essentials'],
      ['Yarra Timber Pty Ltd', 'AU', 'Plus'],
      ['Protea Traders (Pty) Ltd', 'ZA', 'Plus'],
    ]);
  });

  it('makes realistic mutations, deterministic per call, visible through the API', async () => {
    const run = async () => {
      h = harness();
      const first = (await (await h.control('POST', `/qbo/companies/${US}/mutations`, { create: 3, update: 4, delete: 2 })).json()) as { changes: { entity: string; id: string; operation: string }[] };
      await h.sandbox.close();
      return first.changes;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.filter((change) => change.operation === 'Create')).toHaveLength(3);
    expect(a.filter((change) => change.operation === 'Update')).toHaveLength(4);
    expect(a.filter((change) => change.operation === 'Delete')).toHaveLength(2);
  });

  it('resets to the initial state', async () => {
    h = harness();
    await h.control('POST', '/qbo/companies', { name: 'Temporary Co' });
    await h.control('PUT', '/qbo/settings', { rate_limit_per_minute: 5 });
    expect((await h.control('POST', '/reset')).status).toBe(200);
    const listed = (await (await h.control('GET', '/qbo/companies')).json()) as { companies: unknown[] };
    expect(listed.companies).toHaveLength(5);
    expect(((await (await h.control('GET', '/qbo/settings')).json()) as { rate_limit_per_minute: number }).rate_limit_per_minute).toBe(500);
  });
});
