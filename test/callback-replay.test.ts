import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { deriveKeys } from '../bff/crypto/keys.ts';
import { testApp } from './support/app.ts';
import { resultOf } from './support/connect-flow.ts';
import { consentTo, redirectResult } from './support/consent.ts';
import { uniqueCompany } from './support/realms.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';

const sandbox = await startSandbox();
// Two replicas of one deployment: the same keys, each its own connection pool.
const keys = deriveKeys(randomBytes(32), 'replay-admin-token-0123456789abcdef');
const t = testApp({ ...sandboxDeps(sandbox.url), keys });
const replica = testApp({ ...sandboxDeps(sandbox.url), keys });

const company = async (spec: Record<string, unknown> = {}) => uniqueCompany(sandbox, { country: 'US', ...spec });
const stats = (realm: string) => sandbox.control<Record<string, number>>('GET', `/qbo/companies/${realm}/stats`);

/** Holds every Accounting API answer, so the first callback is still reading the company when the second arrives. */
async function slowQuickBooks() {
  await sandbox.control('PUT', '/qbo/settings', { latency_ms: 400 });
}
afterEach(async () => {
  await sandbox.control('PUT', '/qbo/settings', { latency_ms: 0 });
});

type TestApp = ReturnType<typeof testApp>;
/** Loads a callback as a browser would and reads the result its page posts. */
const load = async (app: TestApp, path: string) => {
  const response = await app.request(path);
  return { status: response.status, result: resultOf(await response.text()) };
};

describe('the callback loaded more than once', () => {
  test('two loads at once (double load, link prefetch) both show the connection; the code is exchanged once', async () => {
    const tenant = await t.createTenant();
    const realm = await company({ name: 'Acme Landscaping LLC' });
    const callback = await consentTo(t, sandbox, tenant, 'org-1', realm);
    const grants = (await stats(realm)).token_grants!;
    await slowQuickBooks();

    const [first, second] = await Promise.all([load(t, callback), load(t, callback)]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.result).toMatchObject({ outcome: 'connected', connection: { company_name: 'Acme Landscaping LLC', status: 'connected' } });
    expect(second.result).toEqual(first.result);
    expect((await stats(realm)).token_grants).toBe(grants + 1);

    const rows = await t.deps.sql<{ id: string }[]>`select id from connections where tenant_id = ${tenant.id}`;
    expect(rows).toEqual([{ id: first.result.connection!.id }]);
    const check = await t.request(`/v1/connections/${rows[0]!.id}/check`, { method: 'POST', token: tenant.secretKey });
    expect(await check.json()).toMatchObject({ status: 'connected' });
  });

  test('the same callback on two replicas at once: one exchange, both pages show the connection', async () => {
    const tenant = await t.createTenant();
    const realm = await company({ name: 'Harbor Dental' });
    const callback = await consentTo(t, sandbox, tenant, 'org-1', realm);
    const grants = (await stats(realm)).token_grants!;
    await slowQuickBooks();

    const answers = await Promise.all([t, replica, t, replica].map((app) => load(app, callback)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((answer) => answer.result.outcome)).toEqual(['connected', 'connected', 'connected', 'connected']);
    expect(new Set(answers.map((answer) => answer.result.connection?.id)).size).toBe(1);
    expect((await stats(realm)).token_grants).toBe(grants + 1);
  });

  test('redirect mode: two loads at once both send the browser back with the connection', async () => {
    const tenant = await t.createTenant();
    const realm = await company();
    const callback = await consentTo(t, sandbox, tenant, 'org-1', realm, { mode: 'redirect', returnUrl: `${tenant.origin}/settings` });
    await slowQuickBooks();

    const [first, second] = await Promise.all([t.request(callback), t.request(callback)]);
    expect([first.status, second.status]).toEqual([302, 302]);
    const landing = (response: Response) => redirectResult(t, tenant, 'org-1', response.headers.get('location')!);
    const [one, two] = [await landing(first), await landing(second)];
    expect(one).toMatchObject({ outcome: 'connected', connection: { id: expect.stringMatching(/^con_/) } });
    expect(two).toEqual(one);
  });

  test('a refusal is repeated the same way to a concurrent load', async () => {
    const tenant = await t.createTenant();
    const realm = await company({ country: 'ZA' });
    const callback = await consentTo(t, sandbox, tenant, 'org-1', realm);
    await slowQuickBooks();

    const [first, second] = await Promise.all([load(t, callback), load(t, callback)]);
    expect(first.result).toMatchObject({ outcome: 'refused', code: 'policy_refused', message: 'QuickBooks Online in South Africa is not supported' });
    expect(second.result).toEqual(first.result);
  });

  test('a callback that arrives after its attempt expired unused says so, instead of claiming it was completed', async () => {
    const tenant = await t.createTenant();
    const realm = await company();
    const callback = await consentTo(t, sandbox, tenant, 'org-1', realm);
    const grants = (await stats(realm)).token_grants!;
    // The state would also have expired; the attempt is what the callback checks after it, so move only the attempt.
    await t.deps.sql`update oauth_attempts set expires_at = now() - interval '1 second'
                     where tenant_id = ${tenant.id} and completed_at is null`;

    const page = await load(t, callback);
    expect(page.result).toMatchObject({ outcome: 'error', code: 'attempt_expired' });
    expect(page.result.message).toBe('This sign-in took too long and has expired. Close this window and start again from the app.');
    expect(page.result.message).not.toContain('already completed');
    expect((await stats(realm)).token_grants).toBe(grants);
  });
});
