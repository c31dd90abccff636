import OAuthClient from 'intuit-oauth';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { open } from '../bff/crypto/vault.ts';
import { keepConnectionsAlive } from '../bff/connections/keep-alive.ts';
import { connectionTokens, storeTokens } from '../bff/connections/tokens.ts';
import { qboEndpoints } from '../bff/providers/qbo/endpoints.ts';
import { QboOAuth, TOKEN_DEADLINE_MS } from '../bff/providers/qbo/oauth-client.ts';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { syncOnce } from './support/sync.ts';

/**
 * What happens when Intuit's token endpoint fails while we refresh, met through the real engine (a sync, a
 * keep-alive pass, a direct token request) against the sandbox told to fail (PUT /_sandbox/qbo/oauth/token-fault).
 * The tests about hanging shorten production's 20 s deadline (withDeadline), the others keep it, so a busy machine
 * cannot turn a quick 5xx into a deadline; intuit-oauth's 1 s retry delay is cut to keep the file fast (its
 * retries still happen, and are counted).
 */
const DEADLINE_MS = 2000;
const HANG_MS = 6000;
const sandbox = await startSandbox({ timeout_ms: HANG_MS });
const deps = sandboxDeps(sandbox.url);
const qbo = new QboOAuth(qboEndpoints(deps.config)!);
const t = testApp({ ...deps, qbo });

async function withDeadline<T>(run: () => Promise<T>): Promise<T> {
  qbo.tokenDeadlineMs = DEADLINE_MS;
  try {
    return await run();
  } finally {
    qbo.tokenDeadlineMs = TOKEN_DEADLINE_MS;
  }
}

beforeAll(() => {
  OAuthClient.retryConfig.retryDelay = 10;
});
afterEach(async () => {
  await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: null });
});

interface TokenState {
  access: string;
  refresh: string;
  version: number;
  lease: Date | null;
  refreshed_at: Date;
}

async function tokenState(id: string): Promise<TokenState> {
  const [row] = await t.deps.sql<{ access_token: string; refresh_token: string; version: number; refresh_lease_until: Date | null; refreshed_at: Date }[]>`
    select access_token, refresh_token, version, refresh_lease_until, refreshed_at from connection_tokens where connection_id = ${id}`;
  return { access: open(row!.access_token, t.deps.keys.keyring), refresh: open(row!.refresh_token, t.deps.keys.keyring), version: row!.version, lease: row!.refresh_lease_until, refreshed_at: row!.refreshed_at };
}

async function connectionStatus(id: string) {
  const [row] = await t.deps.sql<{ status: string; status_reason: string | null }[]>`select status, status_reason from connections where id = ${id}`;
  return row!;
}

/** A connected, imported company whose stored access token has just expired, so the next call must refresh. */
async function dueForRefresh() {
  const tenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'US' });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  expect(result.connection, JSON.stringify(result)).toBeDefined();
  const id = result.connection!.id;
  expect((await syncOnce(t, id)).status).toBe('succeeded');
  await t.deps.sql`update connection_tokens set access_expires_at = now() - interval '1 second' where connection_id = ${id}`;
  const refreshes = async () => ((await sandbox.control('GET', `/qbo/companies/${realm}/stats`)) as { refreshes: number }).refreshes;
  return { tenant, realm, id, before: await tokenState(id), refreshes, refreshesBefore: await refreshes() };
}

const faultsGiven = async () => ((await sandbox.control('GET', '/qbo/oauth/token-fault')) as { given: number }).given;

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the token endpoint fails during a sync', () => {
  for (const kind of ['500', '503'] as const) {
    test(`${kind}: stored tokens kept, lease released, still connected, run re-queued as provider_unavailable`, async () => {
      const { id, before, refreshes, refreshesBefore } = await dueForRefresh();
      await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind, grant_type: 'refresh_token' });
      const run = await syncOnce(t, id);
      expect(run.status).toBe('queued');
      expect(run.error).toMatchObject({ category: 'provider_unavailable', action: 'retry' });
      expect(run.error!.retry_at).not.toBeNull();
      // intuit-oauth retried the 5xx three times before giving up.
      expect(await faultsGiven()).toBe(4);
      expect(await tokenState(id)).toEqual(before);
      expect(await connectionStatus(id)).toMatchObject({ status: 'connected' });

      await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: null });
      expect((await syncOnce(t, id)).status).toBe('succeeded');
      expect((await tokenState(id)).version).toBe(before.version + 1);
      expect((await refreshes()) - refreshesBefore).toBe(1);
    });
  }

  test('a token endpoint that hangs: the sync gives up at our deadline as provider_unavailable; the late answer, once it lands, is committed and the lease released', async () => {
    const { id, before, refreshes, refreshesBefore } = await dueForRefresh();
    // One hung request (held HANG_MS, then 504); intuit-oauth retries the 504 and the retry succeeds.
    await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: 'timeout', times: 1, grant_type: 'refresh_token' });
    const started = Date.now();
    const run = await withDeadline(() => syncOnce(t, id));
    expect(Date.now() - started).toBeLessThan(HANG_MS);
    expect(run.status).toBe('queued');
    expect(run.error).toMatchObject({ category: 'provider_unavailable', action: 'retry' });
    const meanwhile = await tokenState(id);
    expect({ ...meanwhile, lease: null }).toEqual(before);
    // Intuit may still answer with a rotated refresh token: no one else refreshes until that answer is in.
    expect(meanwhile.lease!.getTime()).toBeGreaterThan(Date.now());
    expect(await connectionStatus(id)).toMatchObject({ status: 'connected' });

    const after = await until('the late answer', () => tokenState(id), (state) => state.lease === null);
    expect(after.version).toBe(before.version + 1);
    expect(after.access).not.toBe(before.access);
    expect((await refreshes()) - refreshesBefore).toBe(1);
    expect((await syncOnce(t, id)).status).toBe('succeeded');
    expect((await refreshes()) - refreshesBefore).toBe(1);
  }, 30_000);

  test('a late answer never overwrites tokens another server stored after our lease lapsed', async () => {
    const { id, before, refreshes, refreshesBefore } = await dueForRefresh();
    await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: 'timeout', times: 1, grant_type: 'refresh_token' });
    expect((await withDeadline(() => syncOnce(t, id))).status).toBe('queued');
    // Meanwhile another replica refreshed (as one may once our lease lapses) and stored its own tokens.
    const theirs = { access_token: 'their-access-token', refresh_token: before.refresh, expires_in: 3600, x_refresh_token_expires_in: 8_726_400 };
    await storeTokens(t.deps.sql, t.deps, id, theirs);
    await until('the late answer', refreshes, (count) => count - refreshesBefore === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await tokenState(id)).toMatchObject({ access: 'their-access-token', version: before.version + 1, lease: null });
  }, 30_000);

  test('a token endpoint that keeps hanging: tokens kept, lease released once the call ends, still connected', async () => {
    const { id, before } = await dueForRefresh();
    await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: 'timeout', grant_type: 'refresh_token' });
    // One hung try is enough here: without intuit-oauth's retries of the 504, each another HANG_MS.
    OAuthClient.retryConfig.maxRetries = 0;
    try {
      const started = Date.now();
      const run = await withDeadline(() => syncOnce(t, id));
      expect(Date.now() - started).toBeLessThan(HANG_MS);
      expect(run.error).toMatchObject({ category: 'provider_unavailable' });
      const after = await until('the hung call to end', () => tokenState(id), (state) => state.lease === null, HANG_MS + 5_000);
      expect(await faultsGiven()).toBe(1);
      expect(after).toEqual(before);
      expect(await connectionStatus(id)).toMatchObject({ status: 'connected' });
    } finally {
      OAuthClient.retryConfig.maxRetries = 3;
    }
  }, 30_000);

  test('invalid_grant: the connection needs reconnecting, its run fails for good and no further refresh is tried', async () => {
    const { id, before } = await dueForRefresh();
    await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: 'invalid_grant', grant_type: 'refresh_token' });
    const run = await syncOnce(t, id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ category: 'needs_reconnect', action: 'reconnect', retry_at: null });
    expect(await connectionStatus(id)).toEqual({ status: 'needs_reconnect', status_reason: expect.stringContaining('no longer accepts') });
    expect({ ...(await tokenState(id)), lease: null }).toEqual(before);
    expect((await tokenState(id)).lease).toBeNull();
    const given = await faultsGiven();
    expect((await syncOnce(t, id)).error).toMatchObject({ category: 'needs_reconnect' });
    expect(await faultsGiven()).toBe(given);
  });
});

describe('callers waiting on a refresh that fails', () => {
  test('all fail with it at once (provider_unavailable) instead of each trying the token endpoint again', async () => {
    const { id, before } = await dueForRefresh();
    await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: '500', grant_type: 'refresh_token' });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => connectionTokens(t.deps, qbo, id).current()));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(5).fill('rejected'));
    for (const outcome of outcomes) expect((outcome as PromiseRejectedResult).reason).toMatchObject({ name: 'QboGrantError', kind: 'transient' });
    // One refresh: the first try and intuit-oauth's three retries.
    expect(await faultsGiven()).toBe(4);
    expect(await tokenState(id)).toEqual(before);
  });
});

describe('the token endpoint fails during a connection check', () => {
  test('5xx: the check answers 502 provider_unavailable (not a 500 internal), the connection stays connected', async () => {
    const { tenant, id, before } = await dueForRefresh();
    await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: '500', grant_type: 'refresh_token' });
    const token = await t.session(tenant, 'org-1');
    const answer = await t.request(`/v1/widget/connections/${id}/check`, { method: 'POST', token, headers: { origin: tenant.origin } });
    expect(answer.status).toBe(502);
    // CompanyInfo and Preferences are read in parallel: one refresh for both (the first try and three retries).
    expect(await faultsGiven()).toBe(4);
    expect(((await answer.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'provider_unavailable', message: expect.stringContaining('try again') });
    expect(await tokenState(id)).toEqual(before);
    expect(await connectionStatus(id)).toMatchObject({ status: 'connected' });
  });
});

describe('the token endpoint fails during the connect callback', () => {
  test('hung: the popup says QuickBooks is not answering at our deadline; a 5xx says the same; then connecting works', async () => {
    const tenant = await t.createTenant();
    const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'US' });
    for (const kind of ['timeout', '503'] as const) {
      await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind, grant_type: 'authorization_code' });
      const started = Date.now();
      const { result } = await withDeadline(() => connectThroughPopup(t, sandbox, tenant, 'org-1', realm));
      expect(Date.now() - started, kind).toBeLessThan(HANG_MS);
      expect(result, kind).toMatchObject({ outcome: 'error', code: 'provider_unavailable', message: expect.stringContaining('not answering') });
    }
    await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: null });
    expect((await connectThroughPopup(t, sandbox, tenant, 'org-1', realm)).result.connection).toMatchObject({ status: 'connected' });
  });
});

describe('a replica dies while holding the refresh lease', () => {
  test('its lease is left in the future; callers wait for it to lapse, then one of them refreshes', async () => {
    const { id, before, refreshes, refreshesBefore } = await dueForRefresh();
    const LEFT_MS = 1500;
    // What a replica killed between taking the lease and committing leaves behind.
    await t.deps.sql`update connection_tokens set refresh_lease_until = ${new Date(Date.now() + LEFT_MS)} where connection_id = ${id}`;
    const started = Date.now();
    const tokens = connectionTokens(t.deps, t.deps.qbo!, id);
    const [sync, token] = await Promise.all([syncOnce(t, id), tokens.current()]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEFT_MS - 100);
    expect(sync.status).toBe('succeeded');
    const after = await tokenState(id);
    expect(token).toBe(after.access);
    expect(after).toMatchObject({ version: before.version + 1, lease: null });
    expect((await refreshes()) - refreshesBefore).toBe(1);
  });
});

describe('keep-alive', () => {
  async function idle() {
    const connection = await dueForRefresh();
    await t.deps.sql`update connection_tokens set refreshed_at = now() - interval '25 hours' where connection_id = ${connection.id}`;
    return { ...connection, before: await tokenState(connection.id) };
  }

  test('invalid_grant marks the connection needs_reconnect (with its event), keeps the stored tokens and is not tried again', async () => {
    const { id, before } = await idle();
    await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: 'invalid_grant', grant_type: 'refresh_token' });
    expect(await keepConnectionsAlive(t.deps, { only: [id] })).toBe(0);
    expect(await connectionStatus(id)).toEqual({ status: 'needs_reconnect', status_reason: expect.stringContaining('no longer accepts') });
    const events = await t.deps.sql<{ type: string }[]>`select type from events where connection_id = ${id} and type = 'connection.needs_reconnect'`;
    expect(events).toHaveLength(1);
    expect(await tokenState(id)).toEqual(before);
    expect(await faultsGiven()).toBe(1);
    expect(await keepConnectionsAlive(t.deps, { only: [id] })).toBe(0);
    expect(await faultsGiven()).toBe(1);
  });

  test('an outage leaves the connection connected and idle, so the next pass refreshes it', async () => {
    const { id, before, refreshes, refreshesBefore } = await idle();
    await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: '503', grant_type: 'refresh_token' });
    expect(await keepConnectionsAlive(t.deps, { only: [id] })).toBe(0);
    expect(await tokenState(id)).toEqual(before);
    expect(await connectionStatus(id)).toMatchObject({ status: 'connected' });
    await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: null });
    expect(await keepConnectionsAlive(t.deps, { only: [id] })).toBe(1);
    expect((await tokenState(id)).version).toBe(before.version + 1);
    expect((await refreshes()) - refreshesBefore).toBe(1);
  });
});
