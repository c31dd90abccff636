-- The host's tax rates, billable categories and staff arrive through host-records like suppliers do.
alter table host_records drop constraint host_records_kind_check;
alter table host_records add constraint host_records_kind_check
  check (kind in ('suppliers', 'customers', 'tax-rates', 'billable-categories', 'staff'));

-- What each host tax rate, category or person maps to in one connected company, and the organization defaults
-- (kind 'defaults', host_id = the default's key). status turns 'needs_attention' when a sync finds the target
-- broken (code deactivated, item deleted, account type changed); problems says why.
create table mappings (
  connection_id text not null references connections (id) on delete cascade,
  kind text not null check (kind in ('tax-rates', 'billable-categories', 'staff', 'defaults')),
  host_id text not null,
  target_type text not null,
  target_id text not null,
  target_name text not null,
  method text not null check (method in ('auto', 'confirmed', 'manual', 'created')),
  status text not null default 'mapped' check (status in ('mapped', 'needs_attention')),
  problems jsonb not null default '[]',
  version integer not null,
  updated_by text not null,
  updated_at timestamptz not null default now(),
  primary key (connection_id, kind, host_id)
);

-- Every change of a mapping, newest version last: who mapped what to what, and when (target null = unmapped).
create table mapping_versions (
  connection_id text not null references connections (id) on delete cascade,
  kind text not null,
  host_id text not null,
  version integer not null,
  target_type text,
  target_id text,
  target_name text,
  method text,
  changed_by text not null,
  changed_at timestamptz not null default now(),
  primary key (connection_id, kind, host_id, version)
);
