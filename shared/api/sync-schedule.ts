import { Cron } from 'croner';

/** Scheduled syncs run at most this often: a company's QuickBooks budget is shared, and "Sync now" exists. */
export const MIN_SCHEDULE_INTERVAL_MS = 3600_000;

/**
 * How many upcoming runs are compared. A pattern that fires more often than hourly shows it within 100
 * consecutive runs: with more than 24 runs a day, any 50 that fall in one day include two under an hour
 * apart; with 24 or fewer, 100 runs span more than one whole active day.
 */
const RUNS_CHECKED = 100;
/** A schedule must recur: at least two runs within this span (yearly schedules pass, one-off dates do not). */
const MUST_RECUR_WITHIN_MS = 400 * 24 * 3600_000;
/** Five fields (minute … weekday), or six with seconds first: croner also takes an ISO date for a one-off run. */
const CRON_FIELDS = /^\S+(\s+\S+){4,5}$/;

export interface SyncSchedule {
  cron: string;
  timezone: string;
}

/** An IANA zone name the platform's time-zone data knows ("Mars/Olympus_Mons" is not one). */
export function isKnownTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a schedule cannot be used, naming the field, or undefined when it is fine. Shared by the settings
 * write (a 400) and the scheduler (which skips a bad stored row instead of failing every tenant's batch).
 */
export function syncScheduleProblem(schedule: SyncSchedule, from = new Date()): { field: 'cron' | 'timezone'; message: string } | undefined {
  if (!isKnownTimeZone(schedule.timezone)) {
    return { field: 'timezone', message: `"${schedule.timezone}" is not an IANA time zone such as Europe/London` };
  }
  if (!CRON_FIELDS.test(schedule.cron.trim())) {
    return { field: 'cron', message: 'must be a cron pattern of five fields (minute hour day month weekday), or six with seconds first' };
  }
  let cron: Cron;
  try {
    cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
  } catch (error) {
    return { field: 'cron', message: `is not a cron pattern (${(error as Error).message.replace(/^CronPattern: /, '')})` };
  }
  const runs = cron.nextRuns(RUNS_CHECKED, from);
  if (runs.length === 0) return { field: 'cron', message: 'never fires' };
  if (runs.length < 2 || runs[1]!.getTime() - from.getTime() > MUST_RECUR_WITHIN_MS) {
    return { field: 'cron', message: 'must fire at least once a year' };
  }
  for (let i = 1; i < runs.length; i += 1) {
    if (runs[i]!.getTime() - runs[i - 1]!.getTime() < MIN_SCHEDULE_INTERVAL_MS) {
      return { field: 'cron', message: 'fires more often than once an hour; use "Sync now" or the API for more' };
    }
  }
  return undefined;
}
