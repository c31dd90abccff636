-- Provider tokens, sealed (AES-256-GCM). `version` is the compare-and-swap guard for refreshes: exactly one
-- replica wins a refresh (it holds `refresh_lease_until`), the others wait for the version to move.
create table connection_tokens (
  connection_id text primary key references connections (id) on delete cascade,
  access_token text not null,
  refresh_token text not null,
  access_expires_at timestamptz not null,
  refresh_expires_at timestamptz,
  version integer not null default 1,
  refresh_lease_until timestamptz,
  refreshed_at timestamptz not null default now()
);

-- One connect (or reconnect) attempt: created by an authenticated widget call, opened once as the popup's
-- start URL, completed once by the callback. It carries the session scope so URLs never carry tokens.
create table oauth_attempts (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  organization_id text not null,
  user_id text not null,
  user_role text not null,
  provider text not null,
  connection_id text,
  mode text not null check (mode in ('popup', 'redirect')),
  return_url text,
  opener_origin text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  started_at timestamptz,
  completed_at timestamptz,
  outcome jsonb
);
create index oauth_attempts_expiry on oauth_attempts (expires_at);

-- What happened, for host webhooks and audit: connection.connected, connection.needs_reconnect, …
create table events (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  organization_id text not null,
  connection_id text,
  type text not null,
  data jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index events_tenant_time on events (tenant_id, created_at);

alter table connections add column last_checked_at timestamptz;
