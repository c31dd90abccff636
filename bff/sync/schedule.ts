import { Cron } from 'croner';
import { createHash } from 'node:crypto';
import { defaultOrganizationSettings, effectiveSettings } from '../../shared/api/organizations.ts';
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
 * Queues a scheduled sync for every connection whose time has come, and sets its next time. Replicas do
 * this together safely: rows are claimed with SKIP LOCKED, and a connection never has two active runs.
 * A stored schedule that cannot be used (written before validation, or by hand) is reported and replaced
 * by the default for that connection: one organization's bad row never rolls back everyone's batch.
 */
export async function enqueueDueSchedules(deps: Deps, batch = 500): Promise<number> {
  const now = deps.now();
  return deps.sql.begin(async (tx) => {
    const due = await tx<{ id: string; tenant_id: string; organization_id: string; next_sync_at: Date | null; settings: Record<string, unknown> | null }[]>`
      select c.id, c.tenant_id, c.organization_id, c.next_sync_at, o.settings from connections c
      join organizations o on o.tenant_id = c.tenant_id and o.id = c.organization_id
      where c.status = 'connected' and (c.next_sync_at is null or c.next_sync_at <= ${now})
      order by c.next_sync_at nulls first
      limit ${batch}
      for update of c skip locked`;
    let queued = 0;
    for (const row of due) {
      const { settings, problems } = effectiveSettings(row.settings);
      const scheduleProblems = problems.filter((problem) => problem.startsWith('sync_schedule'));
      if (scheduleProblems.length > 0) {
        deps.logger.warn('stored sync schedule ignored; the default applies', {
          tenant_id: row.tenant_id,
          organization_id: row.organization_id,
          connection_id: row.id,
          problems: scheduleProblems,
        });
      }
      if (row.next_sync_at) {
        await requestSync(tx, row.id, { trigger: 'schedule' });
        queued += 1;
      }
      const next = nextScheduledAt(settings.sync_schedule, now, row.id) ?? nextScheduledAt(defaultOrganizationSettings.sync_schedule, now, row.id);
      await tx`update connections set next_sync_at = ${next ?? null} where id = ${row.id}`;
    }
    return queued;
  });
}
