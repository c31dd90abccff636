import { isIP } from 'node:net';

/**
 * Which addresses a webhook may reach. Pure: no DNS, no sockets, so every spelling is tested in microseconds.
 *
 * A host's webhook URL is chosen by a tenant, so every request we send to it is one the tenant aims. Only
 * addresses on the public internet are fair game: anything private, loopback, link-local (cloud metadata at
 * 169.254.169.254 and fd00:ec2::254), shared (CGNAT), multicast or reserved would let a tenant reach our
 * database, our admin API or our cloud account. IPv6 forms that embed an IPv4 address (mapped, compatible,
 * NAT64, 6to4) are judged by the address they embed; Teredo is refused outright.
 */
export interface AddressPolicy {
  /** Development only (LEDGERLINK_WEBHOOK_ALLOW_LOOPBACK): a receiver on this machine is allowed. */
  allowLoopback: boolean;
}

/** IPv4 ranges no webhook may reach, [first octets as a 32-bit prefix, prefix length, why]. */
const deniedV4: [string, number, string][] = [
  ['0.0.0.0', 8, 'a "this network" address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a shared (carrier-grade NAT) address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local (cloud metadata) address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'a reserved address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.88.99.0', 24, 'a reserved relay address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
];

const v4Ranges = deniedV4.map(([base, bits, reason]) => ({ base: v4ToNumber(base), bits, reason }));

/** Why this IP address may not be reached, or undefined when it may. `address` is an IPv4 or IPv6 literal. */
export function deniedAddressReason(address: string, policy: AddressPolicy): string | undefined {
  const family = isIP(address);
  if (family === 4) return deniedV4Reason(v4ToNumber(address), policy);
  if (family === 6) return deniedV6Reason(v6ToBytes(address), policy);
  return 'not an IP address';
}

function deniedV4Reason(value: number, policy: AddressPolicy): string | undefined {
  for (const range of v4Ranges) {
    const mask = range.bits === 0 ? 0 : (~0 << (32 - range.bits)) >>> 0;
    if (((value & mask) >>> 0) === range.base) {
      if (range.base === v4ToNumber('127.0.0.0') && policy.allowLoopback) return undefined;
      return range.reason;
    }
  }
  return undefined;
}

function deniedV6Reason(bytes: Uint8Array, policy: AddressPolicy): string | undefined {
  const word = (index: number) => (bytes[index * 2]! << 8) | bytes[index * 2 + 1]!;
  const zeroUpTo = (words: number) => Array.from({ length: words }, (_, index) => word(index)).every((value) => value === 0);
  const embeddedV4 = (offset: number) => ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;

  if (zeroUpTo(7) && word(7) === 1) return policy.allowLoopback ? undefined : 'a loopback address';
  if (zeroUpTo(8)) return 'an unspecified address';
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): the IPv4 address is what gets reached.
  if (zeroUpTo(5) && word(5) === 0xffff) return deniedV4Reason(embeddedV4(12), policy);
  if (zeroUpTo(6)) return deniedV4Reason(embeddedV4(12), policy);
  // NAT64: 64:ff9b::/96 (well-known) and 64:ff9b:1::/48 (local use) translate to the embedded IPv4 address.
  if (word(0) === 0x64 && word(1) === 0xff9b && word(2) === 0 && word(3) === 0 && word(4) === 0 && word(5) === 0) {
    return deniedV4Reason(embeddedV4(12), policy);
  }
  if (word(0) === 0x64 && word(1) === 0xff9b && word(2) === 1) return 'a local NAT64 address';
  if (word(0) === 0x2002) return deniedV4Reason(embeddedV4(2), policy); // 6to4 carries its IPv4 in bits 16–47
  if (word(0) === 0x2001 && word(1) === 0) return 'a Teredo tunnel address';
  if (word(0) === 0x2001 && word(1) === 0x0db8) return 'a documentation address';
  if (word(0) === 0x0100 && word(1) === 0 && word(2) === 0 && word(3) === 0) return 'a discard address';
  if ((bytes[0]! & 0xfe) === 0xfc) return 'a unique local (private) address';
  if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80) return 'a link-local address';
  if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0xc0) return 'a site-local address';
  if (bytes[0] === 0xff) return 'a multicast address';
  return undefined;
}

/**
 * Host names refused before any lookup: they name this machine, the cloud's metadata service or a private
 * network by convention, and single-label names resolve through the resolver's search domains (internal).
 */
export function deniedHostNameReason(hostname: string, policy: AddressPolicy): string | undefined {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return policy.allowLoopback ? undefined : 'a loopback name';
  if (metadataNames.has(name)) return 'a cloud metadata name';
  if (!name.includes('.')) return 'a single-label (internal) name';
  if (privateSuffixes.some((suffix) => name.endsWith(suffix))) return 'an internal name';
  return undefined;
}

const metadataNames = new Set(['metadata.google.internal', 'metadata.goog', 'metadata.azure.com', 'instance-data', 'instance-data.ec2.internal']);
const privateSuffixes = ['.internal', '.local', '.localdomain', '.home.arpa', '.intranet', '.corp', '.lan'];

function v4ToNumber(address: string): number {
  return address.split('.').reduce((value, octet) => ((value << 8) | Number(octet)) >>> 0, 0);
}

/** 16 bytes of an IPv6 literal (isIP already said it is one), including a trailing dotted IPv4 part. */
function v6ToBytes(literal: string): Uint8Array {
  let address = literal.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    const value = v4ToNumber(dotted[1]!);
    address = address.slice(0, -dotted[1]!.length) + `${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const headWords = head ? head.split(':') : [];
  const tailWords = tail ? tail.split(':') : [];
  const words = tail === undefined ? headWords : [...headWords, ...Array(8 - headWords.length - tailWords.length).fill('0'), ...tailWords];
  const bytes = new Uint8Array(16);
  words.forEach((text, index) => {
    const value = parseInt(text, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}
