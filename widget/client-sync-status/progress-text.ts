import type { SyncRun } from '../../shared/api/sync.ts';
import { formatDuration } from '../format/duration.ts';

/** What a progress bar shows for an active run, in the words of the bar, the label and the screen reader. */
export interface ProgressView {
  /** 0–100, or undefined while the total is unknown (the bar is indeterminate). */
  percent: number | undefined;
  /** Visible text: "62% · ~3 min left", "Waiting to start", "Importing · 1,204 records". */
  label: string;
  /** For aria-valuetext: "62 percent, about 3 minutes left". */
  valueText: string;
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

export function runProgress(run: SyncRun, locale?: string): ProgressView {
  const count = new Intl.NumberFormat(locale);
  if (run.status === 'queued') return { percent: undefined, label: 'Waiting to start', valueText: 'Waiting to start' };
  const percent = runPercent(run);
  const eta = run.eta_seconds;
  if (percent === undefined) {
    const label = run.progress.done > 0 ? `Importing · ${count.format(run.progress.done)} records` : 'Starting…';
    return { percent, label, valueText: label.replace(' · ', ', ') };
  }
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(percent / 100);
  if (eta === null || eta <= 0) {
    return { percent, label: `${pct} · estimating time left`, valueText: `${percent} percent, estimating time left` };
  }
  return {
    percent,
    label: `${pct} · ~${formatDuration(eta, { locale })} left`,
    valueText: `${percent} percent, about ${formatDuration(eta, { locale, long: true })} left`,
  };
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
