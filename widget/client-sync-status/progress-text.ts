import type { SyncRun } from '../../shared/api/sync.ts';
import { formatClockTime } from '../format/clock-time.ts';
import { formatDuration } from '../format/duration.ts';
import { syncErrorText } from './sync-error-text.ts';

/** What a progress bar shows for an active run, in the words of the bar, the label and the screen reader. */
export interface ProgressView {
  /** 0–100, or undefined while the total is unknown (the bar is indeterminate). */
  percent: number | undefined;
  /** Visible text: "62% · ~3 min left", "Waiting to start", "Importing · 1,204 records". */
  label: string;
  /** For aria-valuetext: "62 percent, about 3 minutes left". */
  valueText: string;
  /**
   * Nothing moves until a known time (a retry is scheduled, QuickBooks asked us to wait): the bar stands still and the
   * label says why and until when.
   */
  waiting?: boolean;
}

/** What a run's words depend on beyond the run: whether QuickBooks throttled the company, the clock, the locale. */
export interface RunContext {
  /** ConnectionSync.throttled_until. */
  throttledUntil?: string | null | undefined;
  now?: number;
  provider?: 'qbo' | 'xero';
}

/** One record type of a run: "Invoice 1,204 of 3,000". */
export interface EntityView {
  type: string;
  done: number;
  total: number | null;
  percent: number | undefined;
  text: string;
}

/**
 * Percent done of a run. The run's own total when known; before the server has counted everything, the entities
 * counted so far would overstate progress, so the bar stays indeterminate instead of jumping backwards later.
 */
export function runPercent(run: Pick<SyncRun, 'progress' | 'status'>): number | undefined {
  if (run.status === 'succeeded') return 100;
  const { total, done } = run.progress;
  if (total === null || total <= 0) return undefined;
  // 100% is only true once the server says so; a run at 2,999 of 3,000 still shows 99%.
  return Math.min(99, Math.floor((done / total) * 100));
}

/**
 * The words for every state the engine knows, so a run never reads "Starting…" while it is really waiting:
 * queued for a retry (its reason and time), throttled by QuickBooks (until when), trying again, counting what a first
 * import will read, importing (percent of the whole company and time left), syncing changes.
 */
export function runProgress(run: SyncRun, locale?: string, context: RunContext = {}): ProgressView {
  const count = new Intl.NumberFormat(locale);
  const now = context.now ?? Date.now();
  const provider = context.provider ?? 'qbo';
  if (run.status === 'queued') {
    if (run.error?.retry_at && Date.parse(run.error.retry_at) > now - 60_000) {
      const label = syncErrorText(run.error, provider, { now, locale }).summary;
      return { percent: undefined, label, valueText: label, waiting: true };
    }
    return { percent: undefined, label: 'Waiting to start', valueText: 'Waiting to start' };
  }
  const percent = runPercent(run);
  const pct = percent === undefined ? undefined : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(percent / 100);
  const throttled = context.throttledUntil && Date.parse(context.throttledUntil) > now ? context.throttledUntil : undefined;
  if (throttled) {
    const name = provider === 'xero' ? 'Xero' : 'QuickBooks';
    const words = `${name} limit reached; resumes at ${formatClockTime(throttled, { now, locale })}`;
    return {
      percent,
      label: pct ? `${pct} · ${words}` : words,
      valueText: pct ? `${percent} percent, paused: ${words}` : `Paused: ${words}`,
      waiting: true,
    };
  }
  const eta = run.eta_seconds;
  if (percent === undefined) {
    const { types_counted: counted, types_total: types } = run.progress;
    let label: string;
    if (run.kind === 'initial' && types !== undefined && counted !== undefined && counted < types) {
      label = `Counting records · ${count.format(counted)} of ${count.format(types)} types`;
    } else if (run.progress.done > 0) {
      label = `${run.kind === 'incremental' ? 'Syncing changes' : 'Importing'} · ${count.format(run.progress.done)} records`;
    } else if (run.error) {
      label = `Trying again · ${retryReason(run.error.category)}`;
    } else {
      label = 'Starting…';
    }
    return { percent, label, valueText: label.replace(' · ', ', ') };
  }
  if (eta === null || eta <= 0) {
    return { percent, label: `${pct} · estimating time left`, valueText: `${percent} percent, estimating time left` };
  }
  return {
    percent,
    label: `${pct} · ~${formatDuration(eta, { locale })} left`,
    valueText: `${percent} percent, about ${formatDuration(eta, { locale, long: true })} left`,
  };
}

/** Why an earlier attempt of this run stopped, as the tail of "Trying again · …". */
function retryReason(category: NonNullable<SyncRun['error']>['category']): string {
  switch (category) {
    case 'provider_unavailable':
      return 'QuickBooks was not responding';
    case 'rate_limited':
      return 'after a QuickBooks limit';
    default:
      return 'the last attempt failed';
  }
}

export function entityProgress(run: SyncRun, locale?: string): EntityView[] {
  const count = new Intl.NumberFormat(locale);
  return run.progress.entities.map((entity) => {
    const percent = entity.total !== null && entity.total > 0 ? Math.min(100, Math.floor((entity.done / entity.total) * 100)) : entity.total === 0 ? 100 : undefined;
    const text = entity.total === null ? `${count.format(entity.done)} so far` : `${count.format(entity.done)} of ${count.format(entity.total)}`;
    return { type: entity.type, done: entity.done, total: entity.total, percent, text };
  });
}

/** "12 min" for a finished run, from its start to its end; undefined when it never started. */
export function runDuration(run: SyncRun, locale?: string): string | undefined {
  if (!run.started_at || !run.finished_at) return undefined;
  return formatDuration((Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000, { locale });
}
