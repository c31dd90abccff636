import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { signLedgerlinkPayload } from '../../shared/webhooks/verify-signature.ts';
import type { Deps } from '../context.ts';
import { nextRetryDelayMs } from './backoff.ts';
import { claimDeliveries, settleDelivery, type AttemptResult, type ClaimedDelivery } from './deliveries.ts';
import { openWebhookSecret } from './endpoints.ts';
import { addressPolicy, resolveDeliveryTarget, resolveWithSystem, type DeliveryTarget, type ResolvedAddress, type ResolveHost } from './target.ts';

export interface DeliveryOptions {
  /** Who holds the leases this call takes (one per worker instance). */
  owner: string;
  /** Deliveries claimed at once. */
  limit?: number;
  /** How long a claimed delivery stays ours; well above the request timeout so a live worker never loses it. */
  leaseMs?: number;
  /** Per request; LEDGERLINK_WEBHOOK_TIMEOUT_MS by default. */
  timeoutMs?: number;
  /** Requests one tenant may have in flight; LEDGERLINK_WEBHOOK_TENANT_CONCURRENCY by default. */
  perTenant?: number;
  /** Tests only: claim nothing outside these tenants (other test files share the database). */
  tenantIds?: readonly string[];
  /** How host names are resolved; the system resolver by default. Tests inject one to simulate rebinding. */
  resolve?: ResolveHost;
  random?: () => number;
}

export const deliveryDefaults = { limit: 16, leaseMs: 60_000 } as const;

/**
 * Claims the deliveries due now and sends each once, in parallel; resolves when all have been recorded.
 * Safe to call from every replica at once.
 */
export async function deliverDueWebhooks(deps: Deps, options: DeliveryOptions): Promise<AttemptResult[]> {
  const claimed = await claimDeliveries(deps.sql, {
    owner: options.owner,
    limit: options.limit ?? deliveryDefaults.limit,
    now: deps.now(),
    leaseMs: options.leaseMs ?? deliveryDefaults.leaseMs,
    perTenant: options.perTenant ?? deps.config.LEDGERLINK_WEBHOOK_TENANT_CONCURRENCY,
    tenantIds: options.tenantIds,
  });
  return Promise.all(claimed.map((delivery) => attemptDelivery(deps, delivery, options)));
}

/**
 * One signed POST of a claimed delivery, and its outcome recorded: 2xx is delivered; any other status,
 * a redirect, a refused address, a network error or the timeout is retried with backoff until the schedule
 * runs out. What is recorded is a status code and a short reason of ours, never the receiver's body: the
 * receiver is whatever the tenant pointed us at, and its answer is not ours to hand back.
 */
export async function attemptDelivery(deps: Deps, delivery: ClaimedDelivery, options: DeliveryOptions): Promise<AttemptResult> {
  const log = deps.logger.child({ endpoint_id: delivery.endpoint_id, event_id: delivery.event.id, event_type: delivery.event.type, attempt: delivery.attempts });
  const timeoutMs = options.timeoutMs ?? deps.config.LEDGERLINK_WEBHOOK_TIMEOUT_MS;
  const body = JSON.stringify(delivery.event);
  let statusCode: number | null = null;
  let error: string | undefined;
  const target = await resolveDeliveryTarget(delivery.url, addressPolicy(deps.config), options.resolve ?? resolveWithSystem);
  if (!target.ok) error = target.reason;
  else {
    try {
      const timestamp = Math.floor(deps.now().getTime() / 1000);
      const signature = await signLedgerlinkPayload(openWebhookSecret(deps.keys, delivery.secret), body, timestamp);
      statusCode = await postTo(target, body, {
        'content-type': 'application/json',
        'user-agent': 'Ledgerlink-Webhooks/1',
        'ledgerlink-event-id': delivery.event.id,
        'ledgerlink-signature': signature,
      }, timeoutMs);
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } catch (thrown) {
      error = describeFailure(thrown, timeoutMs);
    }
  }

  const now = deps.now();
  let result: AttemptResult;
  if (error === undefined && statusCode !== null) result = { outcome: 'delivered', statusCode };
  else {
    const delay = nextRetryDelayMs(delivery.attempts, options.random);
    const reason = error ?? 'no answer';
    result = delay === undefined
      ? { outcome: 'failed', statusCode, error: reason }
      : { outcome: 'retry', statusCode, error: reason, nextAttemptAt: new Date(now.getTime() + delay) };
  }
  const recorded = await settleDelivery(deps.sql, delivery.id, options.owner, now, result);
  if (!recorded) log.warn('webhook delivery lease lost before its outcome was recorded', { outcome: result.outcome });
  else if (result.outcome === 'delivered') log.debug('webhook delivered', { status_code: statusCode });
  else log.info(result.outcome === 'failed' ? 'webhook delivery failed for good' : 'webhook delivery will be retried', { status_code: statusCode, error: result.error });
  return result;
}

/**
 * POSTs to exactly the checked address: the lookup the socket makes is answered with it, so no second
 * resolution can swap in another; the URL's name still goes in Host and in TLS SNI, and the certificate is
 * verified against that name. Redirects are answers (node:http follows none): following one would let a
 * receiver point our signed request anywhere. The answer's body is drained unread.
 */
function postTo(target: Extract<DeliveryTarget, { ok: true }>, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  const { url, address } = target;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const pinnedLookup: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, all: ResolvedAddress[]) => void)(null, [address]);
    else callback(null, address.address, address.family);
  };
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: pinnedLookup,
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        response.resume();
        response.on('error', () => undefined);
        resolve(response.statusCode ?? 0);
        response.destroy();
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A short reason of our own words and the error code, never a message that could carry the receiver's text. */
function describeFailure(thrown: unknown, timeoutMs: number): string {
  const error = thrown as Error & { code?: string; cause?: { code?: string } };
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const code = error?.code ?? error?.cause?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    EPROTO: 'TLS handshake failed',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not trusted',
    SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate not trusted',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
    CERT_HAS_EXPIRED: 'TLS certificate expired',
    ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
  };
  return code && /^[A-Z0-9_]{2,64}$/.test(code) ? `${words[code] ?? 'network error'} (${code})` : 'network error';
}
