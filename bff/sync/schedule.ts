import { Cron } from 'croner';
import { createHash } from 'node:crypto';
import { defaultOrganizationSettings, type OrganizationSettings } from '../../shared/api/organizations.ts';
import type { Deps } from '../context.ts';
import { requestSync } from './runs.ts';

/** Up to this much jitter, so thousands of connections on the same schedule do not all fire at 00:00. */
const MAX_JITTER_MS = 30 * 60_000;

/**
 * The next scheduled sync of a connection after `after`: the organization's cron in its time zone, plus
 * a jitter fixed per connection (at most a tenth of the schedule's interval, and 30 minutes).
 */
export function nextScheduledAt(schedule: { cron: string; timezone: string }, after: Date, connectionId: string): Date | undefined {
  const cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
  const first = cron.nextRun(after);
  if (!first) return undefined;
  const second = cron.nextRun(first);
  const interval = second ? second.getTime() - first.getTime() : 24 * 3600_000;
  const window = Math.min(MAX_JITTER_MS, interval / 10);
  const fraction = createHash('sha256').update(connectionId).digest().readUInt32BE(0) / 2 ** 32;
  return new Date(first.getTime() + Math.floor(fraction * window));
}

/**
 * A schedule stored before settings were validated may not compute; one such organization must not stop
 * the batch (and so every other organization's scheduled syncs), so it runs on the default schedule.
 */
function nextScheduledAtOrDefault(schedule: { cron: string; timezone: string }, after: Date, connectionId: string): Date | undefined {
  try {
    return nextScheduledAt(schedule, after, connectionId);
  } catch {
    return nextScheduledAt(defaultOrganizationSettings.sync_schedule, after, connectionId);
  }
}

/**
 * Queues a scheduled sync for every connection whose time has come, and sets its next time. Replicas do
 * this together safely: rows are claimed with SKIP LOCKED, and a connection never has two active runs.
 */
export async function enqueueDueSchedules(deps: Deps, batch = 500): Promise<number> {
  const now = deps.now();
  return deps.sql.begin(async (tx) => {
    const due = await tx<{ id: string; next_sync_at: Date | null; settings: Partial<OrganizationSettings> | null }[]>`
      select c.id, c.next_sync_at, o.settings from connections c
      join organizations o on o.tenant_id = c.tenant_id and o.id = c.organization_id
      where c.status = 'connected' and (c.next_sync_at is null or c.next_sync_at <= ${now})
      order by c.next_sync_at nulls first
      limit ${batch}
      for update of c skip locked`;
    let queued = 0;
    for (const row of due) {
      const schedule = row.settings?.sync_schedule ?? defaultOrganizationSettings.sync_schedule;
      if (row.next_sync_at) {
        await requestSync(tx, row.id, { trigger: 'schedule' });
        queued += 1;
      }
      const next = nextScheduledAtOrDefault(schedule, now, row.id);
      await tx`update connections set next_sync_at = ${next ?? null} where id = ${row.id}`;
    }
    return queued;
  });
}
