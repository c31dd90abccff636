-- Tenants are host product installations; organizations are the host's customer accounts.
create table tenants (
  id text primary key,
  name text not null,
  allowed_origins text[] not null default '{}',
  created_at timestamptz not null default now()
);

-- Secret keys are shown once and stored only as a SHA-256 of their random part (256 bits of entropy,
-- so a slow hash buys nothing). Rotation = create a new key, then revoke the old one.
create table tenant_secret_keys (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  secret_hash text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index tenant_secret_keys_tenant on tenant_secret_keys (tenant_id);

create table organizations (
  tenant_id text not null references tenants (id) on delete cascade,
  id text not null,
  settings jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

-- One linked accounting company (QuickBooks realm or Xero organisation).
create table connections (
  id text primary key,
  tenant_id text not null,
  organization_id text not null,
  provider text not null check (provider in ('qbo', 'xero')),
  external_id text not null,
  company_name text,
  legal_name text,
  country text,
  plan text,
  status text not null check (status in ('connected', 'needs_reconnect', 'disconnected', 'error')),
  status_reason text,
  connected_by text,
  created_at timestamptz not null default now(),
  connected_at timestamptz,
  last_refreshed_at timestamptz,
  last_synced_at timestamptz,
  foreign key (tenant_id, organization_id) references organizations (tenant_id, id) on delete cascade
);
create unique index connections_external on connections (tenant_id, organization_id, provider, external_id);
create index connections_org on connections (tenant_id, organization_id);
