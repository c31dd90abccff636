import type { WebhookDelivery, WebhookEvent } from '../../shared/api/webhooks.ts';
import type { Sealed } from '../crypto/vault.ts';
import type { Queryable, Sql } from '../db/client.ts';

/** A delivery this worker holds the lease on, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  attempts: number;
  endpoint_id: string;
  url: string;
  secret: Sealed;
  event: WebhookEvent;
}

interface ClaimedRow {
  id: string;
  attempts: number;
  endpoint_id: string;
  url: string;
  secret: Sealed;
  event_id: string;
  type: string;
  event_created_at: Date;
  tenant_id: string;
  organization_id: string;
  connection_id: string | null;
  data: Record<string, unknown>;
}

export interface ClaimOptions {
  owner: string;
  limit: number;
  /**
   * The app clock: retry times and leases are set from it, so tests can move time. A row is due by it or by
   * the database's clock, whichever is later: new rows get the database's now(), which can be a fraction of
   * a millisecond past a JavaScript Date taken just after.
   */
  now: Date;
  leaseMs: number;
  /** Requests one tenant may have in flight, counted across every worker by their live leases. */
  perTenant?: number;
  /** Tests only: claim nothing outside these tenants (other test files share the database). */
  tenantIds?: readonly string[];
}

/** Sharing defaults: a tenant holds at most 4 requests at once, an endpoint 2, and 1 while its circuit is half open. */
export const fairness = {
  perTenant: 4,
  perEndpoint: 2,
  /** Consecutive failed attempts after which an endpoint's circuit opens. */
  failuresToOpen: 5,
  /** The first cool-down; each further failure doubles it, up to an hour. */
  coolDownSeconds: 30,
  maxCoolDownSeconds: 3_600,
} as const;

/**
 * Claims up to `limit` deliveries that are due, or whose holder's lease ran out, for `owner`. SKIP LOCKED lets
 * every replica claim at once without waiting on each other or taking the same row; the lease (as
 * `next_attempt_at`) makes the row invisible to other claimers while its request is in flight.
 *
 * Fair shares: a tenant already holding `perTenant` live leases is skipped, and of the rest each tenant gets
 * its oldest rows first in round-robin order (its first row, then every tenant's second, ...), so one tenant's
 * hundred silent endpoints take a few slots, never all. An endpoint holds at most `perEndpoint` slots, one while
 * it keeps failing, and none while its circuit is open. Replicas claiming at the same instant can each see the
 * other's leases uncommitted, so a tenant may briefly hold up to `perTenant` per replica.
 */
export async function claimDeliveries(sql: Sql, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  if (options.limit <= 0) return [];
  const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
  const perTenant = options.perTenant ?? fairness.perTenant;
  const tenantFilter = options.tenantIds ? sql`and d.tenant_id in ${sql(options.tenantIds as string[])}` : sql``;
  const rows = await sql<ClaimedRow[]>`
    with in_flight as (
      select tenant_id, endpoint_id, count(*)::int as n from webhook_deliveries
      where status = 'delivering' and next_attempt_at > ${options.now}
      group by tenant_id, endpoint_id),
    tenant_busy as (select tenant_id, sum(n)::int as n from in_flight group by tenant_id),
    candidates as (
      select d.id, d.tenant_id, d.endpoint_id, d.next_attempt_at from webhook_deliveries d
      join webhook_endpoints w on w.id = d.endpoint_id
      where d.status in ('pending', 'delivering') and d.next_attempt_at <= greatest(${options.now}::timestamptz, clock_timestamp()) ${tenantFilter}
        and (w.circuit_open_until is null or w.circuit_open_until <= ${options.now})
        and d.tenant_id not in (select tenant_id from tenant_busy where n >= ${perTenant})
      order by d.next_attempt_at
      limit ${options.limit * 8}
      for update of d skip locked),
    ranked as (
      select c.id, c.next_attempt_at,
        row_number() over (partition by c.tenant_id order by c.next_attempt_at, c.id) as tenant_turn,
        row_number() over (partition by c.tenant_id order by c.next_attempt_at, c.id) + coalesce(tb.n, 0) as tenant_slot,
        row_number() over (partition by c.endpoint_id order by c.next_attempt_at, c.id) + coalesce(f.n, 0) as endpoint_slot,
        w.consecutive_failures
      from candidates c
      join webhook_endpoints w on w.id = c.endpoint_id
      left join tenant_busy tb on tb.tenant_id = c.tenant_id
      left join in_flight f on f.endpoint_id = c.endpoint_id),
    due as (
      select id from ranked
      where tenant_slot <= ${perTenant}
        and endpoint_slot <= case when consecutive_failures >= ${fairness.failuresToOpen} then 1 else ${fairness.perEndpoint} end
      order by tenant_turn, next_attempt_at
      limit ${options.limit})
    update webhook_deliveries d set status = 'delivering', lease_owner = ${options.owner}, next_attempt_at = ${leaseUntil},
      attempts = d.attempts + 1, last_attempt_at = ${options.now}
    from due, events e, webhook_endpoints w
    where d.id = due.id and e.id = d.event_id and w.id = d.endpoint_id
    returning d.id::text, d.attempts, d.endpoint_id, w.url, w.secret, e.id as event_id, e.type, e.created_at as event_created_at,
      e.tenant_id, e.organization_id, e.connection_id, e.data`;
  return rows.map((row) => ({
    id: row.id,
    attempts: row.attempts,
    endpoint_id: row.endpoint_id,
    url: row.url,
    secret: row.secret,
    event: {
      id: row.event_id,
      type: row.type,
      created_at: row.event_created_at.toISOString(),
      tenant_id: row.tenant_id,
      organization_id: row.organization_id,
      connection_id: row.connection_id,
      data: row.data,
    },
  }));
}

export type AttemptResult =
  | { outcome: 'delivered'; statusCode: number }
  | { outcome: 'retry'; statusCode: number | null; error: string; nextAttemptAt: Date }
  | { outcome: 'failed'; statusCode: number | null; error: string };

/**
 * Records how an attempt ended, and the endpoint's circuit with it: a success closes it; the
 * `failuresToOpen`-th failure in a row opens it for a cool-down that doubles with each further failure.
 * Only the lease holder may record: false when the lease was lost (taken over after expiry, or the endpoint
 * was deleted meanwhile) and the row was left alone.
 */
export async function settleDelivery(sql: Queryable, id: string, owner: string, now: Date, result: AttemptResult): Promise<boolean> {
  const statusCode = result.statusCode;
  const delivered = result.outcome === 'delivered';
  const error = delivered ? null : result.error;
  const status = result.outcome === 'retry' ? 'pending' : result.outcome;
  const nextAttemptAt = result.outcome === 'retry' ? result.nextAttemptAt : now;
  const rows = await sql`
    with settled as (
      update webhook_deliveries set status = ${status}, lease_owner = null, next_attempt_at = ${nextAttemptAt},
        last_status_code = ${statusCode}, last_error = ${error},
        delivered_at = ${delivered ? now : null}
      where id = ${id} and lease_owner = ${owner} and status = 'delivering'
      returning id, endpoint_id),
    circuit as (
      update webhook_endpoints w set
        consecutive_failures = case when ${delivered} then 0 else w.consecutive_failures + 1 end,
        circuit_open_until = case
          when ${delivered} then null
          when w.consecutive_failures + 1 >= ${fairness.failuresToOpen} then ${now}::timestamptz + make_interval(secs =>
            least(${fairness.maxCoolDownSeconds}, ${fairness.coolDownSeconds} * power(2, w.consecutive_failures + 1 - ${fairness.failuresToOpen})))
          else w.circuit_open_until end
      from settled where w.id = settled.endpoint_id
      returning w.id)
    select id from settled`;
  return rows.length === 1;
}

interface DeliveryRow {
  event_id: string;
  event_type: string;
  status: WebhookDelivery['status'];
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date;
  delivered_at: Date | null;
  created_at: Date;
}

/** The endpoint's most recent deliveries, newest first. The caller has checked the endpoint is the tenant's. */
export async function recentDeliveries(sql: Queryable, endpointId: string, limit: number): Promise<WebhookDelivery[]> {
  const rows = await sql<DeliveryRow[]>`
    select d.event_id, e.type as event_type, d.status, d.attempts, d.last_status_code, d.last_error, d.last_attempt_at,
      d.next_attempt_at, d.delivered_at, d.created_at
    from webhook_deliveries d join events e on e.id = d.event_id
    where d.endpoint_id = ${endpointId}
    order by d.created_at desc, d.id desc
    limit ${limit}`;
  return rows.map((row) => ({
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status,
    attempts: row.attempts,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    last_attempt_at: row.last_attempt_at?.toISOString() ?? null,
    next_attempt_at: row.status === 'pending' || row.status === 'delivering' ? row.next_attempt_at.toISOString() : null,
    delivered_at: row.delivered_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  }));
}
