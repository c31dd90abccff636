import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { signLedgerlinkPayload, verifyLedgerlinkSignature } from './verify-signature.ts';

const secret = 'whsec_test_0123456789abcdef';
const body = '{"id":"evt_1","type":"connection.connected","data":{"name":"Café"}}';
const t = 1_790_000_000;
const at = (seconds: number) => new Date(seconds * 1000);

describe('Ledgerlink-Signature', () => {
  test('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> keyed by the whole secret', async () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(await signLedgerlinkPayload(secret, body, t)).toBe(`t=${t},v1=${expected}`);
  });

  test('verifies what it signs, from a string or the raw bytes', async () => {
    const header = await signLedgerlinkPayload(secret, body, t);
    expect(await verifyLedgerlinkSignature(secret, header, body, 300, at(t + 10))).toEqual({ valid: true, timestamp: t });
    expect(await verifyLedgerlinkSignature(secret, header, new TextEncoder().encode(body), 300, at(t))).toEqual({ valid: true, timestamp: t });
  });

  test('rejects a tampered body, a wrong secret, or a changed timestamp', async () => {
    const header = await signLedgerlinkPayload(secret, body, t);
    const mismatch = { valid: false, reason: 'signature_mismatch' };
    expect(await verifyLedgerlinkSignature(secret, header, body.replace('Café', 'Cafe'), 300, at(t))).toEqual(mismatch);
    expect(await verifyLedgerlinkSignature('whsec_other', header, body, 300, at(t))).toEqual(mismatch);
    expect(await verifyLedgerlinkSignature(secret, header.replace(`t=${t}`, `t=${t + 1}`), body, 300, at(t))).toEqual(mismatch);
  });

  test('rejects a request older or newer than the tolerance (replays)', async () => {
    const header = await signLedgerlinkPayload(secret, body, t);
    const stale = { valid: false, reason: 'timestamp_out_of_tolerance' };
    expect(await verifyLedgerlinkSignature(secret, header, body, 300, at(t + 301))).toEqual(stale);
    expect(await verifyLedgerlinkSignature(secret, header, body, 300, at(t - 301))).toEqual(stale);
  });

  test('accepts any matching v1 among several; refuses malformed headers', async () => {
    const header = await signLedgerlinkPayload(secret, body, t);
    const v1 = header.split('v1=')[1]!;
    expect((await verifyLedgerlinkSignature(secret, `t=${t}, v1=${'0'.repeat(64)}, v1=${v1}`, body, 300, at(t))).valid).toBe(true);
    for (const bad of [undefined, '', `v1=${v1}`, `t=${t}`, `t=soon,v1=${v1}`, `t=${t},v1=xyz`]) {
      expect(await verifyLedgerlinkSignature(secret, bad, body, 300, at(t))).toEqual({ valid: false, reason: 'malformed_header' });
    }
  });
});
