import { html, nothing, svg } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { PropertyValues } from 'lit';
import type { AvailableData, CreateMetric, Metric, MetricPreview } from '../../shared/api/metrics.ts';
import { aggregationProblem } from '../../shared/metrics/choices.ts';
import { buttonStyles, controlStyles } from '../base/controls.styles.ts';
import { Announcer } from '../base/announcer.ts';
import { LedgerlinkApiError } from '../base/bff-client.ts';
import { ConnectionsController, type ConnectionsState } from '../base/connection-store.ts';
import { LedgerlinkElement } from '../base/ledgerlink-element.ts';
import { capabilityNote, permissionNote, permissionNoteStyles, roleCan } from '../base/permission-note.ts';
import { buildTree, typeAhead, visibleNodes, type VisibleNode } from './account-tree.ts';
import { pickerStyles } from './metric-picker.styles.ts';
import { partialWords, periodName } from './period-label.ts';

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

/** The inputs a problem can belong to: it is shown beside that input and goes when the input changes. */
type Field = 'dataset' | 'line' | 'include_sub_accounts' | 'aggregation' | 'period' | 'accounting_method' | 'name' | 'currency';
const FIELDS: readonly Field[] = ['dataset', 'line', 'include_sub_accounts', 'aggregation', 'period', 'accounting_method', 'name', 'currency'];

/** Something to tell the user: from which step, and about which input (null: the whole form). */
interface Problem {
  from: 'load' | 'preview' | 'save' | 'check';
  field: Field | null;
  message: string;
}

/** The input an API error names (details.field, else the first of details.issues): "body.line" → line. */
function fieldOf(error: unknown): Field | null {
  const details = error instanceof LedgerlinkApiError ? error.details : undefined;
  const issues = details?.['issues'];
  const named = details?.['field'] ?? (Array.isArray(issues) ? (issues[0] as { field?: unknown } | undefined)?.field : undefined);
  const field = typeof named === 'string' ? named.replace(/^(body|query)\./, '') : '';
  return (FIELDS as readonly string[]).includes(field) ? (field as Field) : null;
}

/** The API's message in plain words: "query.aggregation: A Balance Sheet …" reads "A Balance Sheet …" beside its input. */
function plainMessage(error: unknown): string {
  const message = (error as Error).message.replace(/^(?:body|query|path)\.[\w.]+: /, '');
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/**
 * `<metric-picker>`: builds a metric from a QuickBooks company's financial datasets: a dataset, then an account
 * (sub-accounts nested under their parents) or a report total from a searchable tree (the ARIA tree pattern:
 * arrows, Home/End, Left/Right to close and open, Enter or Space to choose, type-ahead), the aggregation, period and
 * accounting method, with a live preview of the latest value (the company's currency, the user's locale) and a
 * chart of the last 12 periods. Says when the data is not imported yet, stale (disconnected) or unverified, and when
 * the latest period is not over ("to date"). A problem shows beside the input it is about and goes once that input
 * changes; a server error goes once a preview or save succeeds.
 *
 * @attr connection-id - Required. The QuickBooks connection whose datasets are used.
 * @attr save - When present, "Use this metric" also saves it through the API (managers only).
 * @attr name - Default name of the metric.
 * @attr locale - Number and date locale (default: the browser's).
 * @fires ledgerlink-metric-select - {connection_id, definition, metric?} when the user confirms a metric.
 * @csspart form - The form. @csspart preview - The value and chart. @csspart chart - The SVG chart. @csspart status - Notes on the data.
 */
export class MetricPicker extends LedgerlinkElement {
  static override styles = [...LedgerlinkElement.styles, buttonStyles, controlStyles, permissionNoteStyles, pickerStyles];

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
    problems: { state: true },
    collapsed: { state: true },
    focusKey: { state: true },
    saving: { state: true },
    saved: { state: true },
    adjusted: { state: true },
  };

  declare connectionId: string | undefined;
  declare save: boolean;
  declare name: string;
  declare locale: string | undefined;
  declare data: AvailableData | undefined;
  declare preview: MetricPreview | undefined;
  declare def: Omit<CreateMetric, 'name' | 'currency'>;
  declare query: string;
  declare problems: Problem[];
  /** Tree nodes the user closed (all are open at first, as the whole chart used to show). */
  declare collapsed: ReadonlySet<string>;
  /** The tree node that holds the tree's one tab stop (roving tabindex). */
  declare focusKey: string | undefined;
  declare saving: boolean;
  declare saved: string;
  /** Why the picker changed a choice by itself (a period that a Balance Sheet sum does not fit), until the next change. */
  declare adjusted: string;
  /** The period type the shown preview was computed for (its labels), which may trail `def` while a preview loads. */
  #previewPeriod: MetricDefinition['period'] = 'month';
  /**
   * The page's shared connection state (with <qbo-connect> and <client-sync-status>): a disconnect or reconnect
   * anywhere on the page shows here at once, and the role decides Save by the BFF's own rule.
   */
  #connections = new ConnectionsController(
    this,
    // Only once there is a connection to show: the page's state is read for it alone.
    () => (this.connectionId ? this.connectionStore() : undefined),
    (previous, next) => this.#stateChanged(previous, next),
    () => ({ connections: this.connectionId ?? 'all', sync: false }),
  );
  #abort: AbortController | undefined;
  #announcer = new Announcer(this);
  #loadedFor: string | undefined;
  #typed = '';
  #typedAt = 0;

  constructor() {
    super();
    this.save = false;
    this.name = '';
    this.query = '';
    this.problems = [];
    this.collapsed = new Set();
    this.saving = false;
    this.saved = '';
    this.adjusted = '';
    this.def = { dataset: 'profit_and_loss', line: 'total:revenue', include_sub_accounts: true, aggregation: 'sum', period: 'month', accounting_method: 'accrual' };
  }

  protected override sessionChanged(): void {
    this.#connections.rebind();
    void this.load();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.hasUpdated && changed.has('connectionId')) this.#connections.rebind();
  }

  /** The connection's status as the page knows it now (undefined until the shared state has it). */
  get #pageStatus(): string | undefined {
    return this.connectionId ? this.#connections.state.entries.find((entry) => entry.connection.id === this.connectionId)?.connection.status : undefined;
  }

  /**
   * not_imported, current or stale: the page's connection state first (a Disconnect in <qbo-connect> makes the
   * figures stale at once, a reconnect current again), else what the BFF last answered.
   */
  get #status(): AvailableData['status'] | undefined {
    const answered = this.preview?.status ?? this.data?.status;
    const page = this.#pageStatus;
    if (page === undefined) return answered;
    if (page !== 'connected') return 'stale';
    return answered === 'stale' ? 'current' : answered;
  }

  /** A change of the connection anywhere on the page: read the figures again (stale while disconnected, fresh after a reconnect). */
  #stateChanged(previous: ConnectionsState, next: ConnectionsState): void {
    const id = this.connectionId;
    if (!id || !this.data) return;
    const before = previous.entries.find((entry) => entry.connection.id === id)?.connection.status;
    const after = next.entries.find((entry) => entry.connection.id === id)?.connection.status;
    if (before !== undefined && before !== after) void this.load();
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
      this.#drop((p) => p.from === 'load');
      // The first figures arrive shortly after the first sync: look again until they do.
      if (this.data.status === 'not_imported') setTimeout(() => this.isConnected && void this.load(), 5000);
      await this.refreshPreview();
    } catch (error) {
      this.#report('load', error);
    }
  }

  /** The error an API call answered, replacing the earlier one from the same step. */
  #report(from: Problem['from'], error: unknown): void {
    this.problems = [...this.problems.filter((p) => p.from !== from), { from, field: fieldOf(error), message: plainMessage(error) }];
  }

  #drop(gone: (problem: Problem) => boolean): void {
    if (this.problems.some(gone)) this.problems = this.problems.filter((p) => !gone(p));
  }

  #problem(field: Field): Problem | undefined {
    return this.problems.find((p) => p.field === field);
  }

  async refreshPreview(): Promise<void> {
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    const { include_sub_accounts, ...rest } = this.def;
    try {
      const preview = await this.client.metricPreview(this.connectionId!, { ...rest, include_sub_accounts: String(include_sub_accounts) }, abort.signal);
      if (abort.signal.aborted) return;
      this.#previewPeriod = rest.period;
      this.preview = preview;
      // The server accepts the definition as it is now: what it refused before about it is out of date. A refused
      // name or currency stays: a preview does not look at them, only the next save (or editing the name) does.
      if (!abort.signal.aborted) this.#drop((p) => p.from === 'load' || p.from === 'preview' || (p.from === 'save' && p.field !== 'name' && p.field !== 'currency'));
    } catch (error) {
      if (abort.signal.aborted) return;
      // The figures shown were for another choice: never leave them beside one the server refused.
      this.preview = undefined;
      this.#report('preview', error);
    }
  }

  #set(change: Partial<MetricPicker['def']>): void {
    this.def = { ...this.def, ...change };
    const changed = new Set(Object.keys(change));
    if (change.dataset) {
      this.def = { ...this.def, line: change.dataset === 'balance_sheet' ? 'total:cash' : 'total:revenue', aggregation: change.dataset === 'balance_sheet' ? 'last' : 'sum' };
      changed.add('line').add('aggregation');
      this.focusKey = undefined;
    }
    // A choice the API refuses is never sent: a period a Balance Sheet sum does not fit switches to Last, saying so.
    this.adjusted = '';
    const problem = aggregationProblem(this.def);
    if (problem && !change.aggregation) {
      this.def = { ...this.def, aggregation: 'last' };
      changed.add('aggregation');
      this.adjusted = `Aggregation is now ${LABELS['last']}. ${problem}`;
      this.#announcer.say(this.adjusted);
    }
    // A problem with an input is gone once that input changes.
    this.#drop((p) => p.field !== null && changed.has(p.field));
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
    if (this.saving || this.#blocked) return;
    if (!this.#lineExists()) {
      this.problems = [...this.problems.filter((p) => p.from !== 'check'), { from: 'check', field: 'line', message: 'Choose an account or a report total.' }];
      await this.updateComplete;
      this.shadowRoot?.querySelector<HTMLElement>('[role=treeitem][tabindex="0"]')?.focus();
      return;
    }
    const definition: MetricDefinition = { ...this.def, name: this.name.trim() || this.#lineName(), currency };
    this.saving = true;
    this.saved = '';
    try {
      const metric = this.save ? await this.client.createMetric(this.connectionId, definition) : undefined;
      this.problems = [];
      if (metric) {
        this.saved = `Saved “${metric.name}”.`;
        this.#announcer.say(this.saved);
      }
      this.emit<MetricSelectEventDetail>('ledgerlink-metric-select', { connection_id: this.connectionId, definition, ...(metric ? { metric } : {}) });
    } catch (error) {
      this.#report('save', error);
    } finally {
      this.saving = false;
    }
  }

  /**
   * Why the button does nothing now, with the id of the text that says so: a role outside connect_roles cannot
   * save (the BFF's rule, shown as the lock note every component uses), and a disconnected company's figures no
   * longer update, so no metric is taken from it until it is reconnected.
   */
  get #blocked(): { id: string; reason: string; lock: boolean } | undefined {
    if (this.#status === 'stale') {
      return { id: 'stale-note', lock: false, reason: `Reconnect this company to ${this.save ? 'save' : 'use'} a metric from it: while it is disconnected its figures do not update.` };
    }
    const state = this.#connections.state;
    if (this.save && state.session && state.settings && !roleCan(state, 'manage')) {
      return { id: 'permission-save', lock: true, reason: capabilityNote(state.settings, 'manage', 'define metrics', this.locale) };
    }
    return undefined;
  }

  /** The chosen line is a total or account of the chosen dataset (a reload may have dropped it). */
  #lineExists(): boolean {
    const d = this.data;
    return Boolean(d && (d.totals.some((t) => t.line === this.def.line && t.dataset === this.def.dataset) || d.accounts.some((a) => a.id === this.def.line && a.dataset === this.def.dataset)));
  }

  #shown(): VisibleNode[] {
    // The chosen line stays shown (and selected) while a search would hide it: what the preview and Save use is in view.
    return visibleNodes(buildTree(this.data!, this.def.dataset), (key) => !this.collapsed.has(key), this.query, this.def.line);
  }

  #toggle(key: string, open: boolean): void {
    const next = new Set(this.collapsed);
    if (open) next.delete(key);
    else next.add(key);
    this.collapsed = next;
  }

  async #focusNode(key: string): Promise<void> {
    this.focusKey = key;
    await this.updateComplete;
    this.shadowRoot?.querySelector<HTMLElement>(`[role=treeitem][data-key="${CSS.escape(key)}"]`)?.focus();
  }

  #choose(item: VisibleNode): void {
    if (item.node.line !== null) {
      if (item.node.line !== this.def.line) this.#set({ line: item.node.line });
    } else if (item.branch && !this.query.trim()) this.#toggle(item.node.key, this.collapsed.has(item.node.key));
  }

  /** The tree's keys (WAI-ARIA APG tree view): a key the tree handles never scrolls the page or submits the form. */
  #treeKey(event: KeyboardEvent): void {
    const shown = this.#shown();
    const key = (event.target as HTMLElement).closest<HTMLElement>('[role=treeitem]')?.dataset['key'];
    const index = shown.findIndex((item) => item.node.key === key);
    const item = shown[index];
    if (!item) return;
    const open = item.branch && (Boolean(this.query.trim()) || !this.collapsed.has(item.node.key));
    const go = (target: number) => shown[target] && void this.#focusNode(shown[target]!.node.key);
    let handled = true;
    switch (event.key) {
      case 'ArrowDown': go(index + 1); break;
      case 'ArrowUp': go(index - 1); break;
      case 'Home': go(0); break;
      case 'End': go(shown.length - 1); break;
      case 'ArrowRight':
        if (item.branch && !open) this.#toggle(item.node.key, true);
        else if (item.branch) go(index + 1);
        break;
      case 'ArrowLeft':
        if (item.branch && open && !this.query.trim()) this.#toggle(item.node.key, false);
        else if (item.parentKey) void this.#focusNode(item.parentKey);
        break;
      case 'Enter':
      case ' ':
        this.#choose(item);
        break;
      default:
        handled = event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey && this.#typeAhead(shown, index, event.key);
    }
    if (handled) event.preventDefault();
  }

  /** Letters move to the next item whose name starts with what was typed in the last half second. */
  #typeAhead(shown: VisibleNode[], index: number, char: string): boolean {
    const now = Date.now();
    this.#typed = now - this.#typedAt < 500 ? this.#typed + char : char;
    this.#typedAt = now;
    // The same letter again cycles through the items starting with it; a longer prefix keeps refining from here.
    const repeated = [...this.#typed].every((c) => c === this.#typed[0]);
    const found = repeated ? typeAhead(shown, index, char) : typeAhead(shown, index - 1, this.#typed);
    if (found >= 0) void this.#focusNode(shown[found]!.node.key);
    return true;
  }

  #tree() {
    const shown = this.#shown();
    const problem = this.#problem('line');
    if (shown.length === 0) return html`<p id="line" class="empty" role="status">No account or total matches “${this.query.trim()}”.</p>`;
    const selected = shown.find((item) => item.node.line === this.def.line);
    const q = this.query.trim().toLowerCase();
    const hidden = q && selected && !selected.node.name.toLowerCase().includes(q);
    const matches = q ? shown.filter((item) => item.node.line !== null && item.node.name.toLowerCase().includes(q)).length : 1;
    const tabStop = shown.find((item) => item.node.key === this.focusKey) ?? selected ?? shown[0]!;
    return html`<ul id="line" role="tree" class="tree" aria-labelledby="line-label" aria-invalid=${problem ? 'true' : nothing} aria-describedby=${problem ? 'line-error' : nothing} @keydown=${this.#treeKey}>
      ${repeat(
        shown,
        (item) => item.node.key,
        (item) => {
          const open = item.branch && (Boolean(this.query.trim()) || !this.collapsed.has(item.node.key));
          return html`<li
            role="treeitem"
            data-key=${item.node.key}
            class=${item.node.line === null ? 'heading' : ''}
            style="--level: ${item.level}"
            tabindex=${item === tabStop ? '0' : '-1'}
            aria-level=${item.level}
            aria-setsize=${item.setSize}
            aria-posinset=${item.posInSet}
            aria-expanded=${item.branch ? String(open) : nothing}
            aria-selected=${item.node.line === null ? nothing : String(item.node.line === this.def.line)}
            @focus=${() => (this.focusKey = item.node.key)}
            @click=${(event: Event) => {
              event.stopPropagation();
              void this.#focusNode(item.node.key);
              if ((event.target as HTMLElement).classList.contains('twisty') && item.branch && !this.query.trim()) this.#toggle(item.node.key, !open);
              else this.#choose(item);
            }}
          ><span class="twisty" aria-hidden="true">${item.branch ? (open ? '▾' : '▸') : ''}</span><span class="name">${item.node.name}${item.node.inactive ? ' (inactive)' : ''}</span></li>`;
        },
      )}
    </ul>
    ${hidden ? html`<p class="hint" id="line-hint">${matches === 0 ? `No account or total matches “${this.query.trim()}”. ` : ''}“${selected.node.name}” stays chosen though it does not match the search.</p>` : nothing}`;
  }

  /** An input's problem, beside it (the input points at it with aria-describedby). */
  #fieldProblem(field: Field) {
    const problem = this.#problem(field);
    return problem ? html`<p id=${`${field}-error`} class="note field-error" role="alert">${problem.message}</p>` : nothing;
  }

  #select(id: string, label: string, key: 'dataset' | 'aggregation' | 'period' | 'accounting_method', values: string[]) {
    const problem = this.#problem(key);
    // Aggregations the API refuses for this dataset and period are shown disabled, with the reason beside the list.
    const refused = key === 'aggregation' ? values.map((v) => [v, aggregationProblem({ ...this.def, aggregation: v as MetricDefinition['aggregation'] })] as const).filter(([, why]) => why) : [];
    const note = this.adjusted && key === 'aggregation' ? this.adjusted : refused.length > 0 ? `${refused.map(([v]) => LABELS[v]).join(', ')} is not offered. ${refused[0]![1]}` : '';
    const describedBy = [problem ? `${key}-error` : '', note ? `${key}-hint` : ''].filter(Boolean).join(' ');
    return html`<label for=${id}>${label}</label>
      <select id=${id} aria-invalid=${problem ? 'true' : nothing} aria-describedby=${describedBy || nothing} @change=${(e: Event) => this.#set({ [key]: (e.target as HTMLSelectElement).value })}>
        ${values.map((v) => html`<option value=${v} ?selected=${this.def[key] === v} ?disabled=${refused.some(([r]) => r === v)}>${LABELS[v]}</option>`)}
      </select>
      ${note ? html`<p class="hint" id=${`${key}-hint`}>${note}</p>` : nothing} ${this.#fieldProblem(key)}`;
  }

  /** A value's period in the user's locale, with why it is partial: "Q4 2024 (Dec only: the window starts in Dec 2024)". */
  #periodLabel(value: MetricPreview['values'][number]): string {
    const why = partialWords(value, this.def.dataset, this.locale);
    return `${periodName(value.period, this.#previewPeriod, this.locale)}${why ? ` (${why})` : ''}`;
  }

  #chart() {
    const values = this.preview?.values ?? [];
    if (values.length === 0) return nothing;
    const max = Math.max(...values.map((v) => Math.abs(v.value)), 1);
    const w = 100 / values.length;
    const label = values.map((v) => `${this.#periodLabel(v)}: ${this.#money(v.value)}`).join(', ');
    const partial = values.filter((v) => v.partial.length > 0);
    return html`${svg`<svg class="chart" part="chart" viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label=${`Last ${values.length} periods: ${label}`}>
      <line x1="0" x2="100" y1="20" y2="20" class="axis"></line>
      ${values.map((v, i) => {
        const h = (Math.abs(v.value) / max) * 19;
        return svg`<rect x=${i * w + w * 0.15} width=${w * 0.7} y=${v.value >= 0 ? 20 - h : 20} height=${h} class=${`${v.value < 0 ? 'neg' : ''} ${v.partial.length > 0 ? 'partial' : ''}`}></rect>`;
      })}
    </svg>`}
    ${partial.length > 0 ? html`<p class="legend" aria-hidden="true">Faded bars are partial periods: ${partial.map((v) => this.#periodLabel(v)).join('; ')}.</p>` : nothing}`;
  }

  #notes() {
    const d = this.data!;
    const notes: string[] = [];
    const status = this.#status;
    if (status === 'not_imported') notes.push('QuickBooks figures are not imported yet: they appear after the first sync.');
    if (status === 'stale') notes.push('This company is disconnected: these are its last figures and they no longer update. Reconnect to resume.');
    const set = d.datasets.find((s) => s.dataset === this.def.dataset && s.accounting_method === this.def.accounting_method);
    const diff = set?.differences[0];
    if (set && !set.verified) {
      // A refused answer (Header.*) is not a sum that is off: QuickBooks answered another report than the one asked for.
      const where = !diff
        ? ''
        : diff.section.startsWith('Header.')
          ? `: for ${diff.period.slice(0, 7)} QuickBooks answered ${diff.section.slice(7)} ${diff.found} where ${diff.expected} was asked, so those months are not shown`
          : `: report lines do not add up in ${diff.section} for ${diff.period.slice(0, 7)} (total ${diff.expected}, lines ${diff.found})`;
      notes.push(`Unverified${where}. Figures may not be exact.`);
    }
    // Only figures that still update "will change": a disconnected company's stay as they are until a reconnect.
    const latest = this.preview?.values.at(-1);
    if (latest?.to_date && status !== 'stale') notes.push(`${periodName(latest.period, this.#previewPeriod, this.locale)} is not over yet, so its figure will change.`);
    return notes.map((n) => html`<p part="status" class="note" role="status">${n}</p>`);
  }

  override render() {
    const general = (fields: readonly Field[]) =>
      this.problems.filter((p) => p.field === null || !fields.includes(p.field)).map((p) => html`<p class="note" role="alert">${p.message}</p>`);
    if (!this.data) return this.problems.length > 0 ? general([]) : html`<p class="bone" aria-busy="true">Loading QuickBooks data…</p>`;
    const hasSubs = this.data.accounts.some((a) => a.parent_id === this.def.line);
    const latest = this.preview?.values.at(-1);
    const shown: Field[] = ['dataset', 'line', 'aggregation', 'period', 'accounting_method', ...(hasSubs ? (['include_sub_accounts'] as const) : []), ...(this.save ? (['name'] as const) : [])];
    const nameProblem = this.#problem('name');
    const blocked = this.#blocked;
    return html`<form part="form" @submit=${this.#submit}>
      <div class="fields">
        ${this.#select('dataset', 'Dataset', 'dataset', ['profit_and_loss', 'balance_sheet'])}
        <label for="search">Find an account or total</label>
        <input id="search" type="search" autocomplete="off" aria-controls="line" .value=${this.query} @input=${this.#search} @keydown=${this.#searchKey} />
        <span id="line-label" class="label-text">Account or total</span>
        ${this.#tree()} ${this.#fieldProblem('line')}
        ${hasSubs
          ? html`<label class="check"><input type="checkbox" .checked=${this.def.include_sub_accounts} @change=${(e: Event) => this.#set({ include_sub_accounts: (e.target as HTMLInputElement).checked })} /> Include sub-accounts</label>
              ${this.#fieldProblem('include_sub_accounts')}`
          : nothing}
        ${this.#select('aggregation', 'Aggregation', 'aggregation', ['sum', 'last', 'average'])}
        ${this.#select('period', 'Period', 'period', ['month', 'quarter', 'year', 'trailing_12_months'])}
        ${this.#select('method', 'Accounting method', 'accounting_method', ['accrual', 'cash'])}
        ${this.save
          ? html`<label for="name">Metric name</label
              ><input id="name" maxlength="120" .value=${this.name} placeholder=${this.#lineName()} aria-invalid=${nameProblem ? 'true' : nothing} aria-describedby=${nameProblem ? 'name-error' : nothing} @input=${this.#nameInput} />
              ${this.#fieldProblem('name')}`
          : nothing}
      </div>
      <section part="preview" class="preview" aria-live="polite" aria-label="Preview">
        <p class="label">${this.#lineName()}${latest ? ` · ${this.#periodLabel(latest)}` : ''}</p>
        <p class="value">${latest ? this.#money(latest.value) : '—'}</p>
        ${!this.preview && this.problems.some((p) => p.from === 'preview') ? html`<p class="hint">No figures for this choice: what is wrong is shown beside the field.</p>` : nothing}
        ${this.#chart()} ${this.#notes()}
      </section>
      ${general(shown)}
      ${this.saved ? html`<p class="saved">${this.saved}</p>` : nothing}${this.#announcer.render()}
      <div class="actions">
        ${blocked ? (blocked.lock ? permissionNote(blocked.id, blocked.reason) : html`<p class="hint" id=${blocked.id}>${blocked.reason}</p>`) : nothing}
        <button class="button primary" type="submit" aria-disabled=${this.saving || blocked ? 'true' : 'false'} aria-describedby=${blocked?.id ?? nothing}>${this.saving ? 'Saving…' : this.save ? 'Save metric' : 'Use this metric'}</button>
      </div>
    </form>`;
  }

  #search = (event: Event): void => {
    this.query = (event.target as HTMLInputElement).value;
    const q = this.query.trim().toLowerCase();
    if (!q || !this.data) return;
    const count = this.#shown().filter((item) => item.node.line !== null && item.node.name.toLowerCase().includes(q)).length;
    this.#announcer.say(count === 0 ? 'No account or total matches.' : `${count} ${count === 1 ? 'match' : 'matches'}.`);
  };

  /** Down from the search box goes into the tree, as from a combobox to its list. */
  #searchKey = (event: KeyboardEvent): void => {
    if (event.key !== 'ArrowDown') return;
    const stop = this.shadowRoot?.querySelector<HTMLElement>('[role=treeitem][tabindex="0"]');
    if (!stop) return;
    event.preventDefault();
    stop.focus();
  };

  #nameInput = (event: Event): void => {
    this.name = (event.target as HTMLInputElement).value;
    this.#drop((p) => p.field === 'name');
  };
}
