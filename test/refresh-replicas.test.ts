import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, inject, onTestFinished } from 'vitest';
import { decodeKey } from '../bff/config.ts';
import { deriveKeys } from '../bff/crypto/keys.ts';
import { testApp } from './support/app.ts';
import { raceTest } from './support/database.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { freePort, spawnEntry, waitForHttp, type Spawned } from './support/processes.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';

const ENCRYPTION_KEY = Buffer.alloc(32, 42).toString('base64');
const ADMIN_TOKEN = 'replicas-admin-token-0123456789abcdef';
const sandbox = await startSandbox();
// The test app and the three replicas share the keys, as replicas of one deployment do.
const t = testApp({ ...sandboxDeps(sandbox.url), keys: deriveKeys(decodeKey(ENCRYPTION_KEY)!, ADMIN_TOKEN) });

const replicas: { process: Spawned; url: string }[] = [];
afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.process.stop()));
});

raceTest('50 concurrent calls just after expiry, spread over 3 BFF processes: exactly one refresh, every call succeeds', async () => {
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const process = spawnEntry('bff/main.ts', {
      DATABASE_URL: inject('databaseUrl'),
      PORT: String(port),
      LEDGERLINK_DATA_DIR: mkdtempSync(join(tmpdir(), 'll-refresh-')),
      LEDGERLINK_ENCRYPTION_KEY: ENCRYPTION_KEY,
      LEDGERLINK_ADMIN_TOKEN: ADMIN_TOKEN,
      LEDGERLINK_SANDBOX_URL: sandbox.url,
      QBO_CLIENT_ID: 'ledgerlink-dev',
      QBO_CLIENT_SECRET: 'ledgerlink-dev-secret',
      LEDGERLINK_WORKER: 'false',
      LEDGERLINK_LOG_LEVEL: 'warn',
    });
    replicas.push({ process, url: `http://127.0.0.1:${port}` });
  }
  await Promise.all(replicas.map((replica) => waitForHttp(`${replica.url}/readyz`, 30_000, replica.process)));

  const tenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'US' });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  const id = result.connection!.id;
  const before = (await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).refreshes;

  await sandbox.control('POST', '/clock', { advance_seconds: 3601 });
  await t.deps.sql`update connection_tokens set access_expires_at = now() - interval '1 second' where connection_id = ${id}`;
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      fetch(`${replicas[i % 3]!.url}/v1/connections/${id}/check`, { method: 'POST', headers: { authorization: `Bearer ${tenant.secretKey}` } }),
    ),
  );
  const statuses = answers.map((answer) => answer.status);
  expect(statuses).toEqual(Array(50).fill(200));
  const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as { status: string }[];
  expect(bodies.every((body) => body.status === 'connected')).toBe(true);
  expect((await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).refreshes - before).toBe(1);
}, 120_000);

raceTest('a replica killed while holding the refresh lease: the lease lapses, then another server refreshes exactly once', async () => {
  const port = await freePort();
  const doomed = spawnEntry('bff/main.ts', {
    DATABASE_URL: inject('databaseUrl'),
    PORT: String(port),
    LEDGERLINK_DATA_DIR: mkdtempSync(join(tmpdir(), 'll-refresh-')),
    LEDGERLINK_ENCRYPTION_KEY: ENCRYPTION_KEY,
    LEDGERLINK_ADMIN_TOKEN: ADMIN_TOKEN,
    LEDGERLINK_SANDBOX_URL: sandbox.url,
    QBO_CLIENT_ID: 'ledgerlink-dev',
    QBO_CLIENT_SECRET: 'ledgerlink-dev-secret',
    LEDGERLINK_WORKER: 'false',
    LEDGERLINK_LOG_LEVEL: 'warn',
  });
  // Killed below, not stopped (stop() waits for an exit that a SIGKILL'd child has already made).
  onTestFinished(() => void doomed.child.kill('SIGKILL'));
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, 30_000, doomed);

  const tenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'US' });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  const id = result.connection!.id;
  const before = (await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).refreshes;
  await t.deps.sql`update connection_tokens set access_expires_at = now() - interval '1 second' where connection_id = ${id}`;
  const [{ version } = { version: -1 }] = await t.deps.sql<{ version: number }[]>`select version from connection_tokens where connection_id = ${id}`;

  // The doomed replica takes the lease and waits on a token endpoint that does not answer; then it is killed.
  await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: 'timeout', grant_type: 'refresh_token' });
  void fetch(`http://127.0.0.1:${port}/v1/connections/${id}/check`, { method: 'POST', headers: { authorization: `Bearer ${tenant.secretKey}` } }).catch(() => {});
  let leaseUntil: Date | null = null;
  for (const end = Date.now() + 20_000; !leaseUntil && Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 50))) {
    const [row] = await t.deps.sql<{ refresh_lease_until: Date | null }[]>`select refresh_lease_until from connection_tokens where connection_id = ${id}`;
    leaseUntil = row?.refresh_lease_until ?? null;
  }
  expect(leaseUntil, 'the doomed replica took the refresh lease').not.toBeNull();
  doomed.child.kill('SIGKILL');
  await new Promise((resolve) => doomed.child.once('exit', resolve));
  await sandbox.control('PUT', '/qbo/oauth/token-fault', { kind: null });

  const answer = await t.request(`/v1/connections/${id}/check`, { method: 'POST', token: tenant.secretKey });
  expect(answer.status).toBe(200);
  expect(((await answer.json()) as { status: string }).status).toBe('connected');
  // Nobody refreshed while the dead replica's lease was live; once it lapsed, exactly one refresh.
  expect(Date.now()).toBeGreaterThanOrEqual(leaseUntil!.getTime());
  expect((await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).refreshes - before).toBe(1);
  const [after] = await t.deps.sql<{ version: number; refresh_lease_until: Date | null }[]>`select version, refresh_lease_until from connection_tokens where connection_id = ${id}`;
  expect(after).toEqual({ version: version + 1, refresh_lease_until: null });
}, 120_000);
