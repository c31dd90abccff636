import { afterEach, describe, expect, it } from 'vitest';
import { latencyFor } from '../../settings.ts';
import { harness, q, US, type Harness } from '../../testing.ts';

let h: Harness;
afterEach(() => h?.sandbox.close());

const stats = async () => (await (await h.control('GET', `/qbo/companies/${US}/stats`)).json()) as Record<string, any>;

describe('latency model: base + per entity ± jitter', () => {
  it('computes base + per-entity cost, the jitter symmetric around it and never below zero', () => {
    const model = { latency_ms: 300, latency_per_entity_ms: 0.05, latency_jitter_ms: 100 };
    expect(latencyFor(model, 1000, 0.5)).toBe(350);
    expect(latencyFor(model, 1000, 0)).toBe(250);
    expect(latencyFor(model, 1000, 0.999999)).toBeCloseTo(450, 3);
    expect(latencyFor(model, 0, 0.5)).toBe(300);
    expect(latencyFor({ latency_ms: 0, latency_per_entity_ms: 0, latency_jitter_ms: 0 }, 1000, 0.3)).toBe(0);
  });

  it('holds a page longer than a COUNT by its entities, and the stats report what was really applied', async () => {
    h = harness();
    const { access_token: token } = await h.connect(US);
    await h.control('PUT', '/qbo/settings', { latency_ms: 20, latency_per_entity_ms: 2, latency_jitter_ms: 0 });
    const applied = async (path: string) => {
      const before = (await stats()).latency_applied_ms_total as number;
      expect((await h.api(token, US, path)).status).toBe(200);
      return ((await stats()).latency_applied_ms_total as number) - before;
    };
    // 20 ms for the COUNT (no entities), 20 + 30 × 2 = 80 ms for 30 vendors. Timers fire late, never early.
    const count = await applied(q('SELECT COUNT(*) FROM Vendor'));
    const page = await applied(q('SELECT * FROM Vendor MAXRESULTS 30'));
    expect(count).toBeGreaterThanOrEqual(19);
    expect(page).toBeGreaterThanOrEqual(79);
    const after = await stats();
    expect(after.latency_applied_calls).toBe(2);
    expect(after.entities_returned).toBe(30);
    expect(after.latency_mean_ms).toBeGreaterThanOrEqual(49);
    expect(after.service_mean_ms).toBeGreaterThanOrEqual(after.latency_mean_ms);
  });

  it('logs each admitted call in order: kind, entities, query, admitted and answered at least the model apart', async () => {
    h = harness();
    const { access_token: token } = await h.connect(US);
    await h.control('PUT', '/qbo/settings', { latency_ms: 40, latency_per_entity_ms: 0, latency_jitter_ms: 0 });
    expect((await h.api(token, US, q('SELECT COUNT(*) FROM Vendor'))).status).toBe(200);
    expect((await h.api(token, US, q('SELECT * FROM Vendor MAXRESULTS 30'))).status).toBe(200);
    const log = async (after?: string) => (await h.control('GET', `/qbo/companies/${US}/calls${after === undefined ? '' : `?after=${after}`}`)) as Response;
    const { calls_logged: logged, calls } = (await (await log()).json()) as { calls_logged: number; calls: { n: number; kind: string; admitted_ms: number; answered_ms: number; entities: number; status: number; query?: string }[] };
    expect(logged).toBe(2);
    expect(calls.map((call) => [call.n, call.kind, call.entities, call.status])).toEqual([
      [1, 'query', 0, 200],
      [2, 'query', 30, 200],
    ]);
    expect(calls[1]!.query).toBe('SELECT * FROM Vendor MAXRESULTS 30');
    // Timers may fire up to a ms or two early against performance.now() (libuv keeps whole ms).
    for (const call of calls) expect(call.answered_ms - call.admitted_ms).toBeGreaterThanOrEqual(38);
    expect(calls[1]!.admitted_ms).toBeGreaterThanOrEqual(calls[0]!.answered_ms);
    const taken = (await stats()).latency_mean_ms as number;
    expect(taken).toBeGreaterThanOrEqual(38);
    expect(((await (await log('1')).json()) as { calls: { n: number }[] }).calls.map((call) => call.n)).toEqual([2]);
    const bad = await log('-1');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('after');
  });

  it('refuses bad latency settings with 400 naming the field, and keeps the settings it had', async () => {
    h = harness();
    await h.control('PUT', '/qbo/settings', { latency_ms: 100, latency_jitter_ms: 50 });
    const cases: [unknown, string][] = [
      [{ latency_ms: -1 }, 'latency_ms'],
      [{ latency_ms: 1.5 }, 'latency_ms'],
      [{ latency_per_entity_ms: -0.1 }, 'latency_per_entity_ms'],
      [{ latency_per_entity_ms: 'fast' }, 'latency_per_entity_ms'],
      [{ latency_jitter_ms: -5 }, 'latency_jitter_ms'],
      // More jitter than base would clip at zero and move the mean.
      [{ latency_jitter_ms: 150 }, 'latency_jitter_ms'],
      [{ latency_ms: 10 }, 'latency_jitter_ms'],
      [{ latency: 5 }, 'latency'],
    ];
    for (const [body, field] of cases) {
      const response = await h.control('PUT', '/qbo/settings', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: string }).error).toContain(field);
    }
    expect(await (await h.control('GET', '/qbo/settings')).json()).toMatchObject({ latency_ms: 100, latency_per_entity_ms: 0, latency_jitter_ms: 50 });
    // Both together in one patch are judged on the result.
    expect((await h.control('PUT', '/qbo/settings', { latency_ms: 300, latency_jitter_ms: 150 })).status).toBe(200);
  });
});
