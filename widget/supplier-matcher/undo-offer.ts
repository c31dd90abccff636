import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';

/**
 * The notice after an action ("Linked 3 suppliers.") with its Undo, offered for `duration()` ms and then gone.
 * It stays while focus is inside it or the pointer rests on it, and leaves once they do: it is rendered in the
 * flow under the grid, never over rows, so a pointer working down the list never rests on it by accident. One
 * offer at a time; a new action replaces the previous offer.
 */
export class UndoOffer implements ReactiveController {
  /** The sentence shown; undefined while nothing is offered. */
  text: string | undefined;
  busy = false;
  #action: (() => Promise<void>) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #held = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly duration: () => number,
  ) {
    host.addController(this);
  }

  offer(text: string, action: () => Promise<void>): void {
    this.#action = action;
    this.text = text;
    this.busy = false;
    this.#arm();
    this.host.requestUpdate();
  }

  dismiss(): void {
    clearTimeout(this.#timer);
    this.#action = undefined;
    this.#held = false;
    if (this.text === undefined && !this.busy) return;
    this.text = undefined;
    this.busy = false;
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
  }

  async run(): Promise<void> {
    const action = this.#action;
    if (!action || this.busy) return;
    clearTimeout(this.#timer);
    this.busy = true;
    this.host.requestUpdate();
    await action();
    this.dismiss();
  }

  render(): TemplateResult | typeof nothing {
    if (this.text === undefined) return nothing;
    const hold = (held: boolean) => () => {
      this.#held = held;
      // Let go: the notice gets its full time again rather than vanishing under the reader's eyes.
      if (!held && !this.busy) this.#arm();
    };
    return html`<div class="undo" part="undo" @focusin=${hold(true)} @focusout=${hold(false)} @mouseenter=${hold(true)} @mouseleave=${hold(false)}>
      <span class="undo-text">${this.text}</span>
      <button type="button" class="button small" part="undo-button" aria-disabled=${this.busy ? 'true' : nothing} @click=${() => void this.run()}>
        ${this.busy ? 'Undoing…' : 'Undo'}
      </button>
      <button type="button" class="button quiet small icon" aria-label="Dismiss" title="Dismiss" @click=${() => this.dismiss()}>✕</button>
    </div>`;
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#held) return this.#arm();
      this.dismiss();
    }, this.duration());
  }
}
