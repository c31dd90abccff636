import { signLedgerlinkPayload } from '../../shared/webhooks/verify-signature.ts';
import type { Deps } from '../context.ts';
import { nextRetryDelayMs } from './backoff.ts';
import { claimDeliveries, settleDelivery, type AttemptResult, type ClaimedDelivery } from './deliveries.ts';
import { openWebhookSecret } from './endpoints.ts';

export interface DeliveryOptions {
  /** Who holds the leases this call takes (one per worker instance). */
  owner: string;
  /** Deliveries claimed at once. */
  limit?: number;
  /** How long a claimed delivery stays ours; well above the request timeout so a live worker never loses it. */
  leaseMs?: number;
  timeoutMs?: number;
  /** Tests only: claim nothing outside these tenants (other test files share the database). */
  tenantIds?: readonly string[];
  fetch?: typeof fetch;
  random?: () => number;
}

export const deliveryDefaults = { limit: 16, leaseMs: 60_000, timeoutMs: 10_000 } as const;

/** Longest piece of a host's error answer kept in `last_error`: enough to recognise it, not a log of its pages. */
const ANSWER_EXCERPT = 200;

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
    tenantIds: options.tenantIds,
  });
  return Promise.all(claimed.map((delivery) => attemptDelivery(deps, delivery, options)));
}

/**
 * One signed POST of a claimed delivery, and its outcome recorded: 2xx is delivered; any other status,
 * a redirect, a network error or the timeout is retried with backoff until the schedule runs out.
 */
export async function attemptDelivery(deps: Deps, delivery: ClaimedDelivery, options: DeliveryOptions): Promise<AttemptResult> {
  const log = deps.logger.child({ endpoint_id: delivery.endpoint_id, event_id: delivery.event.id, event_type: delivery.event.type, attempt: delivery.attempts });
  const timeoutMs = options.timeoutMs ?? deliveryDefaults.timeoutMs;
  const body = JSON.stringify(delivery.event);
  let statusCode: number | null = null;
  let error: string | undefined;
  try {
    const timestamp = Math.floor(deps.now().getTime() / 1000);
    const signature = await signLedgerlinkPayload(openWebhookSecret(deps.keys, delivery.secret), body, timestamp);
    const response = await (options.fetch ?? fetch)(delivery.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Ledgerlink-Webhooks/1',
        'ledgerlink-event-id': delivery.event.id,
        'ledgerlink-signature': signature,
      },
      body,
      // A redirect is an answer we do not follow: the host registered this URL, and following would let a
      // receiver point our signed requests anywhere.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    statusCode = response.status;
    if (response.status >= 200 && response.status < 300) await response.body?.cancel();
    else error = `HTTP ${response.status}${await answerExcerpt(response)}`;
  } catch (thrown) {
    error = describeFailure(thrown, timeoutMs);
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

async function answerExcerpt(response: Response): Promise<string> {
  try {
    const text = (await response.text()).replace(/\s+/g, ' ').trim();
    return text ? `: ${text.slice(0, ANSWER_EXCERPT)}` : '';
  } catch {
    return '';
  }
}

function describeFailure(thrown: unknown, timeoutMs: number): string {
  const error = thrown as Error & { cause?: { code?: string; message?: string } };
  if (error?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  const cause = error?.cause?.code ?? error?.cause?.message;
  return cause ? `${error.message} (${cause})` : String(error?.message ?? thrown);
}
