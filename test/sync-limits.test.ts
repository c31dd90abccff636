import { describe, expect, test } from 'vitest';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { expectMirrorEqualsProvider, syncOnce } from './support/sync.ts';

const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));
const stats = (realm: string) => sandbox.control<Record<string, any>>('GET', `/qbo/companies/${realm}/stats`);

async function connected(spec: Record<string, unknown> = {}) {
  const tenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'US', plan: 'Plus', ...spec });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  return { tenant, realm, id: result.connection!.id };
}

/**
 * QuickBooks refuses a company's 11th call in flight and its 501st in a minute with 429. The sandbox's admitted
 * peaks can never pass those limits (it refuses first), so they prove nothing: these checks read what we
 * attempted, and count the refusals we earned.
 */
describe('QuickBooks limits, judged on what we attempted', () => {
  test('an import under 10% injected 5xx and timeouts completes and matches, earning no 429: attempts ≤ 10 in flight, ≤ 500 a minute', async () => {
    const { realm, id } = await connected({ size: 'medium' });
    await sandbox.control('PUT', '/qbo/settings', { fault_rate: 0.1, fault_kinds: ['500', '503', 'timeout'], timeout_ms: 300, latency_ms: 200 });
    try {
      // More pages in flight than QuickBooks allows calls: only the budget keeps us within 10.
      // The import alone: the metrics refresh it queues (report calls, own retries) is test/metrics.test.ts's.
      const run = await syncOnce(t, id, { pagesInFlight: 16, retryPolicy: { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 200, maxThrottleWaitSeconds: 120 }, reactions: false });
      expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    } finally {
      await sandbox.control('PUT', '/qbo/settings', { fault_rate: 0, latency_ms: 0 });
    }
    await expectMirrorEqualsProvider(t, sandbox.url, realm, id);
    const counters = await stats(realm);
    expect(counters.faults_injected, 'the faults were injected').toBeGreaterThan(0);
    expect({ refused: counters.requests_refused, by: counters.requests_refused_by }).toEqual({ refused: 0, by: { per_minute: 0, report_per_minute: 0, batch_per_minute: 0, concurrent: 0 } });
    // Exactly 10: at most the limit, and the limit was reached, so the budget (not a lack of demand) held us there.
    expect(counters.max_attempted_in_flight).toBe(10);
    expect(counters.max_attempted_per_minute).toBeLessThanOrEqual(500);
    expect(counters.requests_attempted).toBe(counters.requests_admitted);
  });
});
