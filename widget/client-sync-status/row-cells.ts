import { html, nothing, type TemplateResult } from 'lit';
import { formatDateTime, formatRelativeTime } from '../format/relative-time.ts';
import { runProgress } from './progress-text.ts';
import { companyLabel, healthBand, type RowStatus, type SyncStatusRow } from './row-status.ts';

/** The cells a company shows in the list's row and in its card: status, last sync, health, the one action. */

export interface PrimaryAction {
  label: string;
  kind: 'sync' | 'retry' | 'reconnect';
  /** Why the button does nothing right now; undefined when it works. */
  disabledReason: string | undefined;
  /** The id of the element that explains it (permission note or the row's status). */
  describedBy: string | undefined;
}

const clockIcon = html`<svg class="wait-icon" viewBox="0 0 16 16" width="13" height="13" aria-hidden="true" focusable="false">
  <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.5" />
  <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" />
</svg>`;

/** The row's one action (Sync now, Retry, Reconnect); a refused one stays focusable and says why. */
export function primaryButton(row: SyncStatusRow, action: PrimaryAction, tab: number | undefined, onClick: () => void): TemplateResult {
  const disabled = action.disabledReason !== undefined;
  const reconnect = action.kind === 'reconnect';
  return html`<button
    type="button"
    class="button small ${reconnect ? 'primary' : ''}"
    part=${reconnect ? 'reconnect-button' : 'sync-button'}
    data-primary-for=${row.connection.id}
    tabindex=${tab ?? nothing}
    aria-disabled=${disabled ? 'true' : nothing}
    aria-describedby=${disabled && action.describedBy ? action.describedBy : nothing}
    title=${action.disabledReason ?? nothing}
    @click=${onClick}
  >
    ${action.label}
  </button>`;
}

/**
 * What the company is doing or needs: a run's progress (or the words and clock of what it waits for), an error with
 * its fix, or a status badge. `pending`: Sync now was pressed and the run has not shown up yet.
 */
export function statusCell(row: SyncStatusRow, status: RowStatus, pending: boolean, locale: string | undefined): TemplateResult {
  const id = row.connection.id;
  const name = companyLabel(row.connection);
  if (status.run || pending) {
    const view = status.run
      ? runProgress(status.run, locale, { throttledUntil: row.sync.throttled_until, provider: row.connection.provider })
      : { percent: undefined, label: 'Waiting to start', valueText: 'Waiting to start', waiting: false };
    if (view.waiting && view.percent === undefined) {
      // Nothing moves until a known time: words with a clock, no bar pretending to progress.
      return html`<div class="progress-wrap waiting" id="status-${id}" title=${view.label}>
        <span class="progress-text" part="progress-text">${clockIcon}${view.label}</span>
      </div>`;
    }
    return html`<div class="progress-wrap ${view.waiting ? 'waiting' : ''}" id="status-${id}" title=${view.label}>
      <div
        class="progress ${view.percent === undefined && !view.waiting ? 'indeterminate' : ''}"
        part="progress"
        role="progressbar"
        aria-label="Sync progress, ${name}"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${view.percent ?? nothing}
        aria-valuetext=${view.valueText}
      >
        <span class="fill" style="width: ${view.percent ?? (view.waiting ? 0 : 100)}%"></span>
      </div>
      <span class="progress-text" part="progress-text" aria-hidden="true">${view.waiting ? clockIcon : nothing}${view.label}</span>
    </div>`;
  }
  if (status.error) {
    return html`<span class="error-text tone-${status.kind === 'reconnect' ? 'warning' : 'danger'}" part="error" id="status-${id}" title=${status.error.detail ?? status.error.summary}>
      <span class="icon" aria-hidden="true">${status.kind === 'reconnect' ? '⚠' : '!'}</span><span class="text">${status.error.summary}</span>
    </span>`;
  }
  const title = status.kind === 'stale' ? 'The last successful sync is older than the schedule promises.' : undefined;
  return html`<span class="badge kind-${status.kind}" part="status-badge" id="status-${id}" title=${title ?? nothing}>
    <span class="dot" aria-hidden="true"></span>${status.label}
  </span>`;
}

/** "3 minutes ago" (or "in 2 hours"), with the exact moment as its tooltip; "Never" when there is none. */
export function momentOrNever(at: string | null, locale: string | undefined): TemplateResult {
  if (!at) return html`<span class="muted">Never</span>`;
  return html`<time datetime=${at} title=${formatDateTime(at, locale)}>${formatRelativeTime(at, { locale })}</time>`;
}

/** The health score as a button that opens the checks; its tooltip lists what failed. */
export function healthButton(row: SyncStatusRow, tab: number | undefined, locale: string | undefined, onClick: () => void): TemplateResult {
  const health = row.sync.health;
  if (!health) return html`<span class="muted" aria-hidden="true">—</span><span class="visually-hidden">Not scored yet</span>`;
  const { band, word } = healthBand(health.score);
  const count = new Intl.NumberFormat(locale);
  const lines = health.checks.filter((check) => check.count > 0).map((check) => `${check.label}: ${count.format(check.count)}`);
  return html`<button
    type="button"
    class="health band-${band}"
    part="health"
    tabindex=${tab ?? nothing}
    title=${lines.length > 0 ? lines.join('\n') : 'All checks passed'}
    aria-label="Health ${health.score} of 100, ${word}. Show checks"
    @click=${onClick}
  >
    <span class="health-dot" aria-hidden="true"></span>${health.score}
  </button>`;
}

/**
 * Write-back documents not in QuickBooks yet, on the row itself: "2 documents need attention" (or "… waiting"),
 * a button that opens the company's details at its documents, where each says why and what fixes it.
 */
export function documentsButton(row: SyncStatusRow, tab: number | undefined, onClick: () => void): TemplateResult | typeof nothing {
  const { waiting, attention } = row.sync.documents;
  const n = attention || waiting;
  if (!n) return nothing;
  const words = `${n} document${n === 1 ? '' : 's'} ${attention ? (n === 1 ? 'needs attention' : 'need attention') : 'waiting'}`;
  return html`<button type="button" class="link-button docs ${attention ? 'attention' : ''}" part="documents-button" tabindex=${tab ?? nothing} title=${words} @click=${onClick}>
    ${words}
  </button>`;
}
