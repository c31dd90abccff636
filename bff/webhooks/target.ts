import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Config } from '../config.ts';
import { deniedAddressReason, deniedHostNameReason, type AddressPolicy } from './address-policy.ts';

/** One address a name resolves to, as node:dns gives it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. Injected in tests, so rebinding is simulated without DNS. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const resolveWithSystem: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

/** The policy this deployment applies: loopback only when explicitly allowed, and never in production. */
export function addressPolicy(config: Pick<Config, 'production' | 'LEDGERLINK_WEBHOOK_ALLOW_LOOPBACK'>): AddressPolicy {
  return { allowLoopback: !config.production && config.LEDGERLINK_WEBHOOK_ALLOW_LOOPBACK };
}

/** The host name as a bare literal: URL keeps IPv6 in brackets, and has already normalised IPv4 spellings. */
function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Why a webhook URL may not be registered, or undefined. Without DNS: the URL parser has already turned every
 * IPv4 spelling (0xa9fea9fe, 2852039166, 0251.0376.0251.0376) and IPv6 form into one literal, which is judged
 * as an address; names are judged by what they say (localhost, metadata, internal suffixes). A public-looking
 * name that resolves to a private address is caught at delivery, after resolution.
 */
export function webhookUrlRefusal(text: string, policy: AddressPolicy): string | undefined {
  const url = new URL(text);
  const host = bareHost(url);
  if (url.protocol !== 'https:') {
    const loopback = isIP(host)
      ? deniedAddressReason(host, { allowLoopback: false }) === 'a loopback address'
      : deniedHostNameReason(host, { allowLoopback: false }) === 'a loopback name';
    if (!(url.protocol === 'http:' && policy.allowLoopback && loopback)) return 'must be an https:// URL';
  }
  const reason = isIP(host) ? deniedAddressReason(host, policy) : deniedHostNameReason(host, policy);
  return reason ? `must not point at ${reason}` : undefined;
}

/** Where one delivery connects: the URL's name for Host and SNI, and the one checked address to dial. */
export type DeliveryTarget = { ok: true; url: URL; address: ResolvedAddress } | { ok: false; reason: string };

/**
 * Checks the URL again and resolves its name once, refusing when any address it resolves to is denied (a
 * name with one private address among public ones is a rebinding setup, not a mistake). The delivery then
 * connects to exactly the address returned here, so a second lookup cannot swap in another.
 */
export async function resolveDeliveryTarget(text: string, policy: AddressPolicy, resolve: ResolveHost): Promise<DeliveryTarget> {
  const refusal = webhookUrlRefusal(text, policy);
  if (refusal) return { ok: false, reason: `refused: the URL ${refusal.replace(/^must not point at /, 'points at ')}` };
  const url = new URL(text);
  const host = bareHost(url);
  if (isIP(host)) return { ok: true, url, address: { address: host, family: isIP(host) === 6 ? 6 : 4 } };
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { ok: false, reason: `the name did not resolve${code ? ` (${code})` : ''}` };
  }
  if (addresses.length === 0) return { ok: false, reason: 'the name did not resolve' };
  for (const { address } of addresses) {
    const reason = deniedAddressReason(address, policy);
    if (reason) return { ok: false, reason: `refused: the name resolves to ${reason}` };
  }
  return { ok: true, url, address: addresses[0]! };
}
