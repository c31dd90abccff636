import { html, nothing, type TemplateResult } from 'lit';
import type { Document } from '../../shared/api/documents.ts';
import type { Health, SyncRun } from '../../shared/api/sync.ts';
import { formatDateTime, formatRelativeTime } from '../format/relative-time.ts';
import { runDuration, type EntityView } from './progress-text.ts';

/**
 * The sections of a company's details that only show data: progress by record type, health checks and sync
 * history. Pure templates (the element's shadow root styles them), so the element keeps only what it decides.
 */

/** A connection's run history as loaded for its details. */
export type RunsState = { kind: 'loading' } | { kind: 'ready'; runs: SyncRun[] } | { kind: 'error'; message: string };

/** Progress by record type (active run) or the records of the last run. */
export function entityTable(entities: readonly EntityView[], active: boolean): TemplateResult {
  return html`<details class="disclosure entities">
    <summary>${active ? 'Progress by record type' : 'Records in the last run'}</summary>
    <table class="mini-table">
      <thead><tr><th scope="col">Record type</th><th scope="col" class="num">Done</th><th scope="col" class="bar-col"><span class="visually-hidden">Progress</span></th></tr></thead>
      <tbody>
        ${entities.map(
          (entity) => html`<tr>
            <th scope="row">${entity.type}</th>
            <td class="num">${entity.text}</td>
            <td class="bar-col">
              <span
                class="progress mini ${entity.percent === undefined ? 'indeterminate' : ''}"
                role="progressbar"
                aria-label=${entity.type}
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=${entity.percent ?? nothing}
                aria-valuetext=${entity.percent === undefined ? entity.text : `${entity.percent} percent`}
                ><span class="fill" style="width: ${entity.percent ?? 100}%"></span
              ></span>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>
  </details>`;
}

/** The health score's checks, each with its count and a few examples. */
export function healthChecks(health: Health, locale: string | undefined): TemplateResult {
  const count = new Intl.NumberFormat(locale);
  return html`<details class="disclosure health-checks">
    <summary>Health checks · ${health.score} of 100</summary>
    ${health.checks.length === 0
      ? html`<p class="muted">No checks ran.</p>`
      : html`<ul class="checks">
          ${health.checks.map(
            (check) => html`<li class=${check.count > 0 ? 'has-issues' : 'clean'}>
              <span class="check-label">${check.label}</span>
              <span class="check-count num">${check.count > 0 ? count.format(check.count) : html`<span aria-hidden="true">✓</span><span class="visually-hidden">none</span>`}</span>
              ${check.examples.length > 0
                ? html`<span class="examples muted">e.g. ${check.examples.slice(0, 5).map((example) => example.name).join(', ')}${check.count > check.examples.length ? ', …' : ''}</span>`
                : nothing}
            </li>`,
          )}
        </ul>
        <p class="muted small">Checked ${formatRelativeTime(health.computed_at, { locale })}.</p>`}
  </details>`;
}

const triggerWords: Record<SyncRun['trigger'], string> = {
  connect: 'on connect',
  schedule: 'scheduled',
  manual: 'Sync now',
  webhook: 'on change',
};

const statusWords: Record<SyncRun['status'], string> = { queued: 'Waiting', running: 'Running', succeeded: 'Succeeded', failed: 'Failed' };

/** The history table (newest first, 50 at most), or why it is not there yet. */
export function runHistory(state: RunsState | undefined, locale: string | undefined, retry: () => void): TemplateResult {
  if (!state || state.kind === 'loading') return html`<p class="muted" aria-busy="true">Loading history…</p>`;
  if (state.kind === 'error') {
    return html`<p class="muted">History could not be loaded: ${state.message}
      <button type="button" class="button quiet small" @click=${retry}>Retry</button></p>`;
  }
  if (state.runs.length === 0) return html`<p class="muted">No syncs yet.</p>`;
  const count = new Intl.NumberFormat(locale);
  return html`<table class="mini-table runs">
    <thead>
      <tr><th scope="col">Started</th><th scope="col">Kind</th><th scope="col">Result</th><th scope="col" class="num">Records</th><th scope="col" class="num">Took</th></tr>
    </thead>
    <tbody>
      ${state.runs.slice(0, 50).map((run) => {
        const at = run.started_at ?? run.queued_at;
        return html`<tr>
          <td><time datetime=${at} title=${formatDateTime(at, locale)}>${formatRelativeTime(at, { locale })}</time></td>
          <td>${run.kind === 'initial' ? 'First import' : 'Changes'} · ${triggerWords[run.trigger]}</td>
          <td class="run-${run.status}" title=${run.error?.message ?? nothing}>${statusWords[run.status]}</td>
          <td class="num">${count.format(run.progress.done)}</td>
          <td class="num">${runDuration(run, locale) ?? '—'}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

/** A connection's write-back documents that need attention, as loaded for its details. */
export type DocumentsState = { kind: 'loading' } | { kind: 'ready'; documents: Document[] } | { kind: 'error'; message: string };

const documentWords: Record<Document['kind'], string> = {
  purchase_order: 'Purchase order',
  bill: 'Bill',
  invoice: 'Invoice',
  customer: 'Customer',
  vendor: 'Vendor',
  time_activity: 'Time',
};

const documentStatusWords: Partial<Record<Document['status'], string>> = {
  queued: 'Waiting',
  pushing: 'Sending',
  failed_retrying: 'Will retry',
  needs_mapping: 'Needs mapping',
  rejected: 'Refused',
  pushed_with_variance: 'Totals differ',
};

/** A missing link or mapping, for the host's mapper (`ledgerlink-open-mapping`). */
export type MissingThing = NonNullable<Document['missing']>[number];

/** The name people know a document by: its number, the party's name, else the host's id. */
function documentName(document: Document): string {
  const data = document.data as { doc_number?: unknown; name?: unknown };
  const name = data.doc_number ?? document.quickbooks_doc_number ?? data.name;
  return `${documentWords[document.kind]} ${typeof name === 'string' && name.trim() ? name : document.host_id}`;
}

/** The reason in words: what is missing, what QuickBooks said, or both totals when QuickBooks' differ. */
function documentReason(document: Document): string {
  if (document.missing?.length) return document.missing.map((entry) => entry.message).join(' ');
  if (document.fault) return document.fault.message;
  const variance = document.variance;
  if (variance) return `QuickBooks' total is ${variance.quickbooks_total.toFixed(2)}, yours ${variance.host_total.toFixed(2)}${variance.host_tax !== null ? `; tax ${(variance.quickbooks_tax ?? 0).toFixed(2)} against ${variance.host_tax.toFixed(2)}` : ''}.`;
  return document.status === 'pushing' ? 'Being written to QuickBooks now.' : 'Waiting for its turn to be sent.';
}

/**
 * Whether "push again" can succeed without a new version: a retry waiting for its turn, or a refusal caused by
 * something outside the document (a closed period reopened, a mapping fixed). A refusal of a field of ours (it
 * names it) needs a new version from the host; a missing mapping is pushed again by itself once mapped.
 */
function retryable(document: Document): boolean {
  if (document.status === 'failed_retrying') return document.fault?.action !== 'reconnect';
  return document.status === 'rejected' && document.fault !== null && document.fault.field === null && (document.fault.action === 'retry' || document.fault.action === 'wait' || document.fault.action === 'fix_record');
}

/**
 * Documents going to QuickBooks that are pending, failed, need a mapping or were pushed with other totals, each
 * with the reason and its fix: map (the host's mapper opens on `map`), retry when a retry can succeed (to those
 * who may write), open the record in QuickBooks.
 */
export function documentQueue(state: DocumentsState | undefined, retry: ((document: Document) => void) | undefined, reload: () => void, map: (missing: MissingThing) => void): TemplateResult {
  if (!state || state.kind === 'loading') return html`<p class="muted" aria-busy="true">Loading documents…</p>`;
  if (state.kind === 'error') {
    return html`<p class="muted">Documents could not be loaded: ${state.message}
      <button type="button" class="button small" @click=${reload}>Retry</button></p>`;
  }
  if (state.documents.length === 0) return html`<p class="muted">Nothing waiting: every document is in QuickBooks.</p>`;
  return html`<ul class="checks documents">
    ${state.documents.map((document) => {
      const name = documentName(document);
      return html`<li class=${document.status === 'queued' || document.status === 'pushing' || document.status === 'failed_retrying' ? 'pending' : 'has-issues'}>
        <span class="check-label">${name}</span>
        <span class="check-count">${documentStatusWords[document.status] ?? document.status}</span>
        <span class="examples muted">${documentReason(document)}</span>
        <span class="doc-actions">
          ${(document.missing ?? []).map(
            (entry) => html`<button type="button" class="button small" @click=${() => map(entry)}>${entry.what === 'supplier' || entry.what === 'customer' ? 'Link' : 'Map'} ${entry.name ?? entry.host_id ?? 'defaults'}</button>`,
          )}
          ${retry && retryable(document) ? html`<button type="button" class="button small" aria-label="Retry ${name}" @click=${() => retry(document)}>Retry</button>` : nothing}
          ${document.quickbooks_url ? html`<a class="button small" href=${document.quickbooks_url} target="quickbooks" rel="noopener" aria-label="Open in QuickBooks: ${name}">Open in QuickBooks</a>` : nothing}
        </span>
      </li>`;
    })}
  </ul>`;
}

/** "Succeeded · 1,204 records · took 12 min · 2 hours ago". */
export function runSummary(run: SyncRun, locale: string | undefined): string {
  const count = new Intl.NumberFormat(locale);
  const result = run.status === 'succeeded' ? 'Succeeded' : run.status === 'failed' ? 'Failed' : 'Running';
  const took = runDuration(run, locale);
  return [result, `${count.format(run.progress.done)} records`, took ? `took ${took}` : undefined, run.finished_at ? formatRelativeTime(run.finished_at, { locale }) : undefined]
    .filter(Boolean)
    .join(' · ');
}
