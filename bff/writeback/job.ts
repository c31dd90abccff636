import type { ConnectionRow } from '../connections/store.ts';
import { qboApiFor } from '../connections/provider.ts';
import type { Deps } from '../context.ts';
import type { Queryable } from '../db/client.ts';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import type { JobHandler } from '../jobs/run-job.ts';
import { activeLinks } from '../matching/store.ts';
import { getSettings } from '../organizations/store.ts';
import { ProviderBudget, sleep } from '../sync/budget.ts';
import { ProviderCaller, qboBudgetKey, type RetryPolicy } from '../sync/provider-caller.ts';
import { storedMappings } from './mapping-lookup.ts';
import { pushDocument, type PushEnv } from './push.ts';
import { DOCUMENT_PUSH_JOB, enqueuePush, type DocumentRow } from './store.ts';

/**
 * Writes are not retried inside a call when QuickBooks is down: the outcome is unknown, and the push decides
 * (search for the record, then retry with the same requestid later). Throttles are: nothing was written.
 */
const writePolicy: RetryPolicy = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxThrottleWaitSeconds: 120 };

/** How long a document stays claimed by one worker; a push is a few calls, each waiting at most a budget minute. */
const CLAIM_MS = 5 * 60_000;
/** A batch waits for retries due this soon instead of ending and queuing another job. */
const HOLD_MS = 20_000;

/**
 * Claims one due document of the connection for `owner` (SKIP LOCKED: workers of every replica claim side by
 * side, never the same document). Vendors and customers first, so the documents naming them find their links.
 * A document whose holder died (claim expired while pushing) is due again.
 */
export async function claimDocument(sql: Queryable, connectionId: string, owner: string, now: Date, documentId?: string): Promise<DocumentRow | undefined> {
  // One named document (pushed at once for a person waiting on it) is claimed whenever it is not being pushed.
  const due = documentId ? sql`and id = ${documentId} and status in ('queued', 'failed_retrying')` : sql`and status in ('queued', 'failed_retrying') and due_at <= ${now}`;
  const [row] = await sql<DocumentRow[]>`
    with due as (
      select id from documents
      where connection_id = ${connectionId}
        and ((true ${due}) or (status = 'pushing' and claim_until < ${now} ${documentId ? sql`and id = ${documentId}` : sql``}))
      order by (kind in ('customer', 'vendor')) desc, due_at, id
      limit 1
      for update skip locked)
    update documents d set status = 'pushing', claimed_by = ${owner}, claim_until = ${new Date(now.getTime() + CLAIM_MS)}
    from due where d.id = due.id
    returning d.*`;
  return row;
}

async function nextDue(sql: Queryable, connectionId: string): Promise<Date | null> {
  const [row] = await sql<{ due_at: Date | null }[]>`
    select min(case when status = 'pushing' then claim_until else due_at end) as due_at from documents
    where connection_id = ${connectionId} and status in ('queued', 'failed_retrying', 'pushing')`;
  return row?.due_at ?? null;
}

/** What pushes of one connection share: settings, mappings and links read once, the company's budget. */
export async function pushEnvFor(deps: Deps, connection: ConnectionRow, settings: OrganizationSettings, owner: string, signal?: AbortSignal): Promise<PushEnv> {
  const lookup = await (deps.writebackMappings ?? storedMappings)(deps.sql, connection.id);
  const [suppliers, customers] = await Promise.all([activeLinks(deps.sql, connection.id, 'suppliers'), activeLinks(deps.sql, connection.id, 'customers')]);
  const budget = new ProviderBudget(deps.sql, qboBudgetKey(connection.external_id), deps.qboLimits);
  return {
    deps,
    connection,
    settings,
    lookup,
    links: { suppliers: new Map(suppliers.map((link) => [link.host_id, link.provider_id])), customers: new Map(customers.map((link) => [link.host_id, link.provider_id])) },
    caller: new ProviderCaller(qboApiFor(deps, connection), budget, writePolicy, signal),
    owner,
  };
}

export interface PushBatchResult {
  pushed: number;
  skipped?: string;
  next_due_at: string | null;
}

/**
 * Pushes the connection's due documents, `concurrency` at a time inside the company's shared budget, waiting
 * for retries due within a few seconds; what is due later gets the connection's job queued for then.
 */
export async function pushDueDocuments(deps: Deps, connectionId: string, owner: string, signal?: AbortSignal): Promise<PushBatchResult> {
  const [connection] = await deps.sql<ConnectionRow[]>`select * from connections where id = ${connectionId}`;
  if (!connection) return { pushed: 0, skipped: 'connection deleted', next_due_at: null };
  // A connection that needs reconnecting pushes nothing; the reconnect queues this job again (resumeAfterReconnect).
  if (connection.status !== 'connected') return { pushed: 0, skipped: `connection ${connection.status}`, next_due_at: null };
  const settings = await getSettings(deps.sql, connection.tenant_id, connection.organization_id);
  if (settings.read_only) return { pushed: 0, skipped: 'organization is read-only', next_due_at: null };
  const env = await pushEnvFor(deps, connection, settings, owner, signal);
  let pushed = 0;
  const worker = async () => {
    for (;;) {
      signal?.throwIfAborted();
      const row = await claimDocument(deps.sql, connection.id, owner, deps.now());
      if (!row) return;
      const done = await pushDocument(env, row);
      if (done && (done.status === 'pushed' || done.status === 'pushed_with_variance')) pushed++;
    }
  };
  for (;;) {
    // Twice the company's in-flight limit: while some wait on QuickBooks, others do their database work, so
    // the budget (not our own bookkeeping) is what bounds the calls in flight.
    await Promise.all(Array.from({ length: Math.max(1, deps.qboLimits.concurrent * 2) }, worker));
    const next = await nextDue(deps.sql, connection.id);
    if (!next) return { pushed, next_due_at: null };
    const wait = next.getTime() - deps.now().getTime();
    if (wait > HOLD_MS) {
      await enqueuePush(deps.sql, connection.id, next);
      return { pushed, next_due_at: next.toISOString() };
    }
    await sleep(Math.max(0, wait) + 5, signal);
  }
}

/** The queue's handler: one job per connection (dedupe key), coalesced while queued, re-run when asked while running. */
export const documentPushJob: JobHandler = {
  kind: DOCUMENT_PUSH_JOB,
  async run(deps, job, signal) {
    const connectionId = String((job.payload as { connection_id?: unknown }).connection_id ?? '');
    return { ...(await pushDueDocuments(deps, connectionId, `job-${job.id}-${job.attempts}`, signal)) };
  },
  retryDelayMs: (attempts) => Math.min(300_000, 5_000 * 2 ** Math.max(0, attempts - 1)),
};
