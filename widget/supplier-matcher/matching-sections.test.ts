import { expect } from '@open-wc/testing';
import type { Link, MatchingState } from '../../shared/api/matching.ts';
import * as data from '../test-support/matching-data.ts';
import { filterChoices, filterRows, linkPairs, releasePairs, rowName, rowsOf, sectionCounts } from './matching-sections.ts';

const made = (host_id: string, provider_id: string, method: Link['method'] = 'confirmed'): Link => ({
  host_id,
  provider_id,
  method,
  linked_by: 'u',
  linked_at: '2026-11-22T14:03:00.000Z',
});

const ids = (state: MatchingState) => ({
  auto: state.auto.map((s) => s.host.id),
  suggested: state.suggested.map((s) => s.host.id),
  unmatched_host: state.unmatched_host.map((h) => h.id),
  unmatched_provider: state.unmatched_provider.map((p) => p.id),
  linked: state.linked.map((l) => l.host_id),
});

describe('matching sections', () => {
  it('links pairs from any section into Linked, and reverting puts each back in its place', () => {
    const state = data.sampleState();
    const move = linkPairs(state, [made('sup_acme', '61', 'auto'), made('sup_harbor', '71'), made('sup_kestrel', '81', 'manual')]);
    expect(ids(move.state)).to.deep.equal({
      auto: ['sup_smith', 'sup_blue'],
      suggested: ['sup_okafor'],
      unmatched_host: ['sup_northwind', 'sup_yarra'],
      unmatched_provider: ['80', '82'],
      linked: ['sup_acme', 'sup_harbor', 'sup_kestrel', 'sup_delta', 'sup_evergreen'],
    });
    const kestrel = move.state.linked[2]!;
    expect([kestrel.host?.name, kestrel.provider?.name, kestrel.method]).to.deep.equal(['Kestrel Packaging', 'Cascade Courier', 'manual']);
    expect(ids(move.revert(move.state))).to.deep.equal(ids(state));
  });

  it('uses known QuickBooks records for partners found outside the state', () => {
    const known = new Map([['999', data.provider({ id: '999', name: 'Found by search' })]]);
    const move = linkPairs(data.sampleState(), [made('sup_yarra', '999', 'manual')], known);
    expect(move.state.linked[0]?.provider?.name).to.equal('Found by search');
  });

  it('releasing a pair puts both sides in Unmatched once, and reverting restores the pair', () => {
    const state = data.sampleState();
    const unlink = releasePairs(state, new Set(['sup_delta']));
    expect(ids(unlink.state).unmatched_host[0]).to.equal('sup_delta');
    expect(ids(unlink.state).unmatched_provider[0]).to.equal('90');
    expect(ids(unlink.state).linked).to.deep.equal(['sup_evergreen']);
    expect(ids(unlink.revert(unlink.state))).to.deep.equal(ids(state));

    // Rejecting a suggestion whose QuickBooks record is already listed as unmatched does not list it twice.
    const listed = data.sampleState();
    listed.unmatched_provider.push(listed.suggested[0]!.provider);
    const reject = releasePairs(listed, new Set(['sup_okafor']));
    expect(reject.state.unmatched_provider.filter((p) => p.id === '70')).to.have.length(1);
    expect(ids(reject.revert(reject.state))).to.deep.equal(ids(listed));
  });

  it('accepts and reverts 10,000 pairs in linear time', () => {
    const state = data.bigState(10_000);
    const started = performance.now();
    const move = linkPairs(state, state.auto.map((s) => made(s.host.id, s.provider.id, 'auto')));
    const back = move.revert(move.state);
    expect(performance.now() - started).to.be.lessThan(500);
    expect(sectionCounts(move.state)).to.deep.equal({ auto: 0, suggested: 0, unmatched: 0, linked: 10_000 });
    expect(back.auto.map((s) => s.host.id)).to.deep.equal(state.auto.map((s) => s.host.id));
  });

  it('searches names, email and city without case or accents, and filters by reason or link method', () => {
    const state = data.sampleState();
    const auto = rowsOf(state, 'auto', 'host');
    expect(filterRows(auto, 'ÁCME', '').map(rowName)).to.deep.equal(['Acme Office Supply']);
    expect(filterRows(auto, 'asheville', '').map(rowName)).to.deep.equal(['Blue Ridge Paper']);
    expect(filterRows(auto, '', 'phone').map(rowName)).to.deep.equal(['Smith & Jones Ltd']);
    expect(filterChoices(auto)[0]).to.deep.equal({ key: 'similar name', count: 2 });
    const linked = rowsOf(state, 'linked', 'host');
    expect(filterRows(linked, '', 'manual').map(rowName)).to.deep.equal(['Evergreen Janitorial']);
    expect(rowsOf(state, 'unmatched', 'provider').map(rowName)).to.deep.equal(['Northwind Label Co.', 'Cascade Courier', 'Old Mill Lumber']);
  });
});
