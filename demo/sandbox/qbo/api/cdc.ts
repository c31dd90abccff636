import type { Company, Json } from '../company.ts';
import { CDC_UNSUPPORTED, entityNameOf, isSingleton, type EntityName } from '../entity-kinds.ts';
import { generateEntity } from '../generator/generate.ts';
import { formatQboDateTime, parseRequestInstant } from '../qbo-time.ts';
import { QboFault } from './faults.ts';

const LOOKBACK_MS = 30 * 86_400_000;
const MAX_OBJECTS = 1000;

interface Changed {
  type: EntityName;
  timeMs: number;
  id: number;
  entity: Json;
}

function invalid(detail: string): QboFault {
  return new QboFault(400, 'ValidationFault', [{ Message: 'Request has invalid or unsupported property', Detail: detail, code: '2010', element: '' }]);
}

/** Changes of one type since `sinceMs`, oldest first, at most `limit`: generated history then API writes. */
function changesOf(company: Company, type: EntityName, sinceMs: number, limit: number): Changed[] {
  const found: Changed[] = [];
  const count = company.countOf(type);
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (company.timesOf(type, mid).updatedMs >= sinceMs) hi = mid;
    else lo = mid + 1;
  }
  const touched = new Set(company.touchedOf(type));
  for (let index = lo; index < count && found.length < limit; index++) {
    if (touched.has(index)) continue;
    found.push({ type, timeMs: company.timesOf(type, index).updatedMs, id: company.idOf(type, index), entity: generateEntity(company, type, index) });
  }
  const written: Changed[] = [];
  for (const [id, entry] of company.overlayOf(type)) {
    if (entry.timeMs < sinceMs) continue;
    // As a read answers it now (live names and balances); a deletion is a bare stub.
    const entity = (entry.entity && company.get(type, id)) ?? { domain: 'QBO', status: 'Deleted', Id: String(id), MetaData: { LastUpdatedTime: formatQboDateTime(entry.timeMs, company.timeZone) } };
    written.push({ type, timeMs: entry.timeMs, id, entity });
  }
  written.sort((a, b) => a.timeMs - b.timeMs || a.id - b.id);
  return [...found, ...written].slice(0, limit);
}

/**
 * Change data capture: every entity of the listed types changed since `changedSince` (at most 30 days back),
 * deletions as `status: "Deleted"` stubs, and no more than 1000 objects, the oldest changes first.
 */
export function changeDataCapture(company: Company, entitiesParam: string | undefined, changedSince: string | undefined, nowMs: number): Json {
  if (!entitiesParam) throw invalid('Property Name:entities specified is unsupported or invalid');
  if (!changedSince) throw invalid('Property Name:changedSince specified is unsupported or invalid');
  // An offset-less changedSince is US Pacific time, as Intuit reads it, not the server's own zone.
  const sinceMs = parseRequestInstant(changedSince);
  if (sinceMs === null) throw invalid(`Property Name:changedSince specified is unsupported or invalid: ${changedSince}`);
  if (sinceMs < nowMs - LOOKBACK_MS) throw invalid('Property Name:changedSince specified is unsupported or invalid: cannot go back more than 30 days');
  const types: EntityName[] = [];
  for (const name of entitiesParam.split(',').map((part) => part.trim()).filter(Boolean)) {
    const type = entityNameOf(name);
    if (!type || isSingleton(type)) throw invalid(`Property Name:entities specified is unsupported or invalid: ${name}`);
    if (CDC_UNSUPPORTED.has(type)) throw invalid(`Property Name:entities specified is unsupported or invalid: CDC is not supported for ${type}`);
    types.push(type);
  }
  const all = types.flatMap((type) => changesOf(company, type, sinceMs, MAX_OBJECTS));
  all.sort((a, b) => a.timeMs - b.timeMs || a.id - b.id);
  const kept = all.slice(0, MAX_OBJECTS);
  const responses = types.map((type) => {
    const list = kept.filter((change) => change.type === type).map((change) => change.entity);
    return list.length === 0 ? {} : { [type]: list, startPosition: 1, maxResults: list.length, totalCount: list.length };
  });
  return { CDCResponse: [{ QueryResponse: responses }], time: '' };
}
