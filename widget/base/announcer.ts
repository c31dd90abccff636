import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';

/**
 * The one polite live region of a component: `say(text)` announces a sentence to screen readers, `render()` is the
 * (visually hidden) region to place once in the template. The same sentence twice in a row (two cancelled attempts)
 * is heard twice: a no-break space makes the second one a change.
 */
export class Announcer implements ReactiveController {
  #text = '';

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  say(text: string): void {
    this.#text = this.#text === text ? `${text}\u00a0` : text;
    this.host.requestUpdate();
  }

  render(): TemplateResult {
    return html`<div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.#text}</div>`;
  }
}
