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
 * Claims up to `limit` due documents of the connection for `owner` in one statement (SKIP LOCKED: workers of
 * every replica claim side by side, never the same document). Vendors and customers first, so the documents
 * naming them find their links. A document whose holder died is due again: at once when its holder was a push
 * job that is no longer running under that attempt (its worker was killed: the queue's lease lapsed and the job
 * was taken over or ended), else when the claim expires. Exactly once still holds: a document whose create may
 * have been sent has create_attempts counted, so its next push looks for the record before sending.
 */
export async function claimDocuments(sql: Queryable, connectionId: string, owner: string, now: Date, limit: number, documentId?: string): Promise<DocumentRow[]> {
  // One named document (pushed at once for a person waiting on it) is claimed whenever it is not being pushed.
  const due = documentId ? sql`and id = ${documentId} and status in ('queued', 'failed_retrying')` : sql`and status in ('queued', 'failed_retrying') and due_at <= ${now}`;
  const rows = await sql<DocumentRow[]>`
    with due as (
      select id from documents
      where connection_id = ${connectionId}
        and ((true ${due}) or (status = 'pushing' and (claim_until < ${now} or ${deadJobClaim(sql, now)}) ${documentId ? sql`and id = ${documentId}` : sql``}))
      order by (kind in ('customer', 'vendor')) desc, due_at, id
      limit ${limit}
      for update skip locked)
    update documents d set status = 'pushing', claimed_by = ${owner}, claim_until = ${new Date(now.getTime() + CLAIM_MS)}
    from due where d.id = due.id
    returning d.*`;
  // UPDATE … RETURNING keeps no order: the claim's own (parties first, then due) is restored here.
  const party = (row: DocumentRow) => (row.kind === 'customer' || row.kind === 'vendor' ? 0 : 1);
  return rows.sort((a, b) => party(a) - party(b) || a.due_at.getTime() - b.due_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A claim held by a push job (owner `job-{id}-{attempt}`, see documentPushJob) that is not running that attempt
 * under a live lease any more: its worker died. Other owners (a direct push) keep their claim until it expires.
 */
function deadJobClaim(sql: Queryable, now: Date) {
  return sql`(claimed_by like 'job-%' and not exists (
    select 1 from jobs j where j.status = 'running' and j.lease_until >= ${now} and ('job-' || j.id || '-' || j.attempts) = documents.claimed_by))`;
}

/** Claims one due document (or the named one); see claimDocuments. */
export async function claimDocument(sql: Queryable, connectionId: string, owner: string, now: Date, documentId?: string): Promise<DocumentRow | undefined> {
  const [row] = await claimDocuments(sql, connectionId, owner, now, 1, documentId);
  return row;
}

/**
 * The workers' supply of claimed documents: one claim statement for up to `batch` of them, shared by every
 * worker that asks while it runs, instead of one statement per document. Undefined when nothing is due.
 */
function claimedSupply(deps: Deps, connectionId: string, owner: string, batch: number) {
  const claimed: DocumentRow[] = [];
  let claiming: Promise<number> | null = null;
  // Once a claim finds nothing due, the round's workers end as they finish: what becomes due meanwhile (a
  // document released by a party's link) is claimed by the next round (see pushDueDocuments).
  let drained = false;
  /** Claimed but not started (the run was stopped): due again now, not when the claim expires. */
  const release = async () => {
    const ids = claimed.splice(0).map((row) => row.id);
    if (ids.length > 0) await deps.sql`update documents set status = case when fault is null then 'queued' else 'failed_retrying' end, claimed_by = null, claim_until = null where id in ${deps.sql(ids)} and claimed_by = ${owner} and status = 'pushing'`;
  };
  const next = async (): Promise<DocumentRow | undefined> => {
    for (;;) {
      const row = claimed.shift();
      if (row) return row;
      if (drained) return undefined;
      claiming ??= claimDocuments(deps.sql, connectionId, owner, deps.now(), batch).then((rows) => {
        claiming = null;
        claimed.push(...rows);
        drained = rows.length === 0;
        return rows.length;
      });
      if ((await claiming) === 0) return undefined;
    }
  };
  return { next, release };
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
  let supply: ReturnType<typeof claimedSupply>;
  const worker = async () => {
    for (;;) {
      signal?.throwIfAborted();
      const row = await supply.next();
      if (!row) return;
      const done = await pushDocument(env, row);
      if (done && (done.status === 'pushed' || done.status === 'pushed_with_variance')) pushed++;
    }
  };
  for (;;) {
    // Claimed a batch at a time: a claim per document was one of the statements every push waited on.
    supply = claimedSupply(deps, connection.id, owner, Math.max(1, deps.qboLimits.concurrent));
    // Twice the company's in-flight limit: while some wait on QuickBooks, others do their database work, so
    // the budget (not our own bookkeeping) is what bounds the calls in flight.
    try {
      await Promise.all(Array.from({ length: Math.max(1, deps.qboLimits.concurrent * 2) }, worker));
    } finally {
      await supply.release();
    }
    const due = await nextDue(deps.sql, connection.id);
    if (!due) return { pushed, next_due_at: null };
    const wait = due.getTime() - deps.now().getTime();
    if (wait > HOLD_MS) {
      await enqueuePush(deps.sql, connection.id, due);
      return { pushed, next_due_at: due.toISOString() };
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
