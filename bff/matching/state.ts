import type { HostRecord, MatchingState, PartyKind, ProviderParty } from '../../shared/api/matching.ts';
import { createMatchIndex, rankCandidates, searchCandidates, suggestMatches, type Candidate, type MatchIndex, type MatchRecord } from '../../shared/matching/index.ts';
import type { Sql } from '../db/client.ts';
import { hostMatchRecord, providerMatchRecord, providerParty, providerTypeOf } from './parties.ts';
import { activeLinks, hostRecords } from './store.ts';

interface Parties {
  parties: ProviderParty[];
  records: MatchRecord[];
}

/** The connection's live QuickBooks vendors or customers from the mirror (inactive ones included, flagged). */
export async function providerParties(sql: Sql, connectionId: string, kind: PartyKind): Promise<Parties> {
  const rows = await sql<{ external_id: string; data: Record<string, unknown> }[]>`
    select external_id, data from records
    where connection_id = ${connectionId} and type = ${providerTypeOf[kind]} and deleted_at is null`;
  const parties = rows.map((row) => providerParty(row.external_id, row.data));
  return { parties, records: parties.map((party, index) => providerMatchRecord(party, rows[index]!.data)) };
}

/**
 * What the matcher shows: linked pairs, then suggestions among the records nobody linked yet (auto pairs
 * strong enough to link without a person, weaker ones for confirmation), then whatever is left on each side.
 */
export async function matchingState(sql: Sql, scope: { tenantId: string; organizationId: string }, connectionId: string, kind: PartyKind): Promise<MatchingState> {
  const [hosts, provider, links] = await Promise.all([hostRecords(sql, scope, kind), providerParties(sql, connectionId, kind), activeLinks(sql, connectionId, kind)]);
  const hostById = new Map(hosts.map((record) => [record.id, record]));
  const partyById = new Map(provider.parties.map((party) => [party.id, party]));
  const linkedHosts = new Set(links.map((link) => link.host_id));
  const linkedProviders = new Set(links.map((link) => link.provider_id));

  const openHosts = hosts.filter((record) => !linkedHosts.has(record.id));
  const openProvider = provider.records.filter((record) => !linkedProviders.has(record.id));
  const matches = suggestMatches(openHosts.map(hostMatchRecord), openProvider);
  const paired = new Set<string>();
  const suggestionsOf = (confidence: 'auto' | 'suggested') =>
    matches
      .filter((match) => match.confidence === confidence)
      .map((match) => {
        paired.add(`h:${match.leftId}`).add(`p:${match.rightId}`);
        return { host: hostById.get(match.leftId)!, provider: partyById.get(match.rightId)!, score: match.score, confidence, reasons: match.reasons };
      });
  const auto = suggestionsOf('auto');
  const suggested = suggestionsOf('suggested');

  return {
    kind,
    auto,
    suggested,
    unmatched_host: openHosts.filter((record) => !paired.has(`h:${record.id}`)),
    unmatched_provider: provider.parties.filter((party) => !linkedProviders.has(party.id) && !paired.has(`p:${party.id}`)),
    linked: links.map((link) => ({ ...link, host: hostById.get(link.host_id) ?? null, provider: partyById.get(link.provider_id) ?? null })),
  };
}

/**
 * The picker asks once per (debounced) keystroke, and building the index of 10,000 records takes ~260 ms:
 * indexes are kept per connection and type while the mirrored records are unchanged (same count and
 * newest change_seq, read from the change index). A few connections' worth, least recently used out.
 */
const indexCache = new Map<string, { version: string; index: MatchIndex; byId: Map<string, ProviderParty> }>();
const INDEX_CACHE_SIZE = 16;

async function pickerIndex(sql: Sql, connectionId: string, kind: PartyKind) {
  const [version] = await sql<{ version: string }[]>`
    select count(*) || ':' || coalesce(max(change_seq), 0) as version from records
    where connection_id = ${connectionId} and type = ${providerTypeOf[kind]}`;
  const key = `${connectionId}:${kind}`;
  const cached = indexCache.get(key);
  if (cached && cached.version === version!.version) {
    indexCache.delete(key);
    indexCache.set(key, cached);
    return cached;
  }
  const provider = await providerParties(sql, connectionId, kind);
  const entry = { version: version!.version, index: createMatchIndex(provider.records), byId: new Map(provider.parties.map((party) => [party.id, party])) };
  indexCache.set(key, entry);
  if (indexCache.size > INDEX_CACHE_SIZE) indexCache.delete(indexCache.keys().next().value!);
  return entry;
}

/** Ranked QuickBooks records for the manual picker: by a host record, by typed text, or both (text wins). */
export async function candidates(sql: Sql, scope: { tenantId: string; organizationId: string }, connectionId: string, kind: PartyKind, query: { hostId?: string; q?: string; limit: number }) {
  const { index, byId } = await pickerIndex(sql, connectionId, kind);
  let ranked: Candidate[];
  if (query.q && query.q.trim()) ranked = searchCandidates(query.q, index, { limit: query.limit });
  else if (query.hostId) {
    const host = (await hostRecords(sql, scope, kind)).find((record: HostRecord) => record.id === query.hostId);
    if (!host) return undefined;
    ranked = rankCandidates(hostMatchRecord(host), index, { limit: query.limit });
  } else ranked = [];
  return ranked.map((candidate) => ({ provider: byId.get(candidate.id)!, score: candidate.score, reasons: candidate.reasons }));
}
