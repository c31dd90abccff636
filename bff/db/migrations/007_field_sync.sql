-- Two-way sync of linked suppliers' fields: what both sides said when they last agreed, and every decision.
alter table party_links add column field_baseline jsonb;

create table field_sync_log (
  id bigserial primary key,
  connection_id text not null references connections (id) on delete cascade,
  host_id text not null,
  provider_id text not null,
  field text not null,
  action text not null check (action in ('pushed', 'reported', 'conflict', 'skipped_read_only')),
  host_value text,
  quickbooks_value text,
  winner text,
  policy text,
  at timestamptz not null default now()
);
create index field_sync_log_link on field_sync_log (connection_id, host_id, at);
