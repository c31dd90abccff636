-- Where a tenant wants its events POSTed. The signing secret is sealed (AES-256-GCM, bff/crypto/vault.ts),
-- not hashed: every delivery needs it back in clear to compute the HMAC.
create table webhook_endpoints (
  id text primary key,
  tenant_id text not null references tenants (id) on delete cascade,
  url text not null,
  events text[] not null,
  description text,
  secret text not null,
  created_at timestamptz not null default now(),
  secret_rotated_at timestamptz
);
create index webhook_endpoints_tenant on webhook_endpoints (tenant_id);

-- One row per (endpoint, event): the unique key is what makes "never two deliveries of the same event to
-- the same endpoint in flight" hold, because the row's lease is the only way to be in flight.
-- `next_attempt_at` is when the row may next be claimed: the retry time while pending, the lease expiry
-- while delivering (a worker that died mid-request is taken over then).
create table webhook_deliveries (
  id bigserial primary key,
  tenant_id text not null,
  endpoint_id text not null references webhook_endpoints (id) on delete cascade,
  event_id text not null references events (id) on delete cascade,
  status text not null default 'pending' check (status in ('pending', 'delivering', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  lease_owner text,
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  unique (endpoint_id, event_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status in ('pending', 'delivering');
create index webhook_deliveries_recent on webhook_deliveries (endpoint_id, created_at desc);
create index webhook_deliveries_event on webhook_deliveries (event_id);

-- Fan-out happens in the transaction that inserts the event, whoever inserts it: an event that commits has
-- its deliveries, a rolled-back one has none, and no cursor over events can skip a row committed out of
-- order. The cost per event is one probe of the tenant's endpoints (a handful of rows) and one insert per match.
create function webhook_fan_out() returns trigger language plpgsql as $$
begin
  insert into webhook_deliveries (tenant_id, endpoint_id, event_id)
  select new.tenant_id, w.id, new.id
  from webhook_endpoints w
  where w.tenant_id = new.tenant_id and (new.type = any (w.events) or '*' = any (w.events));
  return null;
end
$$;
create trigger events_webhook_fan_out after insert on events for each row execute function webhook_fan_out();
