import { expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';
import { newId } from '../db/ids.ts';
import { createLogger } from '../http/logger.ts';
import { requestSync } from './runs.ts';
import { enqueueDueSchedules, nextScheduledAt } from './schedule.ts';

const t = testApp();
const warnings: string[] = [];
const warned = testApp({ logger: createLogger('warn', {}, (line) => void warnings.push(line)) });

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
  expect(next).toHaveLength(2);
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

test.each([
  [{ cron: 'not a cron!', timezone: 'UTC' }, 'body.sync_schedule.cron'],
  [{ cron: '0 2 * * *', timezone: 'Mars/Olympus_Mons' }, 'body.sync_schedule.timezone'],
  [{ cron: '* * * * * *', timezone: 'UTC' }, 'body.sync_schedule.cron'], // every second, six fields
  [{ cron: '*/30 * * * *', timezone: 'UTC' }, 'body.sync_schedule.cron'],
  [{ cron: '0,59 3 * * *', timezone: 'Europe/Paris' }, 'body.sync_schedule.cron'], // twice within an hour, once a day
  [{ cron: '0 0 30 2 *', timezone: 'UTC' }, 'body.sync_schedule.cron'], // never fires
  [{ cron: '9999-12-31T23:59:59-23:59', timezone: 'Europe/Paris' }, 'body.sync_schedule.cron'], // croner's one-off date, in year 10000 UTC
])('a schedule the scheduler cannot use is refused on write with a 400 naming the field: %j', async (schedule, field) => {
  const tenant = await t.createTenant();
  const org = `org-${Math.random().toString(36).slice(2)}`;
  const response = await t.request(`/v1/organizations/${org}/settings`, { method: 'PUT', token: tenant.secretKey, json: { sync_schedule: schedule } });
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('invalid_request');
  expect(body.error.message.startsWith(`${field}:`)).toBe(true);
  const stored = await t.request(`/v1/organizations/${org}/settings`, { token: tenant.secretKey });
  expect(((await stored.json()) as { sync_schedule: unknown }).sync_schedule).toEqual({ cron: '0 2 * * *', timezone: 'UTC' });
});

test.each([
  { cron: '0 * * * *', timezone: 'UTC' },
  { cron: '0 0 2 * * *', timezone: 'America/New_York' }, // six fields with seconds, daily
  { cron: '30 6 * * 1-5', timezone: 'Australia/Sydney' },
  { cron: '0 0 1 1 *', timezone: 'Pacific/Kiritimati' }, // yearly
])('hourly or rarer schedules in real time zones are accepted: %j', async (schedule) => {
  const tenant = await t.createTenant();
  const org = `org-${Math.random().toString(36).slice(2)}`;
  const response = await t.request(`/v1/organizations/${org}/settings`, { method: 'PUT', token: tenant.secretKey, json: { sync_schedule: schedule } });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { sync_schedule: unknown }).sync_schedule).toEqual(schedule);
});

test('one organization\'s unusable stored schedule is reported and replaced by the default; everyone else is still scheduled', async () => {
  const bad = await connection(new Date(Date.now() - 1000));
  const good = await connection(new Date(Date.now() - 1000), { cron: '0 * * * *', timezone: 'UTC' });
  // Written around the API, as a row from before validation existed would be.
  await t.deps.sql`
    update organizations set settings = settings || ${t.deps.sql.json({ sync_schedule: { cron: 'not a cron!', timezone: 'Mars/Olympus_Mons' } })}
    where (tenant_id, id) = (select tenant_id, organization_id from connections where id = ${bad})`;
  await enqueueDueSchedules(warned.deps);
  const runs = await t.deps.sql<{ connection_id: string }[]>`select connection_id from sync_runs where connection_id in (${bad}, ${good}) order by connection_id`;
  expect(runs.map((run) => run.connection_id).sort()).toEqual([bad, good].sort());
  const [badNext] = await t.deps.sql<{ next_sync_at: Date }[]>`select next_sync_at from connections where id = ${bad}`;
  // The default schedule: 02:00 UTC plus at most 30 minutes of jitter.
  expect(badNext!.next_sync_at.getUTCHours()).toBe(2);
  const warning = warnings.map((line) => JSON.parse(line) as { msg: string; connection_id?: string; problems?: string[] }).find((line) => line.connection_id === bad);
  expect(warning?.msg).toMatch(/schedule ignored/);
  expect(warning?.problems?.[0]).toMatch(/^sync_schedule: /);
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
