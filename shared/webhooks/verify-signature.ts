/**
 * Ledgerlink webhook signatures, the same code on both sides: the backend signs with
 * `signLedgerlinkPayload`, hosts verify with `verifyLedgerlinkSignature`. Web Crypto only, so it runs in
 * Node 20+, Deno, Bun, workers and browsers.
 *
 * Header: `Ledgerlink-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where the HMAC key is the endpoint
 * secret (the whole `whsec_…` string, UTF-8) and the message is `<t>.<raw request body>`. Signing the
 * timestamp with the body lets a receiver reject replays of an old, genuinely signed request.
 */

const encoder = new TextEncoder();

export type SignatureCheck =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'malformed_header' | 'timestamp_out_of_tolerance' | 'signature_mismatch' };

/** The header value for `body` signed at `timestamp` (unix seconds). */
export async function signLedgerlinkPayload(secret: string, body: string | Uint8Array, timestamp: number): Promise<string> {
  return `t=${timestamp},v1=${await hmacHex(secret, timestamp, body)}`;
}

/**
 * Checks a `Ledgerlink-Signature` header against the raw body exactly as received (verify before parsing
 * JSON: re-serialising changes bytes). Valid when one `v1` signature matches and `t` is within
 * `toleranceSeconds` of `now`. Several `v1` entries are accepted, so a header may carry more than one.
 */
export async function verifyLedgerlinkSignature(
  secret: string,
  header: string | null | undefined,
  body: string | Uint8Array,
  toleranceSeconds = 300,
  now: Date = new Date(),
): Promise<SignatureCheck> {
  const parsed = parseHeader(header ?? '');
  if (!parsed) return { valid: false, reason: 'malformed_header' };
  if (Math.abs(now.getTime() / 1000 - parsed.timestamp) > toleranceSeconds) return { valid: false, reason: 'timestamp_out_of_tolerance' };
  const expected = await hmacHex(secret, parsed.timestamp, body);
  const matched = parsed.signatures.some((signature) => constantTimeEqual(signature, expected));
  return matched ? { valid: true, timestamp: parsed.timestamp } : { valid: false, reason: 'signature_mismatch' };
}

function parseHeader(header: string): { timestamp: number; signatures: string[] } | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}

async function hmacHex(secret: string, timestamp: number, body: string | Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const prefix = encoder.encode(`${timestamp}.`);
  const bodyBytes = typeof body === 'string' ? encoder.encode(body) : body;
  const message = new Uint8Array(prefix.length + bodyBytes.length);
  message.set(prefix, 0);
  message.set(bodyBytes, prefix.length);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Compares without an early exit, so timing reveals nothing about how much of a guess was right. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}
