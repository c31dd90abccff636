import { describe, expect, test } from 'vitest';
import { createDemoHost, personas } from './app.ts';

// The demo host's own routes, without a BFF (none of these reach it).
const host = createDemoHost({ bffUrl: 'http://127.0.0.1:9', secretKey: 'llsk_test' });

describe('Brightside Practice (demo host)', () => {
  test('serves a favicon, so browsers stop logging a 404 on every load', async () => {
    for (const path of ['/favicon.ico', '/favicon.svg']) {
      const response = await host.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/svg+xml');
      expect(await response.text()).toMatch(/^<svg /);
    }
    expect(await (await host.request('/')).text()).toContain('<link rel="icon" href="/favicon.svg"');
  });

  test('lists its people (every persona included) for "Visible to → Selected people"', async () => {
    const { data } = (await (await host.request('/demo/api/people')).json()) as { data: { id: string; name: string }[] };
    for (const persona of Object.values(personas)) expect(data).toContainEqual({ id: persona.id, name: persona.name });
    expect(data.length).toBeGreaterThan(Object.keys(personas).length);
  });

  test('the page hands the people to <client-sync-status>, has a theme switch, and shows the expiry of each renewed token', async () => {
    const page = await (await host.request('/')).text();
    expect(page).toContain(".users = data");
    expect(page).toMatch(/<select id="theme">[\s\S]*value="dark"/);
    expect(page).toMatch(/async function fetchSessionToken\(\) \{[\s\S]*showExpiry\(session\.expires_at\)/);
  });

  test('Goals shows the picker for an imported company even when it is disconnected (its figures then read as stale)', async () => {
    const page = await (await host.request('/')).text();
    const source = /function metricConnection\(connections\) \{[\s\S]*?\n      \}/.exec(page)?.[0];
    expect(source).toBeDefined();
    type Row = { id: string; status: string; last_synced_at: string | null };
    const choose = new Function(`${source}; return metricConnection;`)() as (connections: Row[]) => Row | undefined;
    const row = (id: string, status: string, synced = true): Row => ({ id, status, last_synced_at: synced ? '2026-11-30T10:00:00Z' : null });
    expect(choose([row('a', 'disconnected')])?.id).toBe('a');
    expect(choose([row('a', 'needs_reconnect'), row('b', 'connected')])?.id).toBe('b');
    expect(choose([row('a', 'connected', false)])).toBeUndefined();
  });
});
