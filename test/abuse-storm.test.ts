import { describe, expect, test } from 'vitest';
import { qboBudgetKey } from '../bff/sync/provider-caller.ts';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { uniqueCompany } from './support/realms.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';

/**
 * Issue 11, finding 1 (the storm): a viewer's session sent 772 concurrent `POST …/check` and took the service
 * down for every tenant. Provider-touching actions are coalesced per connection (N callers, one provider
 * call), limited per connection, and stop when their callers have gone.
 */
const sandbox = await startSandbox();
const deps = sandboxDeps(sandbox.url);
const t = testApp(deps);
/** The same deployment with the per-connection limit on provider actions that production has by default. */
const limited = testApp({ ...deps, config: { ...deps.config, rateLimits: { ...deps.config.rateLimits, providerActions: 3 } } });

const requestsOf = async (realm: string) => (await sandbox.control<{ requests_total: number }>('GET', `/qbo/companies/${realm}/stats`)).requests_total;

async function connected(app = t) {
  const tenant = await app.createTenant();
  const realm = uniqueCompany(sandbox, { country: 'US' });
  const { result } = await connectThroughPopup(app, sandbox, tenant, 'org-1', realm);
  return { tenant, realm, id: result.connection!.id };
}

describe('a storm of checks', () => {
  test('a viewer may not check at all; 50 concurrent checks from someone who may make the provider calls of one check; other tenants and /readyz answer meanwhile', async () => {
    const { tenant, realm, id } = await connected();
    // The probe's viewer: checking touches QuickBooks, so it needs a connect or sync role (test/roles.test.ts).
    const viewer = await t.session(tenant, 'org-1', { id: 'viewer-1', role: 'viewer' });
    const refused = await Promise.all(Array.from({ length: 10 }, () => t.request(`/v1/widget/connections/${id}/check`, { method: 'POST', token: viewer, headers: { origin: tenant.origin } })));
    expect(refused.map((answer) => answer.status)).toEqual(Array(10).fill(403));
    const admin = await t.session(tenant, 'org-1', { id: 'admin-1', role: 'admin' });
    const check = () => t.request(`/v1/widget/connections/${id}/check`, { method: 'POST', token: admin, headers: { origin: tenant.origin } });

    const beforeOne = await requestsOf(realm);
    expect((await check()).status).toBe(200);
    const oneCheck = (await requestsOf(realm)) - beforeOne;
    expect(oneCheck).toBeGreaterThan(0);

    const other = await connected();
    const otherSession = await t.session(other.tenant, 'org-1');
    const before = await requestsOf(realm);
    const storm = Array.from({ length: 50 }, check);
    const [list, ready] = await Promise.all([
      t.request('/v1/widget/connections', { token: otherSession, headers: { origin: other.tenant.origin } }),
      t.request('/readyz'),
    ]);
    const answers = await Promise.all(storm);
    expect(list.status).toBe(200);
    expect(ready.status).toBe(200);
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
    expect((await requestsOf(realm)) - before).toBe(oneCheck);
  });

  test('checks one after another are limited per connection: 429 rate_limited (policy provider) past the limit', async () => {
    const { tenant, realm, id } = await connected(limited);
    const before = await requestsOf(realm);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await limited.request(`/v1/connections/${id}/check`, { method: 'POST', token: tenant.secretKey })).status);
    // Connecting is not a provider action the user started; three checks are allowed, then refused unsent.
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    const refused = await limited.request(`/v1/connections/${id}/check`, { method: 'POST', token: tenant.secretKey });
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited', details: { policy: 'provider' } } });
    const afterThree = await requestsOf(realm);
    expect(afterThree - before).toBeGreaterThan(0);
    // Sync now is a provider action on the same connection: also refused now.
    expect((await limited.request(`/v1/connections/${id}/sync`, { method: 'POST', token: tenant.secretKey })).status).toBe(429);
  });

  test('an abandoned check stops: it leaves the budget queue and never calls QuickBooks once the budget frees up', async () => {
    const { tenant, realm, id } = await connected();
    const key = qboBudgetKey(realm);
    // The company's minute is spent (by a sync, say): a check has to wait for the budget.
    await t.deps.sql`insert into provider_calls (budget_key, at) select ${key}, clock_timestamp() from generate_series(1, 500)`;
    const before = await requestsOf(realm);
    const [checkedBefore] = await t.deps.sql<{ last_checked_at: Date | null }[]>`select last_checked_at from connections where id = ${id}`;

    const leaving = new AbortController();
    const answer = t.app.request(
      new Request(`http://localhost/v1/connections/${id}/check`, { method: 'POST', headers: { authorization: `Bearer ${tenant.secretKey}` }, signal: leaving.signal }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    leaving.abort(new Error('client went away'));
    const outcome = await Promise.race([Promise.resolve(answer).then((response) => response.status), new Promise((resolve) => setTimeout(() => resolve('still working'), 8_000))]);
    expect(outcome).toBe(499);

    // The budget frees up; an abandoned check that kept waiting would now call QuickBooks (within its 5 s poll).
    await t.deps.sql`delete from provider_calls where budget_key = ${key}`;
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect((await requestsOf(realm)) - before).toBe(0);
    const [checkedAfter] = await t.deps.sql<{ last_checked_at: Date | null }[]>`select last_checked_at from connections where id = ${id}`;
    expect(checkedAfter!.last_checked_at).toEqual(checkedBefore!.last_checked_at);
  }, 30_000);
});
