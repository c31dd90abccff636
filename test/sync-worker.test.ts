import { afterAll, expect, test, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { AllowedOrigins } from '../bff/auth/widget-cors.ts';
import { connect } from '../bff/db/client.ts';
import { migrate } from '../bff/db/migrate.ts';
import type { RunRow } from '../bff/sync/runs.ts';
import { SyncWorker } from '../bff/sync/worker.ts';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { freshDatabase } from './support/processes.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { expectMirrorEqualsProvider } from './support/sync.ts';

// A worker claims every due run in its database, so these workers get a database of their own: the shared
// one holds other files' runs, which must not be touched.
const database = await freshDatabase();
const sql = connect(database.url, { max: 6 });
await migrate(sql);
afterAll(async () => {
  await sql.end();
  await database.drop();
});
const sandbox = await startSandbox();
const t = testApp({ ...sandboxDeps(sandbox.url), sql, origins: new AllowedOrigins(sql, 0) });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LEASE_MS = 2_000;
const worker = (owner: string) =>
  new SyncWorker(t.deps, { owner, leaseMs: LEASE_MS, concurrency: 1, pagesInFlight: 1, retryPolicy: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50, maxThrottleWaitSeconds: 120 } });

/**
 * Holds the answer of the next query page the engine receives (after the sandbox answered, before our code
 * reads it) until released: a worker caught between fetching a page and committing it.
 */
function pageGate() {
  const real = globalThis.fetch;
  let armed = false;
  let held!: () => void;
  const heldNow = new Promise<void>((resolve) => (held = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await real(input, init);
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (armed && url.pathname.endsWith('/query') && url.searchParams.get('query')?.startsWith('SELECT * FROM')) {
      armed = false;
      held();
      await released;
    }
    return response;
  });
  return { arm: () => (armed = true), heldNow, release };
}

async function runRow(id: string): Promise<RunRow> {
  const [row] = await sql<RunRow[]>`select * from sync_runs where id = ${id}`;
  return row!;
}

test('worker path: claim, execute with heartbeats that keep the run, lease lost to a takeover, the stale worker writes nothing, the new one finishes', async () => {
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'US', plan: 'Plus', seed: randomBytes(4).toString('hex') });
  const tenant = await t.createTenant();
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  const connectionId = result.connection!.id;
  await sandbox.control('PUT', '/qbo/settings', { latency_ms: 20 });
  const gate = pageGate();
  const first = worker('worker-a');
  const second = worker('worker-b');
  try {
    // Claim and execute: the run the connect queued.
    expect(await first.tick()).toBe(1);
    const [{ id: runId } = { id: '' }] = await sql<{ id: string }[]>`select id from sync_runs where connection_id = ${connectionId}`;
    expect(await runRow(runId)).toMatchObject({ status: 'running', lease_owner: 'worker-a', attempts: 1 });
    while ((await runRow(runId)).records_done === 0) await sleep(20);

    // Worker A now sits between fetching a page and committing it, for twice its lease: its heartbeats keep
    // the run, so B, ticking all along, takes nothing.
    gate.arm();
    await gate.heldNow;
    let takenMeanwhile = 0;
    for (let waited = 0; waited < 2 * LEASE_MS; waited += 250) {
      takenMeanwhile += await second.tick();
      await sleep(250);
    }
    expect(takenMeanwhile, 'runs B took while A was heartbeating').toBe(0);
    const doneBeforeTakeover = (await runRow(runId)).records_done;

    // A stalls past its lease (as a frozen process would); B takes the run over.
    let taken = 0;
    for (let tries = 0; taken === 0 && tries < 20; tries++) {
      await sql`update sync_runs set lease_until = clock_timestamp() - interval '1 second' where id = ${runId} and lease_owner = 'worker-a'`;
      taken = await second.tick();
    }
    expect(taken).toBe(1);
    expect(await runRow(runId)).toMatchObject({ status: 'running', lease_owner: 'worker-b', attempts: 2 });

    // A wakes with its page: it lost the lease, so it must not commit it, and stops.
    gate.release();
    await first.idle();
    await second.idle();
    const finished = await runRow(runId);
    expect(finished, 'B finished the run on its own claim').toMatchObject({ status: 'succeeded', lease_owner: null, attempts: 2, error: null });
    const [sums] = await sql<{ total: number; done: number }[]>`select sum(total)::int as total, sum(done)::int as done from sync_progress where run_id = ${runId}`;
    expect(finished.records_done).toBe(sums!.total);
    expect(sums!.done).toBe(sums!.total);
    expect(doneBeforeTakeover).toBeLessThan(sums!.total);
    await expectMirrorEqualsProvider(t, sandbox.url, realm, connectionId);
  } finally {
    gate.release();
    vi.restoreAllMocks();
    await first.stop();
    await second.stop();
    await sandbox.control('PUT', '/qbo/settings', { latency_ms: 0 });
  }
}, 30_000);
