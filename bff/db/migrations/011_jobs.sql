-- One queue for background work that is not a sync run itself: reactions to a committed run (field sync now;
-- mapping re-validation, metric recompute, payment import next), and later pushes and deliveries. Claimed like
-- sync runs (SKIP LOCKED, leases renewed by heartbeat), retried with backoff up to `max_attempts`, and each
-- row keeps its outcome, so "did the reaction run, and what did it do" is a query, not a log search.
create table jobs (
  id bigserial primary key,
  kind text not null,
  payload jsonb not null default '{}',
  -- At most one queued-or-running job per (kind, dedupe_key): a second request coalesces with the first, as
  -- sync runs coalesce per connection. A request that arrives while the job runs sets `rerun`, and the job is
  -- queued again when it finishes, so changes committed after it read its input are never missed.
  dedupe_key text,
  rerun boolean not null default false,
  status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
  due_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 5 check (max_attempts >= 1),
  lease_owner text,
  lease_until timestamptz,
  last_error text,
  outcome jsonb,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create unique index jobs_one_active on jobs (kind, dedupe_key) where status in ('queued', 'running');
create index jobs_claimable on jobs (due_at) where status in ('queued', 'running');
create index jobs_history on jobs (kind, dedupe_key, created_at desc);
create index jobs_finished on jobs (finished_at) where status in ('succeeded', 'failed');

-- The sync.started event is recorded once per run, by whichever attempt gets there first (a run taken over
-- after a crash does not announce itself twice).
alter table sync_runs add column started_event_id text;

-- Every sync run now records events (started, then completed or failed), so events are pruned by age.
create index events_created on events (created_at);
