import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Connection } from '../../shared/api/connections.ts';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import type { SessionInfo } from '../../shared/api/sessions.ts';
import type { ConnectionSync } from '../../shared/api/sync.ts';
import { BffClient, LedgerlinkApiError, type SyncStatusEntry } from './bff-client.ts';
import { onDefaultsChange } from './configure.ts';
import { SessionSource, type FetchSessionToken } from './session-source.ts';
import { SyncPoller } from './sync-poller.ts';

/** What every element of a page knows about the organization's connections, as of the last answer or action. */
export interface ConnectionsState {
  /** `loading` until session, settings and the first list arrived; `error` when that failed (see `error`). */
  readonly phase: 'loading' | 'ready' | 'error';
  readonly error: { code: string; message: string } | undefined;
  readonly session: SessionInfo | undefined;
  readonly settings: OrganizationSettings | undefined;
  /** Every connection this user may see, with its sync state, in the server's order (oldest first). */
  readonly entries: readonly SyncStatusEntry[];
  /** The last poll failed; `entries` may be out of date (polling retries with back-off). */
  readonly refreshFailed: boolean;
}

/**
 * What an element needs from the store: every connection (`'all'`, a list or a card of the organization), or one
 * connection by id (a card for that connection). While only single connections are wanted, the store asks for
 * those alone (`GET /v1/widget/sync-status/{id}`) instead of the whole organization's list.
 */
export type Interest = 'all' | { connectionId: string };

/** Who the store asks on behalf of: a static session token, or the host's token function. */
export interface SessionIdentity {
  token: string | undefined;
  fetcher: FetchSessionToken | undefined;
}

const initial: ConnectionsState = { phase: 'loading', error: undefined, session: undefined, settings: undefined, entries: [], refreshFailed: false };

/**
 * One page's single source of truth about connections (issue 12, "one page, one truth"). Every Ledgerlink element
 * of a bundle with the same BFF and session shares one store: it loads session, settings and
 * `GET /v1/widget/sync-status` once, polls as the server suggests while any element is on the page, and hands
 * every answer to all of them. An action taken in one element (connect, disconnect, Sync now, a visibility
 * change) is written into the store with `putConnection`/`putSync`, so the others show it at once, and
 * `refresh()` asks the server for the rest.
 *
 * Elements normally use it through {@link ConnectionsController}; the API here is what that controller and
 * element actions need, and nothing else.
 */
export class ConnectionStore {
  static #stores = new Map<string, Map<unknown, ConnectionStore>>();

  /** The store for this BFF and session, created on first use. */
  static of(baseUrl: string, identity: SessionIdentity): ConnectionStore {
    const key = identity.fetcher ?? identity.token ?? '';
    let byIdentity = ConnectionStore.#stores.get(baseUrl);
    if (!byIdentity) ConnectionStore.#stores.set(baseUrl, (byIdentity = new Map()));
    let store = byIdentity.get(key);
    if (!store) byIdentity.set(key, (store = new ConnectionStore(baseUrl, identity)));
    return store;
  }

  /** The client the store polls with; elements may use their own for actions. */
  readonly client: BffClient;
  #tokens: SessionSource;
  #state: ConnectionsState = initial;
  #listeners = new Map<(state: ConnectionsState) => void, Interest>();
  #poller: SyncPoller;
  #pollHost = new PollHost();
  #loadSeq = 0;
  #failures = 0;
  #started = false;
  #stopDefaults: (() => void) | undefined;

  private constructor(baseUrl: string, identity: SessionIdentity) {
    this.#tokens = new SessionSource(
      () => identity.token,
      () => identity.fetcher,
    );
    this.client = new BffClient(baseUrl, this.#tokens);
    this.#poller = new SyncPoller(this.#pollHost, (signal) => this.#poll(signal));
  }

  get state(): ConnectionsState {
    return this.#state;
  }

  /** The entry of one connection, if this user may see it. */
  entry(id: string): SyncStatusEntry | undefined {
    return this.#state.entries.find((entry) => entry.connection.id === id);
  }

  /**
   * Calls `listener` with every new state (not with the current one: read `state`). The first subscriber starts
   * loading and polling; when the last one leaves, polling stops (the state is kept for the next).
   */
  subscribe(listener: (state: ConnectionsState) => void, interest: Interest = 'all'): () => void {
    const widens = interest === 'all' && ![...this.#listeners.values()].includes('all');
    this.#listeners.set(listener, interest);
    if (widens && this.#listeners.size > 1) this.refresh();
    if (this.#listeners.size === 1) {
      this.#pollHost.connect(this.#poller);
      // A page-wide configure() (e.g. another person signed in) means another session: forget the token, reload.
      this.#stopDefaults = onDefaultsChange(() => {
        this.#tokens.invalidate();
        this.reload();
      });
      if (!this.#started) this.reload();
    }
    return () => {
      if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
      this.#pollHost.disconnect(this.#poller);
      this.#stopDefaults?.();
    };
  }

  /** Loads everything again from scratch (session changed, or Retry after a failed load). */
  reload(): void {
    this.#started = true;
    void this.#load();
  }

  /** Asks the server now instead of at the next poll (after an action, or when the host knows something changed). */
  refresh(): void {
    if (this.#state.phase === 'ready') this.#poller.now();
    else if (this.#state.phase === 'error' || !this.#started) this.reload();
  }

  /** An action returned this connection: every element shows it now. A connection not listed yet is added. */
  putConnection(connection: Connection): void {
    const entries = [...this.#state.entries];
    const index = entries.findIndex((entry) => entry.connection.id === connection.id);
    if (index >= 0) entries[index] = { ...entries[index]!, connection };
    else entries.push({ connection, sync: emptySync(connection.id) });
    this.#set({ entries });
  }

  /** An action returned this sync state (e.g. a visibility change). */
  putSync(sync: ConnectionSync): void {
    this.#set({ entries: this.#state.entries.map((entry) => (entry.connection.id === sync.connection_id ? { ...entry, sync } : entry)) });
  }

  /** The connection was deleted (disconnect with purge). */
  removeConnection(id: string): void {
    this.#set({ entries: this.#state.entries.filter((entry) => entry.connection.id !== id) });
  }

  async #load(): Promise<void> {
    const seq = ++this.#loadSeq;
    this.#poller.stop();
    this.#set({ ...initial });
    try {
      const [session, settings] = await Promise.all([this.client.session(), this.client.settings()]);
      if (seq !== this.#loadSeq) return;
      this.#set({ session, settings });
    } catch (error) {
      if (seq === this.#loadSeq) this.#set({ phase: 'error', error: describe(error) });
      return;
    }
    this.#poller.start();
  }

  /** The whole list when any element wants it, else the connections asked for by id. */
  #wanted(): 'all' | string[] {
    const ids = new Set<string>();
    for (const interest of this.#listeners.values()) {
      if (interest === 'all') return 'all';
      ids.add(interest.connectionId);
    }
    return [...ids];
  }

  async #fetch(signal: AbortSignal): Promise<{ entries: SyncStatusEntry[]; poll_after_ms: number }> {
    const wanted = this.#wanted();
    if (wanted === 'all') return this.client.syncStatuses(signal).then((answer) => ({ entries: answer.data, poll_after_ms: answer.poll_after_ms }));
    const answers = await Promise.all(
      wanted.map((id) =>
        this.client.syncStatus(id, signal).catch((error: unknown) => {
          // Gone, or hidden from this user: absent from the entries, which is how elements learn it.
          if (error instanceof LedgerlinkApiError && error.status === 404) return undefined;
          throw error;
        }),
      ),
    );
    const found = answers.filter((answer) => answer !== undefined);
    const asked = new Set(wanted);
    const others = this.#state.entries.filter((entry) => !asked.has(entry.connection.id));
    return {
      entries: [...others, ...found.map((answer) => ({ connection: answer.connection, sync: answer.sync }))],
      poll_after_ms: Math.min(...found.map((answer) => answer.poll_after_ms), 30_000),
    };
  }

  async #poll(signal: AbortSignal): Promise<number | undefined> {
    const seq = this.#loadSeq;
    try {
      const answer = await this.#fetch(signal);
      if (seq !== this.#loadSeq) return undefined;
      this.#failures = 0;
      this.#set({ phase: 'ready', entries: answer.entries, refreshFailed: false, error: undefined });
      return answer.poll_after_ms;
    } catch (error) {
      if ((error as Error).name === 'AbortError' || seq !== this.#loadSeq) return undefined;
      if (this.#state.phase !== 'ready') {
        // Nothing to show yet: the elements say what happened and offer Retry instead of retrying forever.
        this.#poller.stop();
        this.#set({ phase: 'error', error: describe(error) });
        return undefined;
      }
      this.#failures += 1;
      this.#set({ refreshFailed: true });
      return Math.min(60_000, 2_000 * 2 ** this.#failures);
    }
  }

  #set(patch: Partial<ConnectionsState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of [...this.#listeners.keys()]) listener(this.#state);
  }
}

/**
 * Binds an element to its page's store: subscribes while the element is in the DOM, re-renders it on every change,
 * and calls `onChange(previous, next)` first so the element can compare (fire events, clear stale messages).
 */
export class ConnectionsController implements ReactiveController {
  #store: ConnectionStore | undefined;
  #unsubscribe: (() => void) | undefined;
  #connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly storeFor: () => ConnectionStore | undefined,
    private readonly onChange: (previous: ConnectionsState, next: ConnectionsState) => void = () => {},
    private readonly interest: () => Interest = () => 'all',
  ) {
    host.addController(this);
  }

  /** The store in use (undefined until the element has a session). */
  get store(): ConnectionStore | undefined {
    return this.#store;
  }

  get state(): ConnectionsState {
    return this.#store?.state ?? initial;
  }

  /** Call when the session, the BFF or the interest changed: moves to that session's store (loading it if new). */
  rebind(): void {
    const next = this.storeFor();
    if (next === this.#store && this.#interest === this.#interestKey()) {
      if (next && this.#connected) next.refresh();
      return;
    }
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    const previous = this.state;
    this.#store = next;
    if (this.#connected) this.#subscribe();
    this.onChange(previous, this.state);
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.#connected = true;
    if (this.#store) this.#subscribe();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #interest: string | undefined;

  #interestKey(): string {
    const interest = this.interest();
    return interest === 'all' ? 'all' : interest.connectionId;
  }

  #subscribe(): void {
    let previous = this.state;
    this.#interest = this.#interestKey();
    this.#unsubscribe = this.#store!.subscribe((next) => {
      const before = previous;
      previous = next;
      this.onChange(before, next);
      this.host.requestUpdate();
    }, this.interest());
    // Joining a store that already has data (a second element on the page) shows it at once.
    if (this.state !== initial) {
      this.onChange(initial, this.state);
      this.host.requestUpdate();
    }
  }
}

/** Lets the poller, a Lit controller, run without an element: connected while the store has subscribers. */
class PollHost implements ReactiveControllerHost {
  readonly updateComplete = Promise.resolve(true);
  addController(): void {}
  removeController(): void {}
  requestUpdate(): void {}
  connect(poller: SyncPoller): void {
    poller.hostConnected();
  }
  disconnect(poller: SyncPoller): void {
    poller.hostDisconnected();
  }
}

function emptySync(connectionId: string): ConnectionSync {
  return {
    connection_id: connectionId,
    current_run: null,
    last_run: null,
    last_successful_sync_at: null,
    next_scheduled_at: null,
    throttled_until: null,
    health: null,
    stale: false,
    visibility: { mode: 'organization', user_ids: [] },
  };
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof LedgerlinkApiError) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error && error.message ? error.message : 'Something went wrong. Try again.' };
}
