import { expect } from '@open-wc/testing';
import { formatDateTime, formatRelativeTime } from './relative-time.ts';

const now = Date.parse('2026-11-21T16:03:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('formatRelativeTime', () => {
  it('picks the largest whole unit, in the given locale', () => {
    expect(formatRelativeTime(ago(2 * 3600_000), { now, locale: 'en' })).to.equal('2 hours ago');
    expect(formatRelativeTime(ago(5 * 60_000), { now, locale: 'en' })).to.equal('5 minutes ago');
    expect(formatRelativeTime(ago(26 * 3600_000), { now, locale: 'en' })).to.equal('yesterday');
    expect(formatRelativeTime(ago(3 * 7 * 24 * 3600_000), { now, locale: 'en' })).to.equal('3 weeks ago');
    expect(formatRelativeTime(ago(2 * 3600_000), { now, locale: 'de' })).to.equal('vor 2 Stunden');
  });

  it('calls a few seconds either way "now", so clock skew never reads "in 3 seconds"', () => {
    expect(formatRelativeTime(ago(-3000), { now, locale: 'en' })).to.equal('now');
    expect(formatRelativeTime(ago(20_000), { now, locale: 'en' })).to.equal('now');
    expect(formatRelativeTime(ago(50_000), { now, locale: 'en' })).to.equal('1 minute ago');
  });

  it('gives the exact moment for the tooltip', () => {
    const exact = formatDateTime('2026-11-21T14:03:00Z', 'en-GB');
    expect(exact).to.match(/21 Nov 2026, \d{2}:03/);
  });
});
