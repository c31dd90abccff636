-- The host's own suppliers and customers, sent for matching against the mirrored QuickBooks records.
create table host_records (
  tenant_id text not null,
  organization_id text not null,
  kind text not null check (kind in ('suppliers', 'customers')),
  host_id text not null,
  data jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, organization_id, kind, host_id),
  foreign key (tenant_id, organization_id) references organizations (tenant_id, id) on delete cascade
);

-- Decisions: host record ↔ provider record, with who, when and how. Unlinking keeps the row (removed_*),
-- so the history stays and undo is possible. One active link per host record and per provider record.
create table party_links (
  id bigserial primary key,
  connection_id text not null references connections (id) on delete cascade,
  kind text not null check (kind in ('suppliers', 'customers')),
  host_id text not null,
  provider_id text not null,
  method text not null check (method in ('auto', 'confirmed', 'manual', 'created', 'imported')),
  linked_by text not null,
  linked_at timestamptz not null default now(),
  removed_at timestamptz,
  removed_by text
);
create unique index party_links_one_per_host on party_links (connection_id, kind, host_id) where removed_at is null;
create unique index party_links_one_per_provider on party_links (connection_id, kind, provider_id) where removed_at is null;
