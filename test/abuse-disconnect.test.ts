import { describe, expect, test } from 'vitest';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { uniqueCompany } from './support/realms.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';

/**
 * Issue 11, finding 2: `GET /v1/oauth/qbo/disconnect?realmId=…` takes no credential, and 100 calls made 804
 * QuickBooks calls across 3 tenants, spending the company's whole minute. Its checks now run once per company
 * per period across replicas (and the route is limited per address, see abuse-rate-limits).
 */
const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));
const requestsOf = async (realm: string) => (await sandbox.control<{ requests_total: number }>('GET', `/qbo/companies/${realm}/stats`)).requests_total;

describe("Intuit's Disconnect URL", () => {
  test('100 anonymous calls for a company three tenants connected cost one check of each connection', async () => {
    const realm = uniqueCompany(sandbox, { country: 'US' });
    const tenants = [await t.createTenant('A'), await t.createTenant('B'), await t.createTenant('C')];
    const ids: string[] = [];
    for (const tenant of tenants) ids.push((await connectThroughPopup(t, sandbox, tenant, 'org-1', realm)).result.connection!.id);

    const beforeOne = await requestsOf(realm);
    const checked = await t.request(`/v1/connections/${ids[0]}/check`, { method: 'POST', token: tenants[0]!.secretKey });
    expect(checked.status).toBe(200);
    const oneCheck = (await requestsOf(realm)) - beforeOne;

    const before = await requestsOf(realm);
    const answers = [];
    for (let i = 0; i < 100; i++) answers.push(t.request(`/v1/oauth/qbo/disconnect?realmId=${realm}`));
    expect((await Promise.all(answers)).map((answer) => answer.status)).toEqual(Array(100).fill(200));
    // Sequentially too: calls after the first sweep find the company checked within the period.
    for (let i = 0; i < 20; i++) expect((await t.request(`/v1/oauth/qbo/disconnect?realmId=${realm}`)).status).toBe(200);
    expect((await requestsOf(realm)) - before).toBeLessThanOrEqual(3 * oneCheck);
    const statuses = await t.deps.sql<{ status: string }[]>`select status from connections where id in ${t.deps.sql(ids)}`;
    expect(statuses.map((row) => row.status)).toEqual(['connected', 'connected', 'connected']);
  });

  test('a real disconnection is still found by the first call', async () => {
    const realm = uniqueCompany(sandbox, { country: 'US' });
    const tenant = await t.createTenant();
    const id = (await connectThroughPopup(t, sandbox, tenant, 'org-1', realm)).result.connection!.id;
    await sandbox.control('POST', `/qbo/companies/${realm}/disconnect`);
    expect((await t.request(`/v1/oauth/qbo/disconnect?realmId=${realm}`)).status).toBe(200);
    const [row] = await t.deps.sql<{ status: string }[]>`select status from connections where id = ${id}`;
    expect(row!.status).toBe('disconnected');
  });
});
