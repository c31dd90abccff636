-- Mirrored provider records: the raw JSON plus the columns we query by. `change_seq` moves only when the
-- stored data really changes, so it is a stable cursor for hosts reading changes.
create sequence record_change_seq;
create table records (
  connection_id text not null references connections (id) on delete cascade,
  type text not null,
  external_id text not null,
  data jsonb not null,
  name text,
  active boolean,
  txn_date date,
  provider_updated_at timestamptz,
  deleted_at timestamptz,
  updated_at timestamptz not null default now(),
  change_seq bigint not null default nextval('record_change_seq'),
  primary key (connection_id, type, external_id)
);
create index records_changes on records (connection_id, type, change_seq);

create table sync_runs (
  id text primary key,
  connection_id text not null references connections (id) on delete cascade,
  kind text not null check (kind in ('initial', 'incremental')),
  trigger text not null check (trigger in ('connect', 'schedule', 'manual', 'webhook')),
  status text not null check (status in ('queued', 'running', 'succeeded', 'failed')),
  full_refresh boolean not null default false,
  queued_at timestamptz not null default now(),
  due_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  lease_owner text,
  lease_until timestamptz,
  attempts integer not null default 0,
  watermark timestamptz,
  error jsonb,
  records_done integer not null default 0,
  records_total integer
);
-- One active run per connection: "Sync now" during a run coalesces instead of stacking.
create unique index sync_runs_one_active on sync_runs (connection_id) where status in ('queued', 'running');
create index sync_runs_claimable on sync_runs (due_at) where status in ('queued', 'running');
create index sync_runs_history on sync_runs (connection_id, queued_at desc);

-- Checkpoint per entity type, committed in the same transaction as that page's records.
create table sync_progress (
  run_id text not null references sync_runs (id) on delete cascade,
  type text not null,
  total integer,
  done integer not null default 0,
  next_position integer not null default 1,
  finished boolean not null default false,
  primary key (run_id, type)
);

-- Per-company provider budget shared by every replica: a log of recent calls (rolling-minute limit)
-- and leased in-flight slots (concurrency limit; a dead process's slots expire).
create table provider_calls (
  budget_key text not null,
  at timestamptz not null
);
create index provider_calls_window on provider_calls (budget_key, at);
create table provider_slots (
  id text primary key,
  budget_key text not null,
  owner text not null,
  lease_until timestamptz not null
);
create index provider_slots_owner on provider_slots (owner);
create index provider_slots_key on provider_slots (budget_key);
-- Set from a 429's Retry-After: nobody calls for that company until then.
create table provider_pauses (
  budget_key text primary key,
  until timestamptz not null
);

alter table connections
  add column watermark timestamptz,
  add column slow_lists_checked_at timestamptz,
  add column initial_import_done boolean not null default false,
  add column last_successful_sync_at timestamptz,
  add column last_error jsonb,
  add column next_sync_at timestamptz,
  add column health jsonb,
  add column visibility_mode text not null default 'organization' check (visibility_mode in ('organization', 'restricted')),
  add column visible_user_ids text[] not null default '{}';
create index connections_due on connections (next_sync_at) where status = 'connected';
