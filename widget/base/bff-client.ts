import type { z } from 'zod';
import type { Connection } from '../../shared/api/connections.ts';
import type { Document } from '../../shared/api/documents.ts';
import type { ErrorBody } from '../../shared/api/errors.ts';
import type { Candidate, CreateLinksBody, Link, MatchingState, PartyKind, ProviderParty } from '../../shared/api/matching.ts';
import type { AvailableData, CreateMetric, Metric, MetricPreview } from '../../shared/api/metrics.ts';
import type { StartUrl, StartUrlBody } from '../../shared/api/oauth.ts';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import type { SessionInfo } from '../../shared/api/sessions.ts';
import type {
  BulkVisibilityBody,
  ConnectionSync,
  SetVisibilityBody,
  StartSyncBody,
  StartedSync,
  SyncRun,
} from '../../shared/api/sync.ts';
import type { SessionSource } from './session-source.ts';

/** An error answer from the BFF, with its stable code for branching and its message for people. */
export class LedgerlinkApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'LedgerlinkApiError';
  }
}

/** What people read when a failure brings no message of its own. */
export const SOMETHING_WENT_WRONG = 'Something went wrong. Try again.';

/**
 * What a failed call means for people and events: the BFF's code and message, else `internal`; with no message (or
 * no error at all) a plain retry hint.
 */
export function errorDetail(error: unknown): { code: string; message: string } {
  return {
    code: error instanceof LedgerlinkApiError ? error.code : 'internal',
    message: (error instanceof Error && error.message) || SOMETHING_WENT_WRONG,
  };
}

// ── Sync status types (<client-sync-status>) ───────────────────────────────────────────────────────────

/** One connection with its sync state, as GET /v1/widget/sync-status lists them. */
export interface SyncStatusEntry {
  connection: Connection;
  sync: ConnectionSync;
}

/** GET /v1/widget/sync-status: every connection this user may see, and when to ask again. */
export interface SyncStatusList {
  data: SyncStatusEntry[];
  /** The server's hint: short while a run is queued or running, long otherwise. */
  poll_after_ms: number;
}

/** GET /v1/widget/sync-status/{connection_id}. */
export interface SyncStatusOne extends SyncStatusEntry {
  poll_after_ms: number;
}

// ── Matching types (<supplier-matcher>) ──────────────────────────────────────────────────────────────

/** A ranked QuickBooks record offered in the manual picker, with the reasons it ranks where it does. */
export type MatchCandidate = z.infer<typeof Candidate>;

/** What GET …/matching/{kind}/candidates is asked: partners for `host_id`, narrowed by the typed text `q`. */
export interface MatchCandidateQuery {
  host_id: string;
  q?: string;
  /** Default 10. */
  limit?: number;
}

/** POST …/matching/{kind}/import (202): the event the host receives to add the record to its list. */
export interface ImportedRecord {
  event_id: string;
}

/** POST …/matching/{kind}/create (202): the QuickBooks write that was queued. */
/** The vendor or customer QuickBooks created from a host record, already mirrored and linked (method "created"). */
export interface CreatedProviderRecord {
  link: Link;
  provider: ProviderParty;
}

function matchingPath(connectionId: string): string {
  return `/v1/widget/connections/${encodeURIComponent(connectionId)}`;
}

// ── End of matching types ────────────────────────────────────────────────────────────────────────────

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  idempotencyKey?: string;
}

/**
 * The components' one way to reach the BFF's widget routes. Types come from the same zod schemas the
 * server validates with (shared/api), so a contract change breaks the build, not the page.
 */
export class BffClient {
  constructor(
    readonly baseUrl: string,
    private readonly tokens: SessionSource,
  ) {}

  session(): Promise<SessionInfo> {
    return this.request('GET', '/v1/widget/session');
  }

  settings(): Promise<OrganizationSettings> {
    return this.request('GET', '/v1/widget/settings');
  }

  async connections(): Promise<Connection[]> {
    return (await this.request<{ data: Connection[] }>('GET', '/v1/widget/connections')).data;
  }

  connection(id: string): Promise<Connection> {
    return this.request('GET', `/v1/widget/connections/${encodeURIComponent(id)}`);
  }

  /**
   * A single-use QuickBooks authorization URL to open in a popup or navigate to (redirect mode, which needs
   * `return_url`). With `connection_id` it reconnects that connection. Fails with `forbidden` (403) when the
   * session's role may not connect.
   */
  quickbooksStartUrl(body: z.input<typeof StartUrlBody>): Promise<z.infer<typeof StartUrl>> {
    return this.request('POST', '/v1/widget/oauth/qbo/start-url', { body });
  }

  /** Tests the connection with a real call to the provider; the answer may say `needs_reconnect`. */
  checkConnection(id: string): Promise<Connection> {
    return this.request('POST', `/v1/widget/connections/${encodeURIComponent(id)}/check`);
  }

  /** Stops syncing and forgets the tokens; the connection and the data imported through it are kept. */
  disconnectConnection(id: string): Promise<Connection> {
    return this.request('DELETE', `/v1/widget/connections/${encodeURIComponent(id)}`);
  }

  /** Disconnects and deletes the connection with all data imported through it. Cannot be undone. */
  purgeConnection(id: string): Promise<void> {
    return this.request('DELETE', `/v1/widget/connections/${encodeURIComponent(id)}?purge=true`);
  }

  // ── Sync status (<client-sync-status>) ─────────────────────────────────────────────────────────────

  /** Every connection this user may see with its sync state, and `poll_after_ms`: when to ask again. */
  syncStatuses(signal?: AbortSignal): Promise<SyncStatusList> {
    return this.request('GET', '/v1/widget/sync-status', signal ? { signal } : {});
  }

  /** One connection's sync state. */
  syncStatus(connectionId: string, signal?: AbortSignal): Promise<SyncStatusOne> {
    return this.request('GET', `/v1/widget/sync-status/${encodeURIComponent(connectionId)}`, signal ? { signal } : {});
  }

  /**
   * Starts a sync (202). When one is already queued or running it is reused (`coalesced`). Fails with `forbidden`
   * (403) when the session's role is not in `settings.sync_roles`.
   */
  startSync(connectionId: string, body: z.input<typeof StartSyncBody> = {}): Promise<z.infer<typeof StartedSync>> {
    return this.request('POST', `/v1/widget/connections/${encodeURIComponent(connectionId)}/sync`, { body });
  }

  /** The connection's sync runs, newest first. */
  async syncRuns(connectionId: string): Promise<SyncRun[]> {
    return (await this.request<{ data: SyncRun[] }>('GET', `/v1/widget/connections/${encodeURIComponent(connectionId)}/runs`)).data;
  }

  /** Who may see the connection. Admin only (`settings.connect_roles`), else `forbidden`. */
  setConnectionVisibility(connectionId: string, body: z.input<typeof SetVisibilityBody>): Promise<ConnectionSync> {
    return this.request('PUT', `/v1/widget/connections/${encodeURIComponent(connectionId)}/visibility`, { body });
  }

  /** The same visibility for many connections at once. Admin only. */
  setConnectionsVisibility(body: z.input<typeof BulkVisibilityBody>): Promise<{ updated: number }> {
    return this.request('PUT', '/v1/widget/connections/visibility', { body });
  }

  /** Documents of a connection waiting for QuickBooks or for a person (comma-separated statuses), newest first. */
  async documents(connectionId: string, status = 'queued,pushing,failed_retrying,needs_mapping,rejected,pushed_with_variance'): Promise<Document[]> {
    return (await this.request<{ data: Document[] }>('GET', `/v1/widget/connections/${encodeURIComponent(connectionId)}/documents?status=${status}&limit=100`)).data;
  }

  /** "Retry": the document is pushed again now (after a mapping or the record was fixed). Write role only. */
  pushDocument(connectionId: string, documentId: string): Promise<{ queued: number }> {
    return this.request('POST', `/v1/widget/connections/${encodeURIComponent(connectionId)}/documents/${encodeURIComponent(documentId)}/push`);
  }

  // ── End of sync status ──────────────────────────────────────────────────────────────────────────────

  // ── Matching (<supplier-matcher>) ──────────────────────────────────────────────────────────────────

  /** Auto-matched, suggested, unmatched and linked records of one connection and kind, computed by the server. */
  matchingState(connectionId: string, kind: PartyKind, signal?: AbortSignal): Promise<MatchingState> {
    return this.request('GET', `${matchingPath(connectionId)}/matching/${kind}`, signal ? { signal } : {});
  }

  /**
   * QuickBooks records ranked by the server as partners for one host record; `q` narrows them to what the user
   * typed. For the manual picker, so it is asked again as the user types (abort the previous one with `signal`).
   */
  async matchCandidates(connectionId: string, kind: PartyKind, query: MatchCandidateQuery, signal?: AbortSignal): Promise<MatchCandidate[]> {
    const search = new URLSearchParams({ host_id: query.host_id, q: query.q ?? '', limit: String(query.limit ?? 10) });
    const path = `${matchingPath(connectionId)}/matching/${kind}/candidates?${search}`;
    return (await this.request<{ data: MatchCandidate[] }>('GET', path, signal ? { signal } : {})).data;
  }

  /** Links host records to QuickBooks records (confirm one, accept all auto pairs, or a manual pick). 403 `forbidden` for roles outside `connect_roles`. */
  async createLinks(connectionId: string, body: z.input<typeof CreateLinksBody>): Promise<Link[]> {
    return (await this.request<{ data: Link[] }>('POST', `${matchingPath(connectionId)}/links`, { body })).data;
  }

  /** Removes the link of one host record (unlink, or undo a link just made). */
  removeLink(connectionId: string, kind: PartyKind, hostId: string): Promise<void> {
    return this.request('DELETE', `${matchingPath(connectionId)}/links/${kind}/${encodeURIComponent(hostId)}`);
  }

  /** Asks the host to add a QuickBooks record to its own list (202, an event goes to the host). 409 `conflict` when it is already linked. */
  importProviderRecord(connectionId: string, kind: PartyKind, providerId: string): Promise<ImportedRecord> {
    return this.request('POST', `${matchingPath(connectionId)}/matching/${kind}/import`, { body: { provider_id: providerId } });
  }

  /**
   * Creates a host record in QuickBooks (202). 409 `conflict` with `details.provider_id` and `details.provider_name`
   * when QuickBooks already has that name (its error 6240); 404 or 501 while the server does not offer it yet.
   */
  createProviderRecord(connectionId: string, kind: PartyKind, hostId: string): Promise<CreatedProviderRecord> {
    return this.request('POST', `${matchingPath(connectionId)}/matching/${kind}/create`, { body: { host_id: hostId } });
  }

  // ── End of matching ─────────────────────────────────────────────────────────────────────────────────

  // ── Metrics (<metric-picker>) ──────────────────────────────────────────────────────────────────────

  /** Datasets, months, last fetched, whether they add up, and the account tree of one connection. */
  metricData(connectionId: string): Promise<AvailableData> {
    return this.request('GET', `/v1/widget/connections/${encodeURIComponent(connectionId)}/metric-data`);
  }

  /** The latest values a definition would have, without saving it. */
  metricPreview(connectionId: string, query: Record<string, string>, signal?: AbortSignal): Promise<MetricPreview> {
    return this.request('GET', `/v1/widget/connections/${encodeURIComponent(connectionId)}/metric-preview?${new URLSearchParams(query)}`, signal ? { signal } : {});
  }

  /** Saves a metric definition (403 `forbidden` for roles outside `connect_roles`). */
  createMetric(connectionId: string, body: CreateMetric): Promise<Metric> {
    return this.request('POST', `/v1/widget/connections/${encodeURIComponent(connectionId)}/metrics`, { body });
  }

  // ── End of metrics ──────────────────────────────────────────────────────────────────────────────────

  /** One request; on 401 it renews the session once (when the host gave a fetchSessionToken) and retries. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    let response = await this.#send(method, path, options);
    if (response.status === 401 && this.tokens.invalidate()) response = await this.#send(method, path, options);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const body = text ? parse(text) : undefined;
    if (!response.ok) {
      const error = (body as ErrorBody | undefined)?.error;
      throw new LedgerlinkApiError(
        response.status,
        error?.code ?? 'internal',
        error?.message ?? `The server answered ${response.status}`,
        error?.details,
      );
    }
    return body as T;
  }

  async #send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.tokens.token()}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    try {
      return await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: options.signal ?? null,
        credentials: 'omit',
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new LedgerlinkApiError(0, 'network', 'Could not reach the server. Check your connection and try again.');
    }
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
