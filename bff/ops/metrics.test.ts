import { describe, expect, test, vi } from 'vitest';
import { createMetrics } from './metrics.ts';

/**
 * Requests are counted into a plain tally (no prom-client label hashing per request); /metrics exports it
 * as the same counter and histogram prom-client would have built from one inc() and observe() per request.
 */
describe('HTTP request metrics', () => {
  test('a request is tallied without a prom-client call; a scrape exports counts by status and the duration histogram', async () => {
    const metrics = createMetrics();
    const inc = vi.spyOn(metrics.httpRequests, 'inc');
    const observe = vi.spyOn(metrics.httpDuration, 'observe');
    metrics.http.record('GET', '/v1/widget/connections/:id', 200, 0.004);
    metrics.http.record('GET', '/v1/widget/connections/:id', 200, 0.02);
    metrics.http.record('GET', '/v1/widget/connections/:id', 404, 7);
    metrics.http.record('POST', '/v1/sessions', 201, 0.25);
    expect(inc).not.toHaveBeenCalled();
    expect(observe).not.toHaveBeenCalled();

    const text = await metrics.registry.metrics();
    const line = (name: string) => Number(new RegExp(`^${name.replace(/[{}()[\]+.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    const byId = 'method="GET",route="/v1/widget/connections/:id"';
    expect(line(`ledgerlink_http_requests_total{${byId},status="200"}`)).toBe(2);
    expect(line(`ledgerlink_http_requests_total{${byId},status="404"}`)).toBe(1);
    expect(line('ledgerlink_http_requests_total{method="POST",route="/v1/sessions",status="201"}')).toBe(1);
    expect(line(`ledgerlink_http_request_duration_seconds_bucket{le="0.005",${byId}}`)).toBe(1);
    expect(line(`ledgerlink_http_request_duration_seconds_bucket{le="0.025",${byId}}`)).toBe(2);
    expect(line(`ledgerlink_http_request_duration_seconds_bucket{le="5",${byId}}`)).toBe(2);
    expect(line(`ledgerlink_http_request_duration_seconds_bucket{le="+Inf",${byId}}`)).toBe(3);
    expect(line(`ledgerlink_http_request_duration_seconds_count{${byId}}`)).toBe(3);
    expect(line(`ledgerlink_http_request_duration_seconds_sum{${byId}}`)).toBeCloseTo(7.024);
    expect(line('ledgerlink_http_request_duration_seconds_bucket{le="0.25",method="POST",route="/v1/sessions"}')).toBe(1);
    expect(line('ledgerlink_http_request_duration_seconds_bucket{le="0.1",method="POST",route="/v1/sessions"}')).toBe(0);

    // Counts only grow across scrapes; a reset of the registry empties them.
    metrics.http.record('GET', '/v1/widget/connections/:id', 200, 0.001);
    expect(Number(/ledgerlink_http_requests_total\{method="GET",route="\/v1\/widget\/connections\/:id",status="200"\} (\d+)/.exec(await metrics.registry.metrics())?.[1])).toBe(3);
    metrics.registry.resetMetrics();
    expect(await metrics.registry.metrics()).not.toContain('route="/v1/widget/connections/:id"');
  });
});
