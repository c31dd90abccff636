import type { FetchSessionToken } from './session-source.ts';

export interface LedgerlinkDefaults {
  /** Where the BFF lives. Default: the origin ledgerlink.js was loaded from. */
  bffUrl?: string;
  /** Called for a session token before the first request, before expiry and after a 401. */
  fetchSessionToken?: FetchSessionToken;
}

const defaults: LedgerlinkDefaults = {};
const listeners = new Set<() => void>();

/**
 * Page-wide defaults, so a host configures once instead of on every element:
 * `Ledgerlink.configure({ fetchSessionToken: () => fetch('/api/ledgerlink-session').then(r => r.json()) })`.
 * An element's own attributes and properties win over these.
 */
export function configure(options: LedgerlinkDefaults): void {
  Object.assign(defaults, options);
  for (const listener of listeners) listener();
}

export function getDefaults(): Readonly<LedgerlinkDefaults> {
  return defaults;
}

export function onDefaultsChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
