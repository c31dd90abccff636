import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { SyncError } from '../shared/api/sync.ts';
import { ProviderBudget } from '../bff/sync/budget.ts';
import { qboBudgetKey } from '../bff/sync/provider-caller.ts';
import type { RunRow } from '../bff/sync/runs.ts';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { expectMirrorEqualsProvider, resumeRun, syncOnce } from './support/sync.ts';

const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));
const stats = (realm: string) => sandbox.control<Record<string, any>>('GET', `/qbo/companies/${realm}/stats`);
/** Faults for the company's next calls, in order (deterministic, unlike fault_rate). */
const scheduleFaults = (realm: string, kinds: string[], calls?: number) => sandbox.control('POST', `/qbo/companies/${realm}/faults`, { kinds, ...(calls ? { calls } : {}) });
/** Per-call retries kept short so a test's waits are the ones it is about. */
const quickRetries = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50, maxThrottleWaitSeconds: 120 };

afterEach(async () => {
  vi.restoreAllMocks();
  await sandbox.control('PUT', '/qbo/settings', { throttle_retry_after_seconds: null, latency_ms: 0, slow_ms: 5_000 });
});

/** A company of its own (a random seed keeps its realm id, and so its budget key, apart from other files'). */
async function company(): Promise<string> {
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'US', plan: 'Plus', seed: randomBytes(4).toString('hex') });
  return realm;
}

async function connect(realm: string): Promise<string> {
  const tenant = await t.createTenant();
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  return result.connection!.id;
}

/** Every fetch our code makes that fails without an answer (timeout, reset), by error name. */
function watchFetchFailures() {
  const failures: string[] = [];
  const real = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    try {
      return await real(input, init);
    } catch (error) {
      failures.push((error as Error).name);
      throw error;
    }
  });
  return failures;
}

const errorOf = (run: RunRow) => run.error as SyncError;

describe('429 throttles', () => {
  test('with Retry-After: the whole company pauses that long (no call granted to any connection of it meanwhile), then both runs complete', async () => {
    const realm = await company();
    const [first, second] = [await connect(realm), await connect(realm)];
    const pauses = vi.spyOn(ProviderBudget.prototype, 'pause');
    await sandbox.control('PUT', '/qbo/settings', { throttle_retry_after_seconds: 1, latency_ms: 20 });
    await scheduleFaults(realm, ['throttle']);
    const runs = await Promise.all([syncOnce(t, first, { retryPolicy: quickRetries }), syncOnce(t, second, { retryPolicy: quickRetries })]);
    for (const run of runs) expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    await expectMirrorEqualsProvider(t, sandbox.url, realm, second);
    // QuickBooks said 1 s (our own back-off would have been 2 s).
    expect(pauses.mock.calls).toEqual([[1]]);
    expect((await stats(realm)).requests_by_status['429']).toBe(1);
    // The pause began at until − 1 s. A grant decided just before the pause landed may carry a time a hair
    // after it (the pause is not taken under the budget's lock): 100 ms covers that, not a second call.
    const [window] = await t.deps.sql<{ granted_during: number; granted_after: number }[]>`
      select
        (select count(*)::int from provider_calls c where c.budget_key = p.budget_key and c.at > p.until - interval '0.9 seconds' and c.at < p.until) as granted_during,
        (select count(*)::int from provider_calls c where c.budget_key = p.budget_key and c.at >= p.until) as granted_after
      from provider_pauses p where p.budget_key = ${qboBudgetKey(realm)}`;
    expect(window).toMatchObject({ granted_during: 0 });
    expect(window!.granted_after, 'both imports went on after the pause').toBeGreaterThan(20);
  });

  test('without Retry-After: we pause the company by our own back-off (2 s after a first 429) and the run completes', async () => {
    const realm = await company();
    const id = await connect(realm);
    const pauses = vi.spyOn(ProviderBudget.prototype, 'pause');
    await scheduleFaults(realm, ['throttle']);
    const run = await syncOnce(t, id, { retryPolicy: quickRetries });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(pauses.mock.calls).toEqual([[2]]);
    await expectMirrorEqualsProvider(t, sandbox.url, realm, id);
  });

  test('a Retry-After longer than we may wait: the run is re-queued as rate_limited at the time QuickBooks named, then completes when due', async () => {
    const realm = await company();
    const id = await connect(realm);
    const pauses = vi.spyOn(ProviderBudget.prototype, 'pause');
    await sandbox.control('PUT', '/qbo/settings', { throttle_retry_after_seconds: 600 });
    await scheduleFaults(realm, ['throttle']);
    const before = t.deps.now().getTime();
    const waiting = await syncOnce(t, id, { retryPolicy: quickRetries });
    const after = t.deps.now().getTime();
    expect(waiting.status).toBe('queued');
    expect(errorOf(waiting)).toMatchObject({ category: 'rate_limited', action: 'wait' });
    const retryAt = new Date(errorOf(waiting).retry_at!).getTime();
    expect(retryAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(retryAt).toBeLessThanOrEqual(after + 600_000);
    expect(waiting.due_at.getTime()).toBe(retryAt);
    expect(pauses).not.toHaveBeenCalled();
    const [connection] = await t.deps.sql<{ last_error: SyncError }[]>`select last_error from connections where id = ${id}`;
    expect(connection!.last_error).toMatchObject({ category: 'rate_limited', retry_at: errorOf(waiting).retry_at });

    const done = await resumeRun(t, waiting.id, { retryPolicy: quickRetries });
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.attempts).toBe(2);
    await expectMirrorEqualsProvider(t, sandbox.url, realm, id);
  });

  test('429s that keep coming without Retry-After: after its attempts the call gives up and the run waits a minute as rate_limited', async () => {
    const realm = await company();
    const id = await connect(realm);
    // The import's first calls go out together (CompanyInfo, Preferences, a COUNT per type), so enough 429s
    // that some call meets a second one on its retry, whichever calls they land on.
    await scheduleFaults(realm, ['throttle'], 60);
    const before = t.deps.now().getTime();
    const waiting = await syncOnce(t, id, { retryPolicy: { ...quickRetries, maxAttempts: 1 } });
    expect(waiting.status).toBe('queued');
    expect(errorOf(waiting)).toMatchObject({ category: 'rate_limited', action: 'wait' });
    const wait = new Date(errorOf(waiting).retry_at!).getTime() - before;
    expect(wait).toBeGreaterThanOrEqual(60_000);
    expect(wait).toBeLessThan(90_000);
  });
});

describe('outages: re-queued with back-off, failed for good after the last attempt', () => {
  test('QuickBooks down on every call: re-queued after 30 s, then 60 s, then failed, and hosts hear sync.failed once', async () => {
    const realm = await company();
    const id = await connect(realm);
    await scheduleFaults(realm, ['503'], 500);
    try {
      const options = { retryPolicy: { ...quickRetries, maxAttempts: 1 }, maxAttempts: 3 };
      const rounds: { run: RunRow; before: number; after: number }[] = [];
      for (let round = 0; round < 3; round++) {
        const before = Date.now();
        const run = round === 0 ? await syncOnce(t, id, options) : await resumeRun(t, rounds[0]!.run.id, options);
        rounds.push({ run, before, after: Date.now() });
      }
      expect(rounds.map(({ run }) => [run.status, run.attempts])).toEqual([['queued', 1], ['queued', 2], ['failed', 3]]);
      for (const { run } of rounds) expect(errorOf(run)).toMatchObject({ category: 'provider_unavailable', action: 'retry' });
      // Back-off from the failure, doubling: due 30 s after the first attempt failed, 60 s after the second.
      for (const [index, delay] of [30_000, 60_000].entries()) {
        const { run, before, after } = rounds[index]!;
        expect(run.due_at.toISOString()).toBe(errorOf(run).retry_at);
        expect(run.due_at.getTime()).toBeGreaterThanOrEqual(before + delay);
        expect(run.due_at.getTime()).toBeLessThanOrEqual(after + delay);
      }
      expect(errorOf(rounds[2]!.run).retry_at).toBeNull();
      const events = await t.deps.sql<{ type: string }[]>`select type from events where connection_id = ${id} and type like 'sync.%' order by created_at`;
      expect(events.map((event) => event.type)).toEqual(['sync.started', 'sync.failed']);
    } finally {
      await sandbox.control('DELETE', `/qbo/companies/${realm}/faults`);
    }
  });
});

describe('calls that never get an answer', () => {
  test('QuickBooks holds a call past our deadline: we give up on it (a real timeout), retry, and the run completes', async () => {
    const realm = await company();
    const id = await connect(realm);
    // Our deadline on a QuickBooks call is 60 s; scaled to 300 ms here, the sandbox holds the call 5 s.
    const realTimeout = AbortSignal.timeout.bind(AbortSignal);
    vi.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => realTimeout(ms === 60_000 ? 300 : ms));
    const failures = watchFetchFailures();
    await sandbox.control('PUT', '/qbo/settings', { slow_ms: 5_000 });
    await scheduleFaults(realm, ['slow']);
    const run = await syncOnce(t, id, { retryPolicy: quickRetries });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(failures).toEqual(['TimeoutError']);
    expect((await stats(realm)).faults_injected).toBe(1);
    await expectMirrorEqualsProvider(t, sandbox.url, realm, id);
  });

  test('connections reset mid-call: each is retried and the run completes', async () => {
    const realm = await company();
    const id = await connect(realm);
    const failures = watchFetchFailures();
    await scheduleFaults(realm, ['reset'], 2);
    const run = await syncOnce(t, id, { retryPolicy: quickRetries });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(failures).toEqual(['TypeError', 'TypeError']);
    expect((await stats(realm)).faults_injected).toBe(2);
    await expectMirrorEqualsProvider(t, sandbox.url, realm, id);
  });
});
