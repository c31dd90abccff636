import type { SyncError } from '../../shared/api/sync.ts';
import { NeedsReconnectError } from '../connections/tokens.ts';
import { describeQboFault, QboError } from '../providers/qbo/faults.ts';
import { QboGrantError } from '../providers/qbo/oauth-client.ts';

/** A failure the provider will not get over by itself: plan or region no longer allowed. */
export class UnsupportedCompanyError extends Error {
  override name = 'UnsupportedCompanyError';
}

/** QuickBooks kept changing transactions while a run read their customers and vendors (see settleBalances). */
export class BalancesUnsettledError extends Error {
  override name = 'BalancesUnsettledError';
}

/** Failures worth another automatic attempt, and how long to wait before it. */
export function retryDelaySeconds(error: SyncError, attempt: number): number | undefined {
  if (error.category === 'rate_limited') return undefined; // retry_at already says when
  if (error.category !== 'provider_unavailable') return undefined;
  return Math.min(3600, 30 * 2 ** Math.max(0, attempt - 1));
}

/**
 * Turns whatever stopped a sync into what the person sees: a category, plain words, and the action that
 * fixes it. `now` and `company` only shape the words.
 */
export function classifySyncError(error: unknown, now: Date, company = 'this company'): SyncError {
  const base = { retry_at: null, field: null };
  if (error instanceof NeedsReconnectError || (error instanceof QboGrantError && error.kind === 'invalid_grant') || (error instanceof QboError && error.category === 'needs_reconnect')) {
    return { ...base, category: 'needs_reconnect', action: 'reconnect', message: `QuickBooks stopped accepting our connection to ${company}. Reconnect to resume syncing.` };
  }
  if (error instanceof QboGrantError && error.kind === 'transient') {
    return { ...base, category: 'provider_unavailable', action: 'retry', message: 'QuickBooks is not responding right now. We will try again automatically.' };
  }
  if (error instanceof BalancesUnsettledError) {
    return { ...base, category: 'provider_unavailable', action: 'retry', message: `${company === 'this company' ? 'The company' : company} kept changing in QuickBooks while we read balances. We will try again automatically.` };
  }
  if (error instanceof UnsupportedCompanyError) {
    return { ...base, category: 'plan_or_region_unsupported', action: 'upgrade_plan', message: error.message };
  }
  if (error instanceof QboError) {
    // One table decides (faults.ts); here it only becomes the sync's words.
    switch (error.category) {
      case 'rate_limited': {
        const retryAt = new Date(now.getTime() + (error.retryAfterSeconds ?? 60) * 1000);
        return { ...base, category: 'rate_limited', action: 'wait', retry_at: retryAt.toISOString(), message: 'QuickBooks limited how often we can ask for data. Syncing continues automatically.' };
      }
      case 'provider_down':
        return { ...base, category: 'provider_unavailable', action: 'retry', message: 'QuickBooks is not responding right now. We will try again automatically.' };
      case 'plan_or_region_unsupported':
        return { ...base, category: 'plan_or_region_unsupported', action: 'upgrade_plan', message: describeQboFault(error, 'the request') };
      case 'validation':
      case 'conflict':
        return { ...base, category: 'validation', action: 'contact_support', field: error.field, message: describeQboFault(error, 'a request') };
      case 'internal':
        // Our request was wrong (a query QuickBooks refused): retrying repeats it.
        return { ...base, category: 'internal', action: 'contact_support', message: `Something went wrong on our side: ${describeQboFault(error, 'a request')} It has been logged.` };
      case 'needs_reconnect':
        break;
    }
  }
  return { ...base, category: 'internal', action: 'retry', message: 'Something went wrong on our side while syncing. It has been logged; try again.' };
}
