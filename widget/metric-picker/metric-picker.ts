import { html, nothing, svg } from 'lit';
import type { AvailableData, CreateMetric, Metric, MetricPreview } from '../../shared/api/metrics.ts';
import { buttonStyles, controlStyles } from '../base/controls.styles.ts';
import { Announcer } from '../base/announcer.ts';
import { LedgerlinkElement } from '../base/ledgerlink-element.ts';
import { pickerStyles } from './metric-picker.styles.ts';

/** What the user chose: the body `POST …/metrics` takes. */
export type MetricDefinition = CreateMetric & { currency: string };

/** `ledgerlink-metric-select`: the user chose a metric; `metric` is the saved one when `save` is set. */
export interface MetricSelectEventDetail {
  connection_id: string;
  definition: MetricDefinition;
  metric?: Metric;
}

declare global {
  interface HTMLElementTagNameMap {
    'metric-picker': MetricPicker;
  }
  interface HTMLElementEventMap {
    'ledgerlink-metric-select': CustomEvent<MetricSelectEventDetail>;
  }
}

type Account = AvailableData['accounts'][number];
const LABELS: Record<string, string> = {
  profit_and_loss: 'Profit and Loss',
  balance_sheet: 'Balance Sheet',
  sum: 'Sum',
  last: 'Last (closing balance)',
  average: 'Average',
  month: 'Month',
  quarter: 'Quarter',
  year: 'Year',
  trailing_12_months: 'Trailing 12 months',
  accrual: 'Accrual',
  cash: 'Cash',
};

/** Accounts in tree order (each parent before its sub-accounts), with their depth. */
function tree(accounts: Account[]): [Account, number][] {
  const ids = new Set(accounts.map((a) => a.id));
  const out: [Account, number][] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const a of accounts) if ((a.parent_id && ids.has(a.parent_id) ? a.parent_id : null) === parent && depth < 20) out.push([a, depth]), walk(a.id, depth + 1);
  };
  walk(null, 0);
  return out;
}

/**
 * `<metric-picker>`: builds a metric from a QuickBooks company's financial datasets: a dataset, then an account
 * (sub-accounts nested under their parents) or a report total from a searchable list, the aggregation, period and
 * accounting method, with a live preview of the latest value (the company's currency, the user's locale) and a
 * chart of the last 12 periods. Says when the data is not imported yet, stale (disconnected) or unverified.
 *
 * @attr connection-id - Required. The QuickBooks connection whose datasets are used.
 * @attr save - When present, "Use this metric" also saves it through the API (managers only).
 * @attr name - Default name of the metric.
 * @attr locale - Number and date locale (default: the browser's).
 * @fires ledgerlink-metric-select - {connection_id, definition, metric?} when the user confirms a metric.
 * @csspart form - The form. @csspart preview - The value and chart. @csspart chart - The SVG chart. @csspart status - Notes on the data.
 */
export class MetricPicker extends LedgerlinkElement {
  static override styles = [...LedgerlinkElement.styles, buttonStyles, controlStyles, pickerStyles];

  static override properties = {
    ...LedgerlinkElement.properties,
    connectionId: { type: String, attribute: 'connection-id' },
    save: { type: Boolean },
    name: { type: String },
    locale: { type: String },
    data: { state: true },
    preview: { state: true },
    def: { state: true },
    query: { state: true },
    error: { state: true },
    saving: { state: true },
    saved: { state: true },
  };

  declare connectionId: string | undefined;
  declare save: boolean;
  declare name: string;
  declare locale: string | undefined;
  declare data: AvailableData | undefined;
  declare preview: MetricPreview | undefined;
  declare def: Omit<CreateMetric, 'name' | 'currency'>;
  declare query: string;
  declare error: string;
  declare saving: boolean;
  declare saved: string;
  #abort: AbortController | undefined;
  #announcer = new Announcer(this);
  #loadedFor: string | undefined;

  constructor() {
    super();
    this.save = false;
    this.name = '';
    this.query = '';
    this.error = '';
    this.saving = false;
    this.saved = '';
    this.def = { dataset: 'profit_and_loss', line: 'total:revenue', include_sub_accounts: true, aggregation: 'sum', period: 'month', accounting_method: 'accrual' };
  }

  protected override sessionChanged(): void {
    void this.load();
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('connectionId') && this.connectionId !== this.#loadedFor) void this.load();
  }

  /** Reads the datasets and the preview again (hosts call it after a sync, say). */
  async load(): Promise<void> {
    if (!this.connectionId || !this.hasSession) return;
    this.#loadedFor = this.connectionId;
    try {
      this.data = await this.client.metricData(this.connectionId);
      this.error = '';
      // The first figures arrive shortly after the first sync: look again until they do.
      if (this.data.status === 'not_imported') setTimeout(() => this.isConnected && void this.load(), 5000);
      await this.refreshPreview();
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  async refreshPreview(): Promise<void> {
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    const { include_sub_accounts, ...rest } = this.def;
    try {
      this.preview = await this.client.metricPreview(this.connectionId!, { ...rest, include_sub_accounts: String(include_sub_accounts) }, abort.signal);
    } catch (error) {
      if (!abort.signal.aborted) this.error = (error as Error).message;
    }
  }

  #set(change: Partial<MetricPicker['def']>): void {
    this.def = { ...this.def, ...change };
    if (change.dataset) this.def = { ...this.def, line: change.dataset === 'balance_sheet' ? 'total:cash' : 'total:revenue', aggregation: change.dataset === 'balance_sheet' ? 'last' : 'sum' };
    void this.refreshPreview();
  }

  #money(value: number): string {
    const currency = this.preview?.currency ?? this.data?.currency;
    return new Intl.NumberFormat(this.locale, currency ? { style: 'currency', currency } : { maximumFractionDigits: 2 }).format(value);
  }

  #lineName(): string {
    const d = this.data;
    return d?.totals.find((t) => t.line === this.def.line)?.name ?? d?.accounts.find((a) => a.id === this.def.line)?.name ?? this.def.line;
  }

  async #submit(event: Event): Promise<void> {
    event.preventDefault();
    const currency = this.preview?.currency ?? this.data?.currency;
    if (!currency || !this.connectionId) return;
    // One save at a time: a second Enter while the first is on its way would define the metric twice.
    if (this.saving) return;
    const definition: MetricDefinition = { ...this.def, name: this.name.trim() || this.#lineName(), currency };
    this.saving = true;
    this.saved = '';
    try {
      const metric = this.save ? await this.client.createMetric(this.connectionId, definition) : undefined;
      this.error = '';
      if (metric) {
        this.saved = `Saved “${metric.name}”.`;
        this.#announcer.say(this.saved);
      }
      this.emit<MetricSelectEventDetail>('ledgerlink-metric-select', { connection_id: this.connectionId, definition, ...(metric ? { metric } : {}) });
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.saving = false;
    }
  }

  #options() {
    const d = this.data!;
    const q = this.query.trim().toLowerCase();
    const hit = (name: string) => !q || name.toLowerCase().includes(q);
    const accounts = d.accounts.filter((a) => a.dataset === this.def.dataset);
    const groups = new Map<string, [Account, number][]>();
    for (const [a, depth] of tree(accounts)) {
      if (!hit(a.name)) continue;
      const key = a.classification ?? 'Accounts';
      groups.set(key, [...(groups.get(key) ?? []), [a, depth]]);
    }
    const totals = d.totals.filter((t) => t.dataset === this.def.dataset && hit(t.name));
    return html`${totals.length ? html`<optgroup label="Report totals">${totals.map((t) => html`<option value=${t.line} ?selected=${t.line === this.def.line}>${t.name}</option>`)}</optgroup>` : nothing}
    ${[...groups].map(([label, rows]) => html`<optgroup label=${label}>${rows.map(([a, depth]) => html`<option value=${a.id} ?selected=${a.id === this.def.line}>${'\u00a0\u00a0'.repeat(depth)}${a.name}${a.active ? '' : ' (inactive)'}</option>`)}</optgroup>`)}`;
  }

  #select(id: string, label: string, key: 'dataset' | 'aggregation' | 'period' | 'accounting_method', values: string[]) {
    return html`<label for=${id}>${label}</label>
      <select id=${id} @change=${(e: Event) => this.#set({ [key]: (e.target as HTMLSelectElement).value })}>
        ${values.map((v) => html`<option value=${v} ?selected=${this.def[key] === v}>${LABELS[v]}</option>`)}
      </select>`;
  }

  #chart() {
    const values = this.preview?.values ?? [];
    if (values.length === 0) return nothing;
    const max = Math.max(...values.map((v) => Math.abs(v.value)), 1);
    const w = 100 / values.length;
    const label = values.map((v) => `${v.period}: ${this.#money(v.value)}`).join(', ');
    return svg`<svg part="chart" viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label=${`Last ${values.length} periods: ${label}`}>
      <line x1="0" x2="100" y1="20" y2="20" class="axis"></line>
      ${values.map((v, i) => {
        const h = (Math.abs(v.value) / max) * 19;
        return svg`<rect x=${i * w + w * 0.15} width=${w * 0.7} y=${v.value >= 0 ? 20 - h : 20} height=${h} class=${v.value < 0 ? 'neg' : ''}></rect>`;
      })}
    </svg>`;
  }

  #notes() {
    const d = this.data!;
    const notes: string[] = [];
    const status = this.preview?.status ?? d.status;
    if (status === 'not_imported') notes.push('QuickBooks figures are not imported yet: they appear after the first sync.');
    if (status === 'stale') notes.push('This company is disconnected: these are its last figures and they no longer update. Reconnect to resume.');
    const set = d.datasets.find((s) => s.dataset === this.def.dataset && s.accounting_method === this.def.accounting_method);
    const diff = set?.differences[0];
    if (set && !set.verified) notes.push(`Unverified: QuickBooks' report lines do not add up${diff ? ` in ${diff.section} for ${diff.period.slice(0, 7)} (total ${diff.expected}, lines ${diff.found})` : ''}. Figures may not be exact.`);
    return notes.map((n) => html`<p part="status" class="note" role="status">${n}</p>`);
  }

  override render() {
    if (!this.data) return this.error ? html`<p class="note" role="alert">${this.error}</p>` : html`<p class="bone" aria-busy="true">Loading QuickBooks data…</p>`;
    const hasSubs = this.data.accounts.some((a) => a.parent_id === this.def.line);
    const latest = this.preview?.values.at(-1);
    return html`<form part="form" @submit=${this.#submit}>
      <div class="fields">
        ${this.#select('dataset', 'Dataset', 'dataset', ['profit_and_loss', 'balance_sheet'])}
        <label for="search">Find an account or total</label>
        <input id="search" type="search" autocomplete="off" .value=${this.query} @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)} />
        <label for="line">Account or total</label>
        <select id="line" size="8" class="tree" @change=${(e: Event) => this.#set({ line: (e.target as HTMLSelectElement).value })}>${this.#options()}</select>
        ${hasSubs
          ? html`<label class="check"><input type="checkbox" .checked=${this.def.include_sub_accounts} @change=${(e: Event) => this.#set({ include_sub_accounts: (e.target as HTMLInputElement).checked })} /> Include sub-accounts</label>`
          : nothing}
        ${this.#select('aggregation', 'Aggregation', 'aggregation', ['sum', 'last', 'average'])}
        ${this.#select('period', 'Period', 'period', ['month', 'quarter', 'year', 'trailing_12_months'])}
        ${this.#select('method', 'Accounting method', 'accounting_method', ['accrual', 'cash'])}
        ${this.save ? html`<label for="name">Metric name</label><input id="name" maxlength="120" .value=${this.name} placeholder=${this.#lineName()} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} />` : nothing}
      </div>
      <section part="preview" class="preview" aria-live="polite" aria-label="Preview">
        <p class="label">${this.#lineName()}${latest ? ` · ${latest.period}` : ''}</p>
        <p class="value">${latest ? this.#money(latest.value) : '—'}</p>
        ${this.#chart()} ${this.#notes()}
      </section>
      ${this.error ? html`<p class="note" role="alert">${this.error}</p>` : nothing}
      ${this.saved ? html`<p class="note">${this.saved}</p>` : nothing}${this.#announcer.render()}
      <button class="button primary" type="submit" aria-disabled=${this.saving ? 'true' : 'false'}>${this.saving ? 'Saving…' : this.save ? 'Save metric' : 'Use this metric'}</button>
    </form>`;
  }
}
