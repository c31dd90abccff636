/**
 * The matcher's working copy of the server's MatchingState and the local moves between its sections: linking
 * takes a pair out of Auto-matched, Suggested or Unmatched and puts it in Linked; unlinking and rejecting put both
 * sides back into Unmatched. Every move returns how to revert it, which is what Undo does. Pure, no I/O: the
 * component calls the BFF first and applies the move on success. Linear in the size of the lists, so accepting
 * 10,000 pairs (and undoing it) stays instant.
 */
import { fold } from '../format/text.ts';
import type { HostRecord, Link, MatchingState, ProviderParty, Suggestion } from '../../shared/api/matching.ts';

export type LinkedPair = MatchingState['linked'][number];

export const sectionKeys = ['auto', 'suggested', 'unmatched', 'linked'] as const;
export type SectionKey = (typeof sectionKeys)[number];

/** In Unmatched: the host's records without a partner, or QuickBooks records not in the host's list. */
export type UnmatchedView = 'host' | 'provider';

export type MatcherRow =
  | { type: 'suggestion'; key: string; suggestion: Suggestion }
  | { type: 'host'; key: string; host: HostRecord }
  | { type: 'provider'; key: string; provider: ProviderParty }
  | { type: 'linked'; key: string; link: LinkedPair };

/** A local move and how to take it back. */
export interface Move {
  state: MatchingState;
  revert(state: MatchingState): MatchingState;
}

interface Placed<T> {
  index: number;
  item: T;
}

interface Taken {
  auto: Placed<Suggestion>[];
  suggested: Placed<Suggestion>[];
  unmatched_host: Placed<HostRecord>[];
  unmatched_provider: Placed<ProviderParty>[];
  linked: Placed<LinkedPair>[];
}

/** Takes host ids out of every section (and provider ids out of Unmatched), remembering where each was. */
function takeOut(state: MatchingState, hostIds: ReadonlySet<string>, providerIds: ReadonlySet<string>): { state: MatchingState; taken: Taken } {
  const taken: Taken = { auto: [], suggested: [], unmatched_host: [], unmatched_provider: [], linked: [] };
  const keep = <T>(list: T[], picked: (item: T) => boolean, into: Placed<T>[]): T[] =>
    list.filter((item, index) => {
      if (!picked(item)) return true;
      into.push({ index, item });
      return false;
    });
  return {
    taken,
    state: {
      ...state,
      auto: keep(state.auto, (s) => hostIds.has(s.host.id), taken.auto),
      suggested: keep(state.suggested, (s) => hostIds.has(s.host.id), taken.suggested),
      unmatched_host: keep(state.unmatched_host, (h) => hostIds.has(h.id), taken.unmatched_host),
      unmatched_provider: keep(state.unmatched_provider, (p) => providerIds.has(p.id), taken.unmatched_provider),
      linked: keep(state.linked, (l) => hostIds.has(l.host_id), taken.linked),
    },
  };
}

/** Puts taken items back where they were (as near as the list's current length allows), in one pass. */
function insertAt<T>(list: readonly T[], placed: readonly Placed<T>[]): T[] {
  if (placed.length === 0) return [...list];
  const sorted = [...placed].sort((a, b) => a.index - b.index);
  const result: T[] = [];
  let next = 0;
  for (const item of list) {
    while (next < sorted.length && sorted[next]!.index <= result.length) result.push(sorted[next++]!.item);
    result.push(item);
  }
  while (next < sorted.length) result.push(sorted[next++]!.item);
  return result;
}

function putBack(state: MatchingState, taken: Taken): MatchingState {
  return {
    ...state,
    auto: insertAt(state.auto, taken.auto),
    suggested: insertAt(state.suggested, taken.suggested),
    unmatched_host: insertAt(state.unmatched_host, taken.unmatched_host),
    unmatched_provider: insertAt(state.unmatched_provider, taken.unmatched_provider),
    linked: insertAt(state.linked, taken.linked),
  };
}

/**
 * Links made on the server, applied locally: the pairs leave the other sections and lead the Linked list.
 * `known` supplies QuickBooks records found elsewhere (the picker's candidates, a duplicate-name answer).
 */
export function linkPairs(state: MatchingState, links: readonly Link[], known: ReadonlyMap<string, ProviderParty> = new Map()): Move {
  const hostIds = new Set(links.map((link) => link.host_id));
  const providerIds = new Set(links.map((link) => link.provider_id));
  const out = takeOut(state, hostIds, providerIds);
  const hosts = new Map<string, HostRecord>();
  const providers = new Map<string, ProviderParty>(known);
  for (const { item } of [...out.taken.auto, ...out.taken.suggested]) {
    hosts.set(item.host.id, item.host);
    providers.set(item.provider.id, item.provider);
  }
  for (const { item } of out.taken.unmatched_host) hosts.set(item.id, item);
  for (const { item } of out.taken.unmatched_provider) providers.set(item.id, item);
  for (const { item } of out.taken.linked) {
    if (item.host) hosts.set(item.host_id, item.host);
    if (item.provider) providers.set(item.provider_id, item.provider);
  }
  const added: LinkedPair[] = links.map((link) => ({ ...link, host: hosts.get(link.host_id) ?? null, provider: providers.get(link.provider_id) ?? null }));
  return {
    state: { ...out.state, linked: [...added, ...out.state.linked] },
    revert: (current) => putBack({ ...current, linked: current.linked.filter((link) => !hostIds.has(link.host_id)) }, out.taken),
  };
}

/**
 * Splits pairs (linked, auto-matched or suggested) so both sides lead the Unmatched lists: unlinking, and rejecting
 * a suggestion. A QuickBooks record already listed as unmatched is not listed twice.
 */
export function releasePairs(state: MatchingState, hostIds: ReadonlySet<string>): Move {
  const out = takeOut(state, hostIds, new Set());
  const hosts: HostRecord[] = [];
  const providers: ProviderParty[] = [];
  for (const { item } of [...out.taken.auto, ...out.taken.suggested]) {
    hosts.push(item.host);
    providers.push(item.provider);
  }
  for (const { item } of out.taken.linked) {
    if (item.host) hosts.push(item.host);
    if (item.provider) providers.push(item.provider);
  }
  const listed = new Set(out.state.unmatched_provider.map((provider) => provider.id));
  const freed = providers.filter((provider) => !listed.has(provider.id) && (listed.add(provider.id), true));
  const freedIds = new Set(freed.map((provider) => provider.id));
  return {
    state: {
      ...out.state,
      unmatched_host: [...hosts, ...out.state.unmatched_host],
      unmatched_provider: [...freed, ...out.state.unmatched_provider],
    },
    revert: (current) =>
      putBack(
        {
          ...current,
          unmatched_host: current.unmatched_host.filter((host) => !hostIds.has(host.id)),
          unmatched_provider: current.unmatched_provider.filter((provider) => !freedIds.has(provider.id)),
        },
        out.taken,
      ),
  };
}

/** How many rows each tab counts. Unmatched counts the host's records: those are what still needs a decision. */
export function sectionCounts(state: MatchingState): Record<SectionKey, number> {
  return { auto: state.auto.length, suggested: state.suggested.length, unmatched: state.unmatched_host.length, linked: state.linked.length };
}

/** True when the host has sent no records at all: nothing to match yet, whatever QuickBooks holds. */
export function hasNoHostRecords(state: MatchingState): boolean {
  return state.auto.length + state.suggested.length + state.unmatched_host.length + state.linked.length === 0;
}

export function rowsOf(state: MatchingState, section: SectionKey, view: UnmatchedView): MatcherRow[] {
  switch (section) {
    case 'auto':
      return state.auto.map((suggestion) => ({ type: 'suggestion', key: suggestion.host.id, suggestion }));
    case 'suggested':
      return state.suggested.map((suggestion) => ({ type: 'suggestion', key: suggestion.host.id, suggestion }));
    case 'unmatched':
      return view === 'host'
        ? state.unmatched_host.map((host) => ({ type: 'host', key: host.id, host }))
        : activeFirst(state.unmatched_provider).map((provider) => ({ type: 'provider', key: `p:${provider.id}`, provider }));
    case 'linked':
      return state.linked.map((link) => ({ type: 'linked', key: link.host_id, link }));
  }
}

/** QuickBooks records to import: active ones first (those are what people look for), each group in the server's order. */
export function activeFirst(providers: readonly ProviderParty[]): ProviderParty[] {
  return [...providers.filter((provider) => provider.active), ...providers.filter((provider) => !provider.active)];
}

/** The name type-ahead and sorting go by: the host's record, or the QuickBooks record where there is no host record. */
export function rowName(row: MatcherRow): string {
  switch (row.type) {
    case 'suggestion':
      return row.suggestion.host.name;
    case 'host':
      return row.host.name;
    case 'provider':
      return row.provider.name;
    case 'linked':
      return row.link.host?.name ?? row.link.provider?.name ?? row.link.host_id;
  }
}

function searchText(row: MatcherRow): string {
  switch (row.type) {
    case 'suggestion':
      return [row.suggestion.host.name, row.suggestion.provider.name, row.suggestion.host.email, row.suggestion.host.city].join(' ');
    case 'host':
      return [row.host.name, row.host.email, row.host.city, row.host.postal_code].join(' ');
    case 'provider':
      return [row.provider.name, row.provider.email, row.provider.city, row.provider.postal_code].join(' ');
    case 'linked':
      return [row.link.host?.name, row.link.provider?.name, row.link.host?.email].join(' ');
  }
}

/** What a row can be narrowed by: its reasons (auto and suggested) or how it was linked. */
function filterKeys(row: MatcherRow): readonly string[] {
  if (row.type === 'suggestion') return row.suggestion.reasons;
  if (row.type === 'linked') return [row.link.method];
  return [];
}

/** The filter choices the rows offer, most common first. */
export function filterChoices(rows: readonly MatcherRow[]): { key: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const row of rows) for (const key of filterKeys(row)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

const folded = new WeakMap<MatcherRow, string>();

/** Rows whose names, email or city contain the query (case and accents ignored) and that carry the filter key. */
export function filterRows(rows: readonly MatcherRow[], query: string, filter: string): MatcherRow[] {
  const needle = fold(query.trim());
  if (needle === '' && filter === '') return [...rows];
  return rows.filter((row) => {
    if (filter !== '' && !filterKeys(row).includes(filter)) return false;
    if (needle === '') return true;
    let text = folded.get(row);
    if (text === undefined) {
      text = fold(searchText(row));
      folded.set(row, text);
    }
    return text.includes(needle);
  });
}
