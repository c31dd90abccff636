import { expect } from '@open-wc/testing';
import * as data from '../test-support/sync-status-data.ts';
import { runProgress } from './progress-text.ts';
import { rowStatus } from './row-status.ts';
import { scrollToReveal, visibleRange } from './row-window.ts';
import { syncErrorText } from './sync-error-text.ts';
import { clampPollDelay } from './sync-poller.ts';
import { observe } from './sync-transitions.ts';
import { TypeAhead } from './type-ahead.ts';

describe('client-sync-status logic', () => {
  it('words progress honestly: percent and ETA, waiting, unknown total', () => {
    const running = data.running('A', 620, 1000, 170).sync.current_run!;
    expect(runProgress(running, 'en-US')).to.deep.equal({ percent: 62, label: '62% · ~3 min left', valueText: '62 percent, about 3 minutes left' });
    expect(runProgress({ ...running, eta_seconds: null }, 'en-US').label).to.equal('62% · estimating time left');
    expect(runProgress({ ...running, progress: { ...running.progress, total: null } }, 'en-US').percent).to.equal(undefined);
    expect(runProgress({ ...running, progress: { ...running.progress, done: 999 } }, 'en-US').percent).to.equal(99);
    expect(runProgress({ ...running, status: 'queued' }, 'en-US').label).to.equal('Waiting to start');
  });

  it('maps every error category to plain words and its fix', () => {
    const now = new Date(2026, 10, 21, 3, 0).getTime();
    const at = new Date(2026, 10, 21, 6, 0).toISOString();
    const limit = syncErrorText(data.syncError('rate_limited', { retry_at: at }), 'qbo', { now, locale: 'en-GB' });
    expect(limit).to.deep.include({ summary: 'QuickBooks limit reached; next try at 06:00', action: undefined });
    expect(syncErrorText(data.syncError('rate_limited', { retry_at: at }), 'xero', { now, locale: 'en-GB' }).summary).to.equal('Xero limit reached; next try at 06:00');
    expect(syncErrorText(data.syncError('provider_unavailable', { retry_at: at }), 'qbo', { now, locale: 'en-GB' })).to.deep.include({
      summary: "QuickBooks is not responding; we'll retry at 06:00",
      action: 'retry',
    });
    expect(syncErrorText(data.syncError('needs_reconnect'), 'qbo').action).to.equal('reconnect');
    expect(syncErrorText(data.syncError('internal'), 'qbo')).to.deep.include({ summary: 'Something went wrong on our side', action: 'retry' });
    expect(syncErrorText(data.syncError('validation', { message: 'QuickBooks refused invoice 7.', field: 'BillAddr' }), 'qbo').summary).to.equal(
      'QuickBooks refused invoice 7 (field “BillAddr”)',
    );
    expect(syncErrorText(data.syncError('plan_or_region_unsupported'), 'qbo').summary).to.contain('Simple Start');
  });

  it('ranks row states: disconnected, reconnect, active run, failure, stale, synced', () => {
    const failed = data.failed('F', 'internal');
    expect(rowStatus(failed).kind).to.equal('failed');
    const retrying = data.running('R', 1, 10, 5);
    expect(rowStatus({ ...retrying, sync: { ...retrying.sync, last_run: failed.sync.last_run } }).kind).to.equal('running');
    expect(rowStatus({ ...failed, connection: { ...failed.connection, status: 'disconnected' } }).kind).to.equal('disconnected');
    expect(rowStatus(data.failed('N', 'needs_reconnect')).kind).to.equal('reconnect');
    expect(rowStatus(data.entry({ sync: { stale: true } })).kind).to.equal('stale');
    expect(rowStatus(data.entry({ sync: { last_successful_sync_at: null } })).kind).to.equal('never');
    expect(rowStatus(data.entry()).kind).to.equal('synced');
  });

  it('reports a finished run once and announces quarters, not every percent', () => {
    const before = data.running('Acme', 200, 1000, 60);
    const previous = new Map([[before.connection.id, before]]);
    const watched = new Map<string, string>();
    const reported = new Set<string>();
    const at30 = { ...before, sync: { ...before.sync, current_run: { ...before.sync.current_run!, progress: { ...before.sync.current_run!.progress, done: 300 } } } };
    expect(observe(previous, [at30], watched, reported).announcements).to.deep.equal(['Acme: 25% synced.']);
    const at40 = { ...before, sync: { ...before.sync, current_run: { ...before.sync.current_run!, progress: { ...before.sync.current_run!.progress, done: 400 } } } };
    expect(observe(new Map([[before.connection.id, at30]]), [at40], watched, reported).announcements).to.deep.equal([]);
    const done = { ...before.sync.current_run!, status: 'succeeded' as const };
    const after = { ...before, sync: { ...before.sync, current_run: null, last_run: done } };
    const first = observe(new Map([[before.connection.id, at40]]), [after], watched, reported);
    expect(first.completed.map((c) => c.run.id)).to.deep.equal([done.id]);
    expect(first.announcements).to.deep.equal(['Acme: sync finished.']);
    expect(observe(new Map([[before.connection.id, after]]), [after], watched, reported).completed).to.have.length(0);
    // "Sync now" answered (coalesced onto this run) after a poll had already reported it: not reported again.
    watched.set(before.connection.id, done.id);
    expect(observe(new Map([[before.connection.id, after]]), [after], watched, reported).completed).to.have.length(0);
  });

  it('windows rows and reveals a row with the least scrolling', () => {
    expect(visibleRange(0, 480, 48, 5000, 6)).to.deep.equal({ start: 0, end: 16 });
    expect(visibleRange(48 * 4990, 480, 48, 5000, 6)).to.deep.equal({ start: 4984, end: 5000 });
    expect(visibleRange(0, 480, 48, 0)).to.deep.equal({ start: 0, end: 0 });
    expect(scrollToReveal(3, 0, 480, 48)).to.equal(undefined);
    expect(scrollToReveal(20, 0, 480, 48)).to.equal(21 * 48 - 480);
    expect(scrollToReveal(2, 500, 480, 48)).to.equal(96);
  });

  it('type-ahead finds by prefix, ignores accents, cycles on a repeated letter', () => {
    const names = ['Acme', 'Harbor', 'Hélène Bakery', 'Kestrel'];
    const typeAhead = new TypeAhead();
    expect(typeAhead.find('h', names, 0, 1000)).to.equal(1);
    expect(typeAhead.find('h', names, 1, 1100)).to.equal(2);
    expect(typeAhead.find('h', names, 2, 1200)).to.equal(1);
    expect(typeAhead.find('h', names, 0, 5000)).to.equal(1);
    expect(typeAhead.find('e', names, 1, 5100)).to.equal(2);
    expect(typeAhead.find('z', names, 0, 9000)).to.equal(undefined);
  });

  it('clamps the server’s poll hint to 1–60 seconds', () => {
    expect(clampPollDelay(10)).to.equal(1000);
    expect(clampPollDelay(1500)).to.equal(1500);
    expect(clampPollDelay(600_000)).to.equal(60_000);
    expect(clampPollDelay(undefined)).to.equal(30_000);
  });
});
