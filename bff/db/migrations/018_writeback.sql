-- Write-back (issue 15): the outbox of host documents pushed to QuickBooks, one row per host document
-- (connection, kind, host_id), holding its latest version and what QuickBooks holds of it.
create table documents (
  id text primary key,
  tenant_id text not null,
  organization_id text not null,
  connection_id text not null references connections (id) on delete cascade,
  kind text not null check (kind in ('purchase_order', 'bill', 'invoice', 'customer', 'vendor', 'time_activity')),
  host_id text not null,
  version integer not null check (version >= 1),
  data jsonb not null,
  status text not null default 'queued' check (status in
    ('queued', 'pushing', 'pushed', 'pushed_with_variance', 'needs_mapping', 'rejected', 'failed_retrying', 'cancelled')),
  -- The host asked to cancel: the worker voids or deletes what QuickBooks holds (or nothing, if never pushed).
  cancel_requested boolean not null default false,
  -- Push generation: part of the QuickBooks requestid. It moves on only when the record QuickBooks made was
  -- deleted there, so a replayed requestid can never hand back an id that no longer exists.
  generation integer not null default 0,
  -- Creates sent in this generation whose outcome may be unknown: before the next one the worker searches
  -- QuickBooks for its marker and adopts what it finds (the requestid window may have passed).
  create_attempts integer not null default 0,
  attempts integer not null default 0,
  provider_type text,
  provider_id text,
  provider_doc_number text,
  sync_token text,
  -- The version QuickBooks holds; a revision is pending while it is below `version`.
  pushed_version integer,
  fault jsonb,
  missing jsonb,
  variance jsonb,
  payments jsonb,
  -- Immediate documents are due at once; hourly organizations' at the next hour.
  due_at timestamptz not null default now(),
  claimed_by text,
  claim_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  pushed_at timestamptz,
  unique (connection_id, kind, host_id)
);
create index documents_due on documents (connection_id, due_at) where status in ('queued', 'failed_retrying', 'pushing');
create index documents_status on documents (connection_id, status, updated_at desc);
create index documents_provider on documents (connection_id, provider_type, provider_id) where provider_id is not null;

-- Idempotency-Key answers: the same key and body get the stored answer forever; another body gets a 409.
create table document_requests (
  tenant_id text not null,
  idempotency_key text not null,
  request_hash text not null,
  document_id text,
  status integer not null,
  response jsonb not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, idempotency_key)
);
