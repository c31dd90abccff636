import type { Context } from 'hono';
import { isIP, type BlockList } from 'node:net';

/**
 * The address a request came from, as per-address limits count it: the TCP peer, unless that peer is a
 * trusted proxy (LEDGERLINK_TRUSTED_PROXIES), in which case the nearest X-Forwarded-For hop that is not one.
 * Anyone can write X-Forwarded-For, so without a trusted proxy it is ignored. IPv6 clients count per /64,
 * the block one subscriber usually holds; 'unknown' when there is no socket (app.request in tests).
 */
export function clientAddress(c: Context, trusted: BlockList | undefined): string {
  const peer = normalize(socketAddress(c));
  if (!peer) return 'unknown';
  if (!trusted || !isTrusted(trusted, peer)) return bucketOf(peer);
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => normalize(hop.trim()))
    .filter((hop): hop is string => hop !== undefined);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isTrusted(trusted, hops[i]!)) return bucketOf(hops[i]!);
  }
  return bucketOf(hops[0] ?? peer);
}

function socketAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/** A bare IP (IPv4-mapped IPv6 as IPv4), or undefined when the text is not one. */
function normalize(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text)?.[1];
  const address = mapped ?? text;
  return isIP(address) ? address : undefined;
}

/** Answers per list and address: BlockList.check builds a SocketAddress per call, a cost on every request. */
const trustedCache = new WeakMap<BlockList, Map<string, boolean>>();

function isTrusted(list: BlockList, address: string): boolean {
  let known = trustedCache.get(list);
  if (!known) trustedCache.set(list, (known = new Map()));
  let trusted = known.get(address);
  if (trusted === undefined) {
    trusted = list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
    if (known.size >= 10_000) known.clear();
    known.set(address, trusted);
  }
  return trusted;
}

function bucketOf(address: string): string {
  if (isIP(address) === 4) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((part) => part.replace(/^0+(?=.)/, ''));
}
