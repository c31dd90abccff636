/**
 * The job queue: one table, claimed with FOR UPDATE SKIP LOCKED under leases renewed by heartbeat, retried
 * with backoff up to max_attempts, outcome kept on the row. Ours rather than pg-boss: no dependency, and it
 * runs unchanged on embedded PGlite, where pg-boss would need work (and a second schema to migrate).
 *
 * Sync runs and webhook deliveries still have their own tables and claimers: their rows are public API
 * (SyncRun with per-type progress, the deliveries list with its retry schedule). Both map onto this queue
 * without loss when they move: a run is a job keyed by connection (the one-active-per-key index is the
 * one-active-run rule), a delivery a job with the delivery schedule as its retryDelayMs.
 */
import type { Queryable, Sql } from '../db/client.ts';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** What a handler hands back: stored as the job's outcome, for people and tests to read. */
export type JobOutcome = Record<string, unknown>;

export interface JobRow {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  dedupe_key: string | null;
  rerun: boolean;
  status: JobStatus;
  due_at: Date;
  attempts: number;
  max_attempts: number;
  lease_owner: string | null;
  lease_until: Date | null;
  last_error: string | null;
  outcome: JobOutcome | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface EnqueueInput {
  kind: string;
  payload?: Record<string, unknown>;
  /**
   * Coalesces requests: while a job with this kind and key is queued, another request only pulls its due time
   * forward (its payload is kept, so a payload should hold the earliest bound of what to look at, not a list
   * that grows). While it runs, the request marks it to run once more when it finishes.
   */
  dedupeKey?: string;
  dueAt?: Date;
  maxAttempts?: number;
}

/**
 * Queues a job. Pass the caller's transaction so the job exists exactly when the change that asks for it
 * commits (a run's success, a host's edit). Returns the id of the job that will do the work, new or coalesced.
 */
export async function enqueueJob(sql: Queryable, input: EnqueueInput): Promise<{ id: string; coalesced: boolean }> {
  const [row] = await sql<{ id: string; inserted: boolean }[]>`
    insert into jobs (kind, payload, dedupe_key, due_at, max_attempts)
    values (${input.kind}, ${sql.json((input.payload ?? {}) as never)}, ${input.dedupeKey ?? null},
      coalesce(${input.dueAt ?? null}::timestamptz, now()), ${input.maxAttempts ?? 5})
    on conflict (kind, dedupe_key) where status in ('queued', 'running') do update set
      due_at = case when jobs.status = 'queued' then least(jobs.due_at, excluded.due_at) else jobs.due_at end,
      rerun = jobs.rerun or jobs.status = 'running'
    returning id, (xmax = 0) as inserted`;
  return { id: row!.id, coalesced: !row!.inserted };
}

export interface ClaimJobOptions {
  owner: string;
  limit: number;
  /** Only these kinds: a process claims only what it has handlers for. */
  kinds: readonly string[];
  /** The app clock (tests move it); a row is due by it or by the database's clock, whichever is later. */
  now: Date;
  leaseMs: number;
  /** Tests only: claim nothing but these jobs (other test files share the database). */
  ids?: readonly string[];
}

/**
 * Claims up to `limit` due jobs, or jobs whose holder stopped heartbeating, for `owner`. SKIP LOCKED lets
 * every replica claim at once without waiting on each other or taking the same job.
 */
export async function claimJobs(sql: Sql, options: ClaimJobOptions): Promise<JobRow[]> {
  if (options.limit <= 0 || options.kinds.length === 0 || options.ids?.length === 0) return [];
  const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
  const only = options.ids ? sql`and j.id in ${sql(options.ids.map(Number))}` : sql``;
  return sql<JobRow[]>`
    with due as (
      select j.id from jobs j
      where j.kind in ${sql(options.kinds as string[])} ${only}
        and ((j.status = 'queued' and j.due_at <= greatest(${options.now}::timestamptz, clock_timestamp()))
          or (j.status = 'running' and j.lease_until < greatest(${options.now}::timestamptz, clock_timestamp())))
      order by j.due_at
      limit ${options.limit}
      for update skip locked)
    update jobs j set status = 'running', lease_owner = ${options.owner}, lease_until = ${leaseUntil},
      attempts = j.attempts + 1, started_at = coalesce(j.started_at, ${options.now})
    from due where j.id = due.id
    returning j.*`;
}

/** Extends the lease; false when it was lost (another worker took over), and the caller must stop. */
export async function heartbeatJob(sql: Queryable, id: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
  const rows = await sql`
    update jobs set lease_until = ${new Date(now.getTime() + leaseMs)}
    where id = ${id} and lease_owner = ${owner} and status = 'running' returning id`;
  return rows.length === 1;
}

export type JobResult =
  | { outcome: 'succeeded'; value: JobOutcome }
  | { outcome: 'retry'; error: string; retryAt: Date }
  | { outcome: 'failed'; error: string };

/**
 * Records how an attempt ended. Only the lease holder may: false when the lease was lost and the row was
 * left alone. A job asked for again while it ran is queued once more (a new row, so this one keeps its outcome).
 */
export async function settleJob(sql: Sql, job: Pick<JobRow, 'id'>, owner: string, now: Date, result: JobResult): Promise<boolean> {
  return sql.begin(async (tx) => {
    const [row] =
      result.outcome === 'retry'
        ? await tx<JobRow[]>`
            update jobs set status = 'queued', due_at = ${result.retryAt}, lease_owner = null, lease_until = null,
              last_error = ${result.error}, rerun = false
            where id = ${job.id} and lease_owner = ${owner} and status = 'running' returning *`
        : await tx<JobRow[]>`
            update jobs set status = ${result.outcome}, finished_at = ${now}, lease_owner = null, lease_until = null,
              last_error = ${result.outcome === 'failed' ? result.error : null},
              outcome = ${result.outcome === 'succeeded' ? tx.json(result.value as never) : null}
            where id = ${job.id} and lease_owner = ${owner} and status = 'running' returning *`;
    if (!row) return false;
    if (row.rerun && result.outcome !== 'retry') {
      await enqueueJob(tx, { kind: row.kind, payload: row.payload, dedupeKey: row.dedupe_key ?? undefined, maxAttempts: row.max_attempts });
    }
    return true;
  });
}

/** Jobs of one kind and key, newest first: what a reaction did, for tests and support. */
export async function jobHistory(sql: Queryable, kind: string, dedupeKey: string): Promise<JobRow[]> {
  return sql<JobRow[]>`
    select * from jobs where kind = ${kind} and dedupe_key = ${dedupeKey} order by created_at desc, id desc`;
}

/** How long finished jobs are kept for support to read what a reaction did. */
export const JOB_RETENTION_DAYS = 14;

/** Deletes finished jobs past retention, a bounded batch per call (every replica calls it each minute). */
export async function pruneFinishedJobs(sql: Queryable, now: Date): Promise<number> {
  const rows = await sql`
    delete from jobs where id in (
      select id from jobs where status in ('succeeded', 'failed')
        and finished_at < ${new Date(now.getTime() - JOB_RETENTION_DAYS * 86_400_000)} limit 1000)
    returning id`;
  return rows.length;
}
