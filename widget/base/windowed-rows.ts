import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { scrollToReveal, visibleRange, type RowRange } from '../client-sync-status/row-window.ts';

export interface WindowedRowsOptions {
  /** Selectors inside the host's render root. */
  scroller: string;
  row: string;
  header: string;
  /** Until measured: the styles' defaults. */
  rowHeight: number;
  headerHeight: number;
  /**
   * Rows whose text wraps (a long reason on a narrow card) differ in height: every row gets the slot of the tallest
   * one rendered, measured without the `min-height` the host sets on each row to that slot. Without it the first
   * row's height is every row's.
   */
  wrapping?: boolean;
}

/**
 * Keeps a fixed-row-height grid windowed: which rows to render for the scroll position (row-window.ts does the
 * maths), re-measured after each render so a themed `--ll-…-row-height` is followed, and scrolling to reveal a row
 * for keyboard moves. The host renders `indexes(active)` with `translateY(index * rowHeight)`.
 *
 * Shared by the list components. Rows may change height with the component's width (container queries turn
 * one-line rows into two-line rows or stacked cards), so a resize of the scroller measures the rows again.
 */
export class WindowedRows implements ReactiveController {
  range: RowRange = { start: 0, end: 0 };
  rowHeight: number;
  #count = 0;
  #headerHeight: number;
  #viewport = 520;
  #resize: ResizeObserver | undefined;
  #observed: HTMLElement | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & { renderRoot: ParentNode },
    private readonly options: WindowedRowsOptions,
  ) {
    this.rowHeight = options.rowHeight;
    this.#headerHeight = options.headerHeight;
    host.addController(this);
  }

  hostUpdated(): void {
    this.#observe();
    this.#measure();
  }

  hostDisconnected(): void {
    this.#resize?.disconnect();
    this.#observed = undefined;
  }

  get scroller(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>(this.options.scroller);
  }

  /** Rows per screen, less one, for Page Up/Down. */
  get page(): number {
    return Math.max(1, Math.floor(this.#bodyViewport / this.rowHeight) - 1);
  }

  /**
   * Where a grid's arrow, Page and Home/End keys go from row `index` of `count`, clamped to the rows; undefined for
   * any other key (Enter, Space, letters are each grid's own).
   */
  target(key: string, index: number, count: number): number | undefined {
    const next =
      key === 'ArrowDown' ? index + 1
      : key === 'ArrowUp' ? index - 1
      : key === 'PageDown' ? index + this.page
      : key === 'PageUp' ? index - this.page
      : key === 'Home' ? 0
      : key === 'End' ? count - 1
      : undefined;
    return next === undefined ? undefined : Math.max(0, Math.min(count - 1, next));
  }

  /** The number of rows changed (a filter, a new section): recompute the window. Safe to call in willUpdate. */
  setCount(count: number): void {
    this.#count = count;
    this.update();
  }

  /** Back to the top, e.g. when another section is shown. */
  reset(): void {
    const scroller = this.scroller;
    if (scroller) scroller.scrollTop = 0;
    this.update();
  }

  onScroll = (): void => this.update();

  update(): void {
    const range = visibleRange(this.scroller?.scrollTop ?? 0, this.#bodyViewport, this.rowHeight, this.#count);
    if (range.start !== this.range.start || range.end !== this.range.end) {
      this.range = range;
      this.host.requestUpdate();
    }
  }

  /** Scrolls just enough to show row `index` whole. */
  reveal(index: number): void {
    const scroller = this.scroller;
    if (!scroller) return;
    const top = scrollToReveal(index, scroller.scrollTop, this.#bodyViewport, this.rowHeight);
    if (top !== undefined) scroller.scrollTop = top;
    this.update();
  }

  /** The rows in the window, plus the active row wherever it is, so keyboard focus is never dropped by scrolling. */
  indexes(active: number): number[] {
    const { start, end } = this.range;
    const indexes: number[] = [];
    for (let i = start; i < Math.min(end, this.#count); i += 1) indexes.push(i);
    if (active >= 0 && active < this.#count && (active < start || active >= end)) {
      indexes.push(active);
      indexes.sort((a, b) => a - b);
    }
    return indexes;
  }

  get #bodyViewport(): number {
    return Math.max(this.rowHeight, this.#viewport - this.#headerHeight);
  }

  #observe(): void {
    const scroller = this.scroller ?? undefined;
    if (scroller === this.#observed) return;
    this.#resize ??= new ResizeObserver(() => {
      const current = this.scroller;
      if (!current) return;
      this.#viewport = current.clientHeight || this.#viewport;
      // A width change can switch rows to cards (a container query) and so change their height; measured in the
      // next frame, as changing layout inside a ResizeObserver callback loops it.
      requestAnimationFrame(() => this.#measure());
      this.update();
    });
    this.#resize.disconnect();
    this.#observed = scroller;
    if (scroller) this.#resize.observe(scroller);
  }

  #measure(): void {
    const header = this.host.renderRoot.querySelector<HTMLElement>(this.options.header);
    if (header && header.offsetHeight > 0) this.#headerHeight = header.offsetHeight;
    const height = this.options.wrapping ? this.#tallest() : (this.host.renderRoot.querySelector<HTMLElement>(this.options.row)?.offsetHeight ?? 0);
    if (height > 0 && height !== this.rowHeight) {
      this.rowHeight = height;
      this.host.requestUpdate();
      this.update();
    }
  }

  /** The natural height of the tallest rendered row: its own min-height (the current slot) lifted while measuring. */
  #tallest(): number {
    let tallest = 0;
    for (const row of this.host.renderRoot.querySelectorAll<HTMLElement>(this.options.row)) {
      const slot = row.style.minHeight;
      row.style.minHeight = '';
      tallest = Math.max(tallest, row.offsetHeight);
      row.style.minHeight = slot;
    }
    return tallest;
  }
}
