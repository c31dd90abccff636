import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Connection } from '../../shared/api/connections.ts';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import type { SessionInfo } from '../../shared/api/sessions.ts';
import type { ConnectionSync } from '../../shared/api/sync.ts';
import { BffClient, errorDetail, LedgerlinkApiError, type SyncStatusEntry } from './bff-client.ts';
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
 * What an element needs from the store: every connection (`connections: 'all'`) or one (`connections: id`), with
 * its sync state (`sync: true`) or the connection alone. The store makes the cheapest requests that satisfy every
 * element on the page: `GET /v1/widget/sync-status` when any wants all with sync state, `…/sync-status/{id}` for
 * single cards, `GET /v1/widget/connections` (or `…/connections/{id}`) when nobody needs sync state.
 */
export interface Interest {
  connections: 'all' | string;
  sync: boolean;
}

const everything: Interest = { connections: 'all', sync: true };

/** Who the store asks on behalf of: a static session token, or the host's token function. */
export interface SessionIdentity {
  token: string | undefined;
  fetcher: FetchSessionToken | undefined;
}

/** Without a server hint (connections read without sync state), ask again this often. */
const IDLE_POLL_MS = 30_000;

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
  subscribe(listener: (state: ConnectionsState) => void, interest: Interest = everything): () => void {
    const before = this.#plan();
    this.#listeners.set(listener, interest);
    // A wider need than the page had (a list joins a card): ask now rather than at the next poll.
    if (this.#listeners.size > 1 && JSON.stringify(this.#plan()) !== JSON.stringify(before)) this.refresh();
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
      if (seq === this.#loadSeq) this.#set({ phase: 'error', error: errorDetail(error) });
      return;
    }
    this.#poller.start();
  }

  /** What to ask for: with or without sync state, the whole organization or some connections by id. */
  #plan(): { sync: boolean; ids: 'all' | string[] } {
    const interests = [...this.#listeners.values()];
    const sync = interests.some((interest) => interest.sync);
    if (interests.some((interest) => interest.connections === 'all')) return { sync, ids: 'all' };
    return { sync, ids: [...new Set(interests.map((interest) => interest.connections))] };
  }

  async #fetch(signal: AbortSignal): Promise<{ entries: SyncStatusEntry[]; poll_after_ms: number }> {
    const { sync, ids } = this.#plan();
    if (ids === 'all') {
      if (sync) return this.client.syncStatuses(signal).then((answer) => ({ entries: answer.data, poll_after_ms: answer.poll_after_ms }));
      const connections = await this.client.connections();
      return { entries: connections.map((connection) => this.#withSync(connection)), poll_after_ms: IDLE_POLL_MS };
    }
    const absent = (error: unknown) => {
      // Gone, or hidden from this user: absent from the entries, which is how elements learn it.
      if (error instanceof LedgerlinkApiError && error.status === 404) return undefined;
      throw error;
    };
    const answers = await Promise.all(
      ids.map(async (id): Promise<{ entry: SyncStatusEntry; poll_after_ms: number } | undefined> => {
        if (!sync) {
          const connection = await this.client.connection(id).catch(absent);
          return connection ? { entry: this.#withSync(connection), poll_after_ms: IDLE_POLL_MS } : undefined;
        }
        const one = await this.client.syncStatus(id, signal).catch(absent);
        return one ? { entry: { connection: one.connection, sync: one.sync }, poll_after_ms: one.poll_after_ms } : undefined;
      }),
    );
    const found = answers.filter((answer) => answer !== undefined);
    const asked = new Set(ids);
    const others = this.#state.entries.filter((entry) => !asked.has(entry.connection.id));
    return {
      entries: [...others, ...found.map((answer) => answer.entry)],
      poll_after_ms: Math.min(IDLE_POLL_MS, ...found.map((answer) => answer.poll_after_ms)),
    };
  }

  /** A connection read without its sync state keeps the sync state the store already had. */
  #withSync(connection: Connection): SyncStatusEntry {
    return { connection, sync: this.entry(connection.id)?.sync ?? emptySync(connection.id) };
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
        this.#set({ phase: 'error', error: errorDetail(error) });
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
    private readonly interest: () => Interest = () => everything,
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
    return `${interest.connections}:${interest.sync}`;
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
    documents: { waiting: 0, attention: 0 },
  };
}
