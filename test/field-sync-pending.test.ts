import { describe, expect, test } from 'vitest';
import { open } from '../bff/crypto/vault.ts';
import { FIELD_SYNC_JOB } from '../bff/jobs/field-sync.ts';
import { jobHistory } from '../bff/jobs/queue.ts';
import { testApp } from './support/app.ts';
import { raceTest } from './support/database.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { linkedSupplier } from './support/linked-supplier.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { runReactions, syncOnce } from './support/sync.ts';

/**
 * Host edits QuickBooks could not take when they came (down, limiting, disconnected) are written later by
 * the field-sync job, through the real routes, job queue and sandbox: "we will try again automatically" holds.
 */
const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));

const linked = () => linkedSupplier(t, sandbox, 'sup-0');

/** The vendor's city as QuickBooks holds it now, read straight from the sandbox. */
async function cityInQuickBooks(realm: string, connectionId: string, vendorId: string): Promise<string | undefined> {
  const [row] = await t.deps.sql<{ access_token: string }[]>`select access_token from connection_tokens where connection_id = ${connectionId}`;
  const response = await fetch(`${sandbox.url}/qbo/v3/company/${realm}/vendor/${vendorId}?minorversion=75`, {
    headers: { authorization: `Bearer ${open(row!.access_token, t.deps.keys.keyring)}`, accept: 'application/json' },
  });
  return ((await response.json()) as { Vendor: { BillAddr?: { City?: string } } }).Vendor.BillAddr?.City;
}

/** Someone edits the vendor inside QuickBooks; the sandbox clock moves so the change is after the watermark. */
async function editInQuickBooks(realm: string, connectionId: string, vendorId: string, changes: (vendor: Record<string, any>) => Record<string, unknown>) {
  const [row] = await t.deps.sql<{ access_token: string }[]>`select access_token from connection_tokens where connection_id = ${connectionId}`;
  const headers = { authorization: `Bearer ${open(row!.access_token, t.deps.keys.keyring)}`, accept: 'application/json', 'content-type': 'application/json' };
  const vendor = ((await (await fetch(`${sandbox.url}/qbo/v3/company/${realm}/vendor/${vendorId}?minorversion=75`, { headers })).json()) as { Vendor: Record<string, any> }).Vendor;
  const write = await fetch(`${sandbox.url}/qbo/v3/company/${realm}/vendor?minorversion=75`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ Id: vendor.Id, SyncToken: vendor.SyncToken, sparse: true, ...changes(vendor) }),
  });
  expect(write.status).toBe(200);
  await sandbox.control('POST', '/clock', { advance_seconds: 30 });
}

/** A PUT while QuickBooks answers 503 to everything: saved, listed as unreachable, not written. */
async function putWhileDown(put: (changes: Record<string, unknown>) => Response | Promise<Response>, city: string) {
  await sandbox.control('PUT', '/qbo/settings', { fault_rate: 1, fault_kinds: ['503'] });
  try {
    const answer = await put({ city });
    expect(answer.status).toBe(200);
    return ((await answer.json()) as { field_sync: { pushed: number; unreachable: { category: string; action: string; message: string }[] } }).field_sync;
  } finally {
    await sandbox.control('PUT', '/qbo/settings', { fault_rate: 0 });
  }
}

describe('host edits QuickBooks could not take are written later, without another edit', () => {
  test('an edit made while QuickBooks was down is written by the job the PUT queued, once QuickBooks is back', async () => {
    const { id, realm, vendorId, put } = await linked();
    const before = await cityInQuickBooks(realm, id, vendorId);
    const answer = await putWhileDown(put, 'PendingCity');
    expect(answer.pushed).toBe(0);
    expect(answer.unreachable).toEqual([expect.objectContaining({ category: 'provider_down', action: 'retry', message: expect.stringContaining('try again automatically') })]);
    expect(await cityInQuickBooks(realm, id, vendorId)).toBe(before);

    const [queued] = await jobHistory(t.deps.sql, FIELD_SYNC_JOB, id);
    expect(queued).toMatchObject({ status: 'queued', payload: { connection_id: id } });
    expect(await runReactions(t, id)).toEqual([]); // backoff: not due at once
    t.advanceClock(60);
    const [outcome] = await runReactions(t, id);
    expect(outcome).toMatchObject({ outcome: 'succeeded', value: { suppliers: 1, pushed: 1, failed: 0 } });
    expect(await cityInQuickBooks(realm, id, vendorId)).toBe('PendingCity');
    // Agreed now: the next sync has nothing left to write.
    await syncOnce(t, id);
    expect((await jobHistory(t.deps.sql, FIELD_SYNC_JOB, id)).filter((job) => job.status === 'queued')).toEqual([]);
  }, 60_000);

  test('QuickBooks down through every retry of that job: the next sync (manual, webhook, schedule) sweeps the pending edit', async () => {
    const { id, realm, vendorId, put } = await linked();
    await putWhileDown(put, 'StillPending');
    // As if the job had spent all its attempts while QuickBooks stayed down.
    await t.deps.sql`update jobs set status = 'failed', attempts = max_attempts, finished_at = now(), last_error = 'QuickBooks 503' where kind = ${FIELD_SYNC_JOB} and dedupe_key = ${id} and status = 'queued'`;
    const run = await syncOnce(t, id); // QuickBooks changed nothing linked: only the pending host edit
    expect(run.status).toBe('succeeded');
    expect(await cityInQuickBooks(realm, id, vendorId)).toBe('StillPending');
    const [done] = await jobHistory(t.deps.sql, FIELD_SYNC_JOB, id);
    expect(done).toMatchObject({ status: 'succeeded', outcome: { suppliers: 1, pushed: 1 } });
  }, 60_000);

  test('a connection that needed reconnecting: the edit waits, and the first job after the reconnect writes it', async () => {
    const { tenant, id, realm, vendorId, put } = await linked();
    const before = await cityInQuickBooks(realm, id, vendorId);
    await t.deps.sql`update connections set status = 'needs_reconnect' where id = ${id}`;
    const answer = await put({ city: 'AfterReconnect' });
    expect(answer.status).toBe(200);
    expect(await cityInQuickBooks(realm, id, vendorId)).toBe(before);
    expect(await jobHistory(t.deps.sql, FIELD_SYNC_JOB, id)).toEqual([]); // retrying cannot help until then

    const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
    expect(result.connection!.id).toBe(id);
    const [run] = await t.deps.sql<{ id: string }[]>`select id from sync_runs where connection_id = ${id} and status = 'queued'`;
    expect(run).toBeDefined();
    await syncOnce(t, id); // coalesces into the reconnect's queued sync, then runs its reactions
    expect(await cityInQuickBooks(realm, id, vendorId)).toBe('AfterReconnect');
  }, 60_000);

  test('a host value that lost a conflict is not pending: later sweeps and QuickBooks edits never write it back', async () => {
    const { tenant, id, realm, vendorId, put } = await linked();
    await t.request('/v1/organizations/org-1/settings', { method: 'PUT', token: tenant.secretKey, json: { field_conflict_policy: 'quickbooks_wins' } });
    await editInQuickBooks(realm, id, vendorId, (vendor) => ({ BillAddr: { ...vendor.BillAddr, City: 'Whitby' } }));
    const answer = await put({ city: 'Scarborough' });
    expect(((await answer.json()) as { field_sync: { conflicts: number } }).field_sync.conflicts).toBe(1);
    expect(await cityInQuickBooks(realm, id, vendorId)).toBe('Whitby');
    await syncOnce(t, id);
    await editInQuickBooks(realm, id, vendorId, () => ({ AcctNum: 'QB-1' })); // another field: the vendor's field sync runs
    await syncOnce(t, id);
    expect(await cityInQuickBooks(realm, id, vendorId)).toBe('Whitby');
    // Only a new host edit is written.
    await put({ city: 'Filey' });
    expect(await cityInQuickBooks(realm, id, vendorId)).toBe('Filey');
  }, 60_000);

  test('a PUT whose body is not UTF-8 is refused and stores nothing', async () => {
    const { tenant } = await linked();
    const encode = (text: string) => new TextEncoder().encode(text);
    const body = new Uint8Array([...encode('{"records":[{"id":"sup-0","name":"a'), 0xff, 0xfe, ...encode('"}]}')]);
    const answer = await t.request('/v1/organizations/org-1/host-records/suppliers', { method: 'PUT', body, headers: { authorization: `Bearer ${tenant.secretKey}`, 'content-type': 'application/json' } });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(/^body: must be UTF-8/);
    const [stored] = await t.deps.sql<{ name: string }[]>`select data->>'name' as name from host_records where tenant_id = ${tenant.id} and host_id = 'sup-0'`;
    expect(stored!.name).not.toContain('\ufffd');
  }, 60_000);
});

describe('concurrent PUTs of one supplier', () => {
  test('each answer says what happened to its own value: the one written is the one reported pushed', async () => {
    const { tenant, id, realm, vendorId, put } = await linked();
    const cities = ['Conc1', 'Conc2', 'Conc3', 'Conc4', 'Conc5', 'Conc6'];
    const answers = await Promise.all(cities.map(async (city) => {
      const answer = await put({ city });
      expect(answer.status).toBe(200);
      const { field_sync } = (await answer.json()) as { field_sync: { outcomes: { pushed: string[] }[] } };
      return { city, pushed: field_sync.outcomes.some((outcome) => outcome.pushed.includes('city')) };
    }));
    const final = await cityInQuickBooks(realm, id, vendorId);
    const claimed = answers.filter((answer) => answer.pushed).map((answer) => answer.city);
    // QuickBooks holds a value some answer said it wrote, and it is the host's latest.
    expect(claimed).toContain(final);
    const [stored] = await t.deps.sql<{ city: string }[]>`select data->>'city' as city from host_records where tenant_id = ${tenant.id} and host_id = 'sup-0'`;
    expect(final).toBe(stored!.city);
  }, 60_000);

  raceTest('two replicas (two pools, each its own queue) taking PUTs of one supplier: QuickBooks ends with the host\'s latest', async () => {
    const { tenant, id, realm, vendorId, host, put } = await linked();
    // Another BFF process on the same database: same keys (it opens the same sealed tokens), its own pool and lock queue.
    const replica = testApp({ ...sandboxDeps(sandbox.url), keys: t.deps.keys });
    const putOnReplica = (changes: Record<string, unknown>) =>
      replica.request('/v1/organizations/org-1/host-records/suppliers', { method: 'PUT', token: tenant.secretKey, json: { records: [{ ...host, ...changes }] } });
    const cities = ['Rep1', 'Rep2', 'Rep3', 'Rep4', 'Rep5', 'Rep6', 'Rep7', 'Rep8'];
    const answers = await Promise.all(cities.map(async (city, i) => {
      const answer = await (i % 2 === 0 ? put({ city }) : putOnReplica({ city }));
      expect(answer.status).toBe(200);
      const { field_sync } = (await answer.json()) as { field_sync: { outcomes: { pushed: string[] }[] } };
      return { city, pushed: field_sync.outcomes.some((outcome) => outcome.pushed.includes('city')) };
    }));
    const final = await cityInQuickBooks(realm, id, vendorId);
    expect(answers.filter((answer) => answer.pushed).map((answer) => answer.city)).toContain(final);
    const [stored] = await t.deps.sql<{ city: string }[]>`select data->>'city' as city from host_records where tenant_id = ${tenant.id} and host_id = 'sup-0'`;
    expect(final).toBe(stored!.city);
  }, 60_000);
});
