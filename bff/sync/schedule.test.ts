import { expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';
import { newId } from '../db/ids.ts';
import { requestSync } from './runs.ts';
import { enqueueDueSchedules, nextScheduledAt } from './schedule.ts';

const t = testApp();

test('the next run follows the cron in the organization\'s time zone, with a per-connection jitter', () => {
  const after = new Date('2026-11-22T12:00:00Z');
  const daily = nextScheduledAt({ cron: '0 2 * * *', timezone: 'UTC' }, after, 'con_a')!;
  expect(daily.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-23T02:00:00Z'));
  expect(daily.getTime()).toBeLessThan(Date.parse('2026-11-23T02:30:00Z'));
  const sydney = nextScheduledAt({ cron: '0 2 * * *', timezone: 'Australia/Sydney' }, after, 'con_a')!;
  expect(sydney.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-22T15:00:00Z')); // 02:00 AEDT = 15:00 UTC
  const hourly = nextScheduledAt({ cron: '0 * * * *', timezone: 'UTC' }, after, 'con_a')!;
  expect(hourly.getTime() - Date.parse('2026-11-22T13:00:00Z')).toBeLessThan(6 * 60_000);
  // Thousands of connections spread out instead of all firing at once.
  const spread = new Set(Array.from({ length: 1000 }, (_, i) => Math.floor(nextScheduledAt({ cron: '0 2 * * *', timezone: 'UTC' }, after, `con_${i}`)!.getTime() / 60_000)));
  expect(spread.size).toBeGreaterThan(25);
});

async function connection(nextSyncAt: Date | null, schedule?: { cron: string; timezone: string }) {
  const tenant = await t.createTenant();
  const org = `org-${Math.random().toString(36).slice(2)}`;
  await t.session(tenant, org);
  if (schedule) await t.request(`/v1/organizations/${org}/settings`, { method: 'PUT', token: tenant.secretKey, json: { sync_schedule: schedule } });
  const id = newId('con');
  await t.deps.sql`
    insert into connections (id, tenant_id, organization_id, provider, external_id, status, next_sync_at, initial_import_done)
    values (${id}, ${tenant.id}, ${org}, 'qbo', ${id}, 'connected', ${nextSyncAt}, true)`;
  return id;
}

test('due connections get one scheduled run and their next time; others only their next time', async () => {
  const due = await connection(new Date(Date.now() - 1000), { cron: '0 * * * *', timezone: 'UTC' });
  const fresh = await connection(null);
  await enqueueDueSchedules(t.deps);
  const runs = await t.deps.sql<{ connection_id: string; trigger: string; kind: string }[]>`
    select connection_id, trigger, kind from sync_runs where connection_id in (${due}, ${fresh})`;
  expect(runs).toEqual([{ connection_id: due, trigger: 'schedule', kind: 'incremental' }]);
  const next = await t.deps.sql<{ id: string; next_sync_at: Date }[]>`select id, next_sync_at from connections where id in (${due}, ${fresh})`;
  for (const row of next) expect(row.next_sync_at.getTime()).toBeGreaterThan(Date.now());
  expect(next.find((row) => row.id === due)!.next_sync_at.getTime() - Date.now()).toBeLessThan(3600_000 + 6 * 60_000);
});

test('"Sync now" during a queued or running sync coalesces instead of stacking', async () => {
  const id = await connection(null);
  const first = await requestSync(t.deps.sql, id, { trigger: 'manual' });
  const second = await requestSync(t.deps.sql, id, { trigger: 'manual' });
  expect(second).toEqual({ runId: first.runId, coalesced: true });
  await t.deps.sql`update sync_runs set status = 'succeeded' where id = ${first.runId}`;
  const third = await requestSync(t.deps.sql, id, { trigger: 'manual' });
  expect(third.coalesced).toBe(false);
});

test('a stored schedule the scheduler cannot compute falls back to the default instead of stopping the batch', async () => {
  // As stored before settings were validated: a time zone croner refuses.
  const broken = await connection(new Date(Date.now() - 1000));
  await t.deps.sql`
    update organizations set settings = ${t.deps.sql.json({ sync_schedule: { cron: '0 * * * *', timezone: '\ufff3' } })}
    where (tenant_id, id) = (select tenant_id, organization_id from connections where id = ${broken})`;
  const healthy = await connection(new Date(Date.now() - 1000), { cron: '0 * * * *', timezone: 'UTC' });
  await enqueueDueSchedules(t.deps);
  const runs = await t.deps.sql<{ connection_id: string }[]>`select connection_id from sync_runs where connection_id in (${broken}, ${healthy}) order by connection_id`;
  expect(runs.map((run) => run.connection_id).sort()).toEqual([broken, healthy].sort());
  const [row] = await t.deps.sql<{ next_sync_at: Date }[]>`select next_sync_at from connections where id = ${broken}`;
  expect(row!.next_sync_at.getUTCHours()).toBe(2); // the default schedule, 02:00 UTC plus jitter
});
