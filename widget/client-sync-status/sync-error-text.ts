import type { Connection } from '../../shared/api/connections.ts';
import type { SyncError } from '../../shared/api/sync.ts';
import { formatClockTime } from '../format/clock-time.ts';

/** The one action that fixes a failure, as a button the row offers. */
export type FixAction = 'reconnect' | 'retry';

/** A sync failure in plain words, with the one action that fixes it (if a button can). */
export interface SyncErrorText {
  /** One line for the row: "QuickBooks limit reached; next try at 06:00". */
  summary: string;
  /** The server's fuller explanation, shown in details when it adds something. */
  detail: string | undefined;
  action: FixAction | undefined;
}

export function providerName(provider: Connection['provider']): string {
  return provider === 'xero' ? 'Xero' : 'QuickBooks';
}

/**
 * Maps a classified SyncError to what a bookkeeper reads. Categories decide the wording, so every provider error
 * of one kind reads the same; the server's message is kept as detail (or is the text, where only it can say what
 * is wrong: plan/region refusals and validation).
 */
export function syncErrorText(
  error: SyncError,
  provider: Connection['provider'],
  options: { now?: number; locale?: string | undefined } = {},
): SyncErrorText {
  const name = providerName(provider);
  const at = error.retry_at ? formatClockTime(error.retry_at, options) : undefined;
  const detail = error.message.trim() || undefined;
  switch (error.category) {
    case 'needs_reconnect':
      return { summary: `${name} needs you to reconnect`, detail, action: 'reconnect' };
    case 'rate_limited':
      return {
        summary: at ? `${name} limit reached; next try at ${at}` : `${name} limit reached; we'll try again shortly`,
        detail,
        action: undefined,
      };
    case 'provider_unavailable':
      return {
        summary: at ? `${name} is not responding; we'll retry at ${at}` : `${name} is not responding; we'll retry shortly`,
        detail,
        action: 'retry',
      };
    case 'plan_or_region_unsupported':
      return { summary: detail ?? `This ${name} company's plan or region is not supported`, detail: undefined, action: undefined };
    case 'validation': {
      const base = detail ?? `${name} refused a record`;
      const summary = error.field && !base.includes(error.field) ? `${base.replace(/\.$/, '')} (field “${error.field}”)` : base;
      return { summary, detail: undefined, action: error.action === 'retry' ? 'retry' : undefined };
    }
    case 'internal':
      return { summary: 'Something went wrong on our side', detail: 'We have been notified. Retrying usually works.', action: 'retry' };
  }
}
