import { afterEach, describe, expect, it } from 'vitest';
import { harness, US, type Harness } from '../../testing.ts';

let h: Harness;
afterEach(() => h?.sandbox.close());

const stats = async () => (await (await h.control('GET', `/qbo/companies/${US}/stats`)).json()) as Record<string, any>;

describe('attempt counters: a client over the limits shows in the stats', () => {
  it('20 calls at once against 10 in flight: 10 refused, attempts peak above the limit, admitted peak at it', async () => {
    // A refused call is in flight only until its 429 goes out (at once), so the attempts peak is 11, not 20:
    // any peak above the limit proves the client sent more than it may.
    h = harness();
    const { access_token: token } = await h.connect(US);
    // Held long enough that all 20 are in the sandbox at once.
    await h.control('PUT', '/qbo/settings', { latency_ms: 100 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.api(token, US, 'companyinfo/' + US)));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    expect(await stats()).toMatchObject({
      requests_attempted: 20,
      requests_admitted: 10,
      requests_refused: 10,
      requests_refused_by: { concurrent: 10, per_minute: 0 },
      max_concurrent_observed: 10,
      max_attempted_in_flight: 11,
      max_attempted_per_minute: 20,
    });
  });

  it('over the per-minute limit: refusals counted, the attempts window passes the limit, the admitted one cannot', async () => {
    h = harness();
    const { access_token: token } = await h.connect(US);
    await h.control('PUT', '/qbo/settings', { rate_limit_per_minute: 5 });
    for (let i = 0; i < 8; i++) await h.api(token, US, 'companyinfo/' + US);
    expect(await stats()).toMatchObject({ requests_attempted: 8, requests_admitted: 5, requests_refused: 3, max_requests_per_minute_observed: 5, max_attempted_per_minute: 8, max_attempted_in_flight: 1 });
  });
});

describe('scheduled faults and Retry-After', () => {
  it('faults scheduled for a company hit its next calls in order, then calls succeed; other companies are untouched', async () => {
    h = harness();
    const { access_token: token } = await h.connect(US);
    const scheduled = await h.control('POST', `/qbo/companies/${US}/faults`, { kinds: ['throttle', '503'], calls: 3 });
    expect(scheduled.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.api(token, US, 'companyinfo/' + US)).status);
    expect(statuses).toEqual([429, 503, 429, 200]);
    // Injected throttles are faults, not refusals the client earned.
    expect(await stats()).toMatchObject({ faults_injected: 3, requests_refused: 0, requests_by_status: { '429': 2, '503': 1, '200': 1 }, faults_scheduled: 0 });
  });

  it('a 429 carries Retry-After only when the settings ask for it; the body is Intuit\'s XML either way', async () => {
    h = harness();
    const { access_token: token } = await h.connect(US);
    await h.control('POST', `/qbo/companies/${US}/faults`, { kinds: ['throttle'], calls: 2 });
    const bare = await h.api(token, US, 'companyinfo/' + US);
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
    expect(await bare.text()).toMatch(/<Error code="3001">/);
    await h.control('PUT', '/qbo/settings', { throttle_retry_after_seconds: 7 });
    const told = await h.api(token, US, 'companyinfo/' + US);
    expect(told.status).toBe(429);
    expect(told.headers.get('retry-after')).toBe('7');
  });

  it('refuses a bad schedule naming the field, and an unknown company', async () => {
    h = harness();
    expect(((await (await h.control('POST', `/qbo/companies/${US}/faults`, { kinds: ['explode'] })).json()) as { error: string }).error).toMatch(/^kinds/);
    expect((await h.control('POST', '/qbo/companies/123/faults', { kinds: ['500'] })).status).toBe(404);
  });
});
