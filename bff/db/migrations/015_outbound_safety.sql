-- Circuit breaker per webhook endpoint: consecutive failed attempts, and until when its deliveries are not
-- claimed at all (they stay pending and keep their attempts). A receiver that never answers then costs one
-- probe per cool-down instead of a delivery slot per event.
alter table webhook_endpoints add column consecutive_failures integer not null default 0;
alter table webhook_endpoints add column circuit_open_until timestamptz;

-- Requests in flight per tenant and endpoint, counted on every claim to share the slots fairly.
create index webhook_deliveries_in_flight on webhook_deliveries (tenant_id, endpoint_id) where status = 'delivering';

-- Redirect mode sends the browser back with only this opaque id; the component resolves it with its session
-- (GET /v1/widget/oauth/results/{id}), so a crafted link carries no text and no outcome of its own.
alter table oauth_attempts add column result_id text unique;
