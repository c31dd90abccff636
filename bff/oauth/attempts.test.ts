import { expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';
import { claimCompletion, createAttempt, recordOutcome, startAttempt, waitForOutcome } from './attempts.ts';
import type { OAuthResultMessage } from '../../shared/api/oauth.ts';

const t = testApp();

async function startedAttempt(ttlMs = 600_000) {
  const tenant = await t.createTenant();
  const attempt = await createAttempt(t.deps.sql, {
    tenant_id: tenant.id,
    organization_id: 'org-1',
    user_id: 'user-1',
    user_role: 'admin',
    provider: 'qbo',
    connection_id: null,
    mode: 'popup',
    return_url: null,
    opener_origin: null,
    expires_at: new Date(Date.now() + ttlMs),
  });
  await startAttempt(t.deps.sql, attempt.id, new Date());
  return attempt;
}

const cancelled: OAuthResultMessage = { source: 'ledgerlink', type: 'oauth-result', outcome: 'cancelled', code: 'access_denied', message: 'You cancelled.' };

test('a load that lost the claim gets the outcome the winner records, even when it is recorded later', async () => {
  const attempt = await startedAttempt();
  expect(await claimCompletion(t.deps.sql, attempt.id, new Date())).toBe(true);
  expect(await claimCompletion(t.deps.sql, attempt.id, new Date())).toBe(false);
  setTimeout(() => void recordOutcome(t.deps.sql, attempt.id, cancelled), 150);
  expect(await waitForOutcome(t.deps.sql, attempt.id, { timeoutMs: 5_000 })).toEqual({ kind: 'settled', outcome: cancelled });
});

test('a winner that never records (its process died) leaves the others "pending" once they stop waiting', async () => {
  const attempt = await startedAttempt();
  await claimCompletion(t.deps.sql, attempt.id, new Date());
  const started = Date.now();
  expect(await waitForOutcome(t.deps.sql, attempt.id, { timeoutMs: 300 })).toEqual({ kind: 'pending' });
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
});

test('an attempt nobody claimed before it expired is "expired" at once, not waited for', async () => {
  const attempt = await startedAttempt(-1);
  expect(await claimCompletion(t.deps.sql, attempt.id, new Date())).toBe(false);
  // A wait far beyond the test's own timeout: answering "expired" by waiting it out fails the test, with no
  // wall-clock threshold that a busy machine could cross.
  expect(await waitForOutcome(t.deps.sql, attempt.id, { timeoutMs: 10 * 60_000 })).toEqual({ kind: 'expired' });
});
