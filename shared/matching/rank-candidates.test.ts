import { describe, expect, it } from 'vitest';
import { generateLabelledSet } from './fixtures/labelled-set.ts';
import { createMatchIndex } from './match-index.ts';
import { rankCandidates } from './rank-candidates.ts';
import { searchCandidates } from './search-candidates.ts';

const vendors = [
  { id: 'v1', name: 'Acme Plumbing Ltd', phone: '020 7946 0018', email: 'ap@acmeplumbing.co.uk' },
  { id: 'v2', name: 'Acme Electrical' },
  { id: 'v3', name: 'Acme Holdings' },
  { id: 'v4', name: 'John Okafor', email: 'john.okafor@gmail.com' },
  { id: 'v5', name: 'Okafor Logistics' },
  { id: 'v6', name: 'International Business Services' },
  { id: 'v7', name: 'Interiors by Design' },
  { id: 'v8', name: 'Zenith Dental' },
];
const index = createMatchIndex(vendors);

describe('rankCandidates', () => {
  it('ranks the pair first and explains it', () => {
    const ranked = rankCandidates({ id: 'h1', name: 'ACME Plumbing', phone: '+44 20 7946 0018' }, index);
    expect(ranked[0]).toMatchObject({ id: 'v1', reasons: ['name', 'phone'] });
    expect(ranked.map((candidate) => candidate.id)).toContain('v2');
  });

  it('ranks surname-first and initialled names', () => {
    expect(rankCandidates({ id: 'h', name: 'Okafor, J.' }, index)[0]?.id).toBe('v4');
  });

  it('accepts a plain array and honours the limit', () => {
    const ranked = rankCandidates({ id: 'h', name: 'Acme' }, vendors, { limit: 2 });
    expect(ranked).toHaveLength(2);
    expect(ranked.every((candidate) => candidate.id.startsWith('v'))).toBe(true);
  });

  it('orders equal scores by id', () => {
    const ranked = rankCandidates({ id: 'h', name: 'Acme' }, [{ id: 'b', name: 'Acme' }, { id: 'a', name: 'ACME' }]);
    expect(ranked.map((candidate) => candidate.id)).toEqual(['a', 'b']);
  });

  it('finds the true pair first for most records of a generated set', () => {
    const set = generateLabelledSet({ seed: 5, pairs: 500, leftOnly: 100, rightOnly: 300, hardNegativeGroups: 30 });
    const generated = createMatchIndex(set.right);
    const byId = new Map(set.left.map((record) => [record.id, record]));
    let first = 0;
    for (const [leftId, rightId] of set.truePairs) {
      const record = byId.get(leftId);
      if (record && rankCandidates(record, generated, { limit: 5 })[0]?.id === rightId) first += 1;
    }
    expect(first / set.truePairs.size).toBeGreaterThan(0.97);
  });
});

describe('searchCandidates', () => {
  it('treats the last word as a prefix while typing', () => {
    expect(searchCandidates('acme plu', index)[0]?.id).toBe('v1');
    expect(searchCandidates('zen', index).map((candidate) => candidate.id)).toEqual(['v8']);
  });

  it('finds abbreviations and typos in finished words', () => {
    expect(searchCandidates('intl business ', index)[0]?.id).toBe('v6');
    expect(searchCandidates('okafr logistics', index)[0]?.id).toBe('v5');
    expect(searchCandidates('okafer logistics', index)[0]?.id).toBe('v5');
  });

  it('keeps both readings of an unfinished abbreviation', () => {
    const found = searchCandidates('int', index).map((candidate) => candidate.id);
    expect(found).toEqual(expect.arrayContaining(['v6', 'v7']));
  });

  it('finds a record by typed email or phone', () => {
    expect(searchCandidates('John.Okafor@gmail.com', index)).toEqual([{ id: 'v4', score: 1, reasons: ['email'] }]);
    expect(searchCandidates('+44 20 7946 0018', index)).toEqual([{ id: 'v1', score: 1, reasons: ['phone'] }]);
  });

  it('gives nothing for empty or noise-only text', () => {
    expect(searchCandidates('', index)).toEqual([]);
    expect(searchCandidates('the ', index)).toEqual([]);
  });
});
