import { LitElement, type PropertyValues } from 'lit';
import { BffClient } from './bff-client.ts';
import { getDefaults, onDefaultsChange } from './configure.ts';
import { ConnectionStore } from './connection-store.ts';
import { SessionSource, type FetchSessionToken } from './session-source.ts';
import { themeStyles } from './theme.ts';

/** The bundle's own origin: the BFF that served ledgerlink.js, used when no bff-url is given. */
const bundleOrigin = (() => {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return globalThis.location?.origin ?? '';
  }
})();

/**
 * Base of every Ledgerlink component: where the BFF is, how to get a session token, the typed client,
 * theme tokens and the event helper. Components extend it and render; none of them handles tokens itself.
 *
 * @attr bff-url - Base URL of the Ledgerlink BFF. Default: `Ledgerlink.configure({bffUrl})`, else the origin the bundle came from.
 * @attr session-token - A session token minted by the host backend (POST /v1/sessions). Prefer `fetchSessionToken`.
 * @attr theme - Unset (default): follow the host page's CSS `color-scheme`. `light` or `dark`: that palette, on the
 *   component's own surface. `auto`: follow the system setting.
 */
export class LedgerlinkElement extends LitElement {
  static override styles = [themeStyles];

  static override properties = {
    bffUrl: { type: String, attribute: 'bff-url' },
    sessionToken: { type: String, attribute: 'session-token' },
    fetchSessionToken: { attribute: false },
    theme: { type: String, reflect: true },
  };

  declare bffUrl: string | undefined;
  declare sessionToken: string | undefined;
  /** Async function returning a session token (or `{token, expires_at}`); called again before expiry and on 401. */
  declare fetchSessionToken: FetchSessionToken | undefined;
  declare theme: 'light' | 'dark' | 'auto' | undefined;

  #tokens = new SessionSource(
    () => this.sessionToken,
    () => this.fetchSessionToken ?? getDefaults().fetchSessionToken,
  );
  #client: BffClient | undefined;
  #stopListening: (() => void) | undefined;

  /** The client for this element's BFF and session. Rebuilt when bff-url changes. */
  protected get client(): BffClient {
    const baseUrl = this.bffUrl || getDefaults().bffUrl || bundleOrigin;
    if (this.#client?.baseUrl !== baseUrl) this.#client = new BffClient(baseUrl, this.#tokens);
    return this.#client;
  }

  /**
   * The page's shared connection state for this element's BFF and session (see ConnectionStore): every element
   * with the same BFF and session gets the same store. Undefined while the element has no session.
   */
  protected connectionStore(): ConnectionStore | undefined {
    if (!this.hasSession) return undefined;
    const baseUrl = this.bffUrl || getDefaults().bffUrl || bundleOrigin;
    const fetcher = this.fetchSessionToken ?? getDefaults().fetchSessionToken; // wins over a static token, as in #tokens
    return ConnectionStore.of(baseUrl, { token: this.sessionToken, fetcher });
  }

  /** True once the element has some way to obtain a session. */
  protected get hasSession(): boolean {
    return Boolean(this.sessionToken || this.fetchSessionToken || getDefaults().fetchSessionToken);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#stopListening = onDefaultsChange(() => {
      this.#tokens.invalidate();
      this.sessionChanged();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopListening?.();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.hasUpdated && (changed.has('sessionToken') || changed.has('fetchSessionToken') || changed.has('bffUrl'))) {
      this.#tokens.invalidate();
      this.sessionChanged();
    }
  }

  protected override firstUpdated(changed: PropertyValues<this>): void {
    super.firstUpdated(changed);
    if (this.hasSession) this.sessionChanged();
  }

  /** Called when the session or the BFF changes (and once at first render when a session exists): reload data here. */
  protected sessionChanged(): void {}

  /** Fires a `ledgerlink-*` event that bubbles out of shadow roots, so hosts can listen anywhere above. */
  protected emit<T>(name: `ledgerlink-${string}`, detail: T): boolean {
    return this.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true, cancelable: true }));
  }
}
