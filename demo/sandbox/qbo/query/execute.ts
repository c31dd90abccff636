import type { Company } from '../company.ts';
import { NAME_LISTS, type EntityName } from '../entity-kinds.ts';
import { generateEntity } from '../generator/generate.ts';
import { comparable, compareValues, isActiveField, isIdField, isTimeField, likePattern, readField, type Json } from './fields.ts';
import { parseRequestInstant } from '../qbo-time.ts';
import { QueryError, type Condition, type ParsedQuery } from './parse.ts';

/**
 * A page's items are entities, or (only when the caller asks for cached text) a pristine generated entity's JSON
 * text from the company's cache (`Company.warmJson`), exactly what JSON.stringify would make of the entity now.
 */
export type QueryResult<Item = Json> = { kind: 'count'; total: number } | { kind: 'page'; items: Item[]; startPosition: number };

type ActiveMode = 'active' | 'inactive' | 'any';

interface Plan {
  type: EntityName;
  /** Generated index range still possible after Id and time bounds. */
  lo: number;
  hi: number;
  activeMode: ActiveMode;
  /** True when every condition is an Id/time/Active bound, so pristine entities need no materialising. */
  boundsOnly: boolean;
  /** Sort key of the page order when it is Id or a MetaData time ascending; null for other orders. */
  orderKey: 'id' | 'updated' | 'created' | null;
  predicate: (entity: Json) => boolean;
}

function conditionMatches(condition: Condition, entity: Json): boolean {
  const actual = comparable(condition.field, readField(entity, condition.field));
  const expected = Array.isArray(condition.value) ? condition.value : [condition.value];
  switch (condition.op) {
    case 'IN':
      return expected.some((value) => compareValues(actual, comparable(condition.field, value)) === 0);
    case 'LIKE':
      return actual !== null && likePattern(String(condition.value)).test(String(readField(entity, condition.field)));
    default: {
      const diff = compareValues(actual, comparable(condition.field, expected[0]));
      if (actual === null) return false;
      return condition.op === '=' ? diff === 0 : condition.op === '<' ? diff < 0 : condition.op === '>' ? diff > 0 : condition.op === '<=' ? diff <= 0 : diff >= 0;
    }
  }
}

/** First index in [lo, hi) where `test` turns true (test must be monotone false→true). */
function firstTrue(lo: number, hi: number, test: (index: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function validateFields(company: Company, type: EntityName, query: ParsedQuery): void {
  const sample = company.countOf(type) > 0 ? generateEntity(company, type, 0) : null;
  if (!sample) return;
  const known = new Set(Object.keys(sample).map((key) => key.toLowerCase()));
  for (const key of ['id', 'metadata', 'active', 'name', 'displayname', 'docnumber', 'txndate', 'parentref', 'fullyqualifiedname']) known.add(key);
  for (const name of [...(query.fields ?? []), ...query.where.map((c) => c.field), ...query.orderBy.map((o) => o.field)]) {
    const head = (name.split('.')[0] ?? '').toLowerCase();
    if (!known.has(head)) throw new QueryError('4001', `QueryValidationError: property '${name}' is not queryable`);
  }
}

function plan(company: Company, type: EntityName, query: ParsedQuery): Plan {
  const block = company.block(type);
  let lo = 0;
  let hi = block.count;
  let activeMode: ActiveMode = NAME_LISTS.has(type) ? 'active' : 'any';
  let boundsOnly = true;
  const nameList = NAME_LISTS.has(type);
  const predicates: Condition[] = [];
  for (const condition of query.where) {
    predicates.push(condition);
    if (isIdField(condition.field) && condition.op !== 'LIKE' && condition.op !== 'IN') {
      const id = Number(condition.value);
      if (!Number.isFinite(id)) throw new QueryError('4001', `QueryValidationError: invalid Id value ${String(condition.value)}`);
      const index = Math.ceil(id) - block.base - 1;
      if (condition.op === '=' ) { lo = Math.max(lo, index); hi = Math.min(hi, index + 1); }
      if (condition.op === '>') lo = Math.max(lo, Math.floor(id) - block.base);
      if (condition.op === '>=') lo = Math.max(lo, index);
      if (condition.op === '<') hi = Math.min(hi, index);
      if (condition.op === '<=') hi = Math.min(hi, Math.floor(id) - block.base);
    } else if (isTimeField(condition.field) && ['<', '>', '<=', '>=', '='].includes(condition.op)) {
      const at = parseRequestInstant(String(condition.value)) ?? Number.NaN;
      if (Number.isNaN(at)) throw new QueryError('4001', `QueryValidationError: invalid date-time value ${String(condition.value)}`);
      const created = condition.field.toLowerCase().endsWith('createtime');
      const time = (index: number) => (created ? company.timesOf(type, index).createMs : company.timesOf(type, index).updatedMs);
      const start = lo;
      const end = Math.max(lo, hi);
      if (condition.op === '>') lo = Math.max(lo, firstTrue(start, end, (i) => time(i) > at));
      if (condition.op === '>=' || condition.op === '=') lo = Math.max(lo, firstTrue(start, end, (i) => time(i) >= at));
      if (condition.op === '<') hi = Math.min(hi, firstTrue(start, end, (i) => time(i) >= at));
      if (condition.op === '<=' || condition.op === '=') hi = Math.min(hi, firstTrue(start, end, (i) => time(i) > at));
    } else if (isActiveField(condition.field) && nameList && (condition.op === '=' || condition.op === 'IN')) {
      const values = (Array.isArray(condition.value) ? condition.value : [condition.value]).map((v) => String(v).toLowerCase());
      const wantsTrue = values.includes('true');
      const wantsFalse = values.includes('false');
      activeMode = wantsTrue && wantsFalse ? 'any' : wantsFalse ? 'inactive' : 'active';
      predicates.pop();
    } else {
      boundsOnly = false;
    }
  }
  const mode = activeMode;
  const predicate = (entity: Json) => {
    if (nameList && mode !== 'any' && (entity['Active'] !== false) !== (mode === 'active')) return false;
    return predicates.every((condition) => conditionMatches(condition, entity));
  };
  let orderKey: Plan['orderKey'] = 'id';
  if (query.orderBy.length > 1 || query.orderBy.some((term) => term.desc)) orderKey = null;
  const first = query.orderBy[0];
  if (first && orderKey !== null) {
    const lower = first.field.toLowerCase();
    orderKey = isIdField(first.field) ? 'id' : lower === 'metadata.lastupdatedtime' ? 'updated' : lower === 'metadata.createtime' ? 'created' : null;
  }
  return { type, lo: Math.max(0, lo), hi: Math.max(Math.max(0, lo), hi), activeMode, boundsOnly, orderKey, predicate };
}

/** Pristine (generated, never written) entities eligible under a plan, counted without building them. */
class PristineStream {
  readonly #touched: readonly number[];

  constructor(
    readonly company: Company,
    readonly plan: Plan,
  ) {
    this.#touched = company.touchedOf(plan.type);
  }

  patternOk(index: number): boolean {
    if (this.plan.activeMode === 'any') return true;
    return this.company.isPatternInactive(this.plan.type, index) === (this.plan.activeMode === 'inactive');
  }

  #patternCount(from: number, to: number): number {
    if (to <= from) return 0;
    if (this.plan.activeMode === 'any') return to - from;
    const inactive = this.company.patternInactiveBefore(this.plan.type, to) - this.company.patternInactiveBefore(this.plan.type, from);
    return this.plan.activeMode === 'inactive' ? inactive : to - from - inactive;
  }

  #touchedBound(index: number): number {
    return firstTrue(0, this.#touched.length, (i) => (this.#touched[i] ?? 0) >= index);
  }

  /** Eligible pristine indexes in [lo, k). */
  countBefore(k: number): number {
    const end = Math.min(Math.max(k, this.plan.lo), this.plan.hi);
    let count = this.#patternCount(this.plan.lo, end);
    for (let t = this.#touchedBound(this.plan.lo); t < this.#touched.length; t++) {
      const index = this.#touched[t] ?? 0;
      if (index >= end) break;
      if (this.patternOk(index)) count--;
    }
    return count;
  }

  /** Index of the n-th (0-based) eligible pristine entity, or hi. */
  nth(n: number): number {
    return firstTrue(this.plan.lo, this.plan.hi, (k) => this.countBefore(k + 1) > n);
  }

  isTouched(index: number): boolean {
    const t = this.#touchedBound(index);
    return this.#touched[t] === index;
  }

  /** Next eligible index at or after `index`, or hi. */
  nextFrom(index: number): number {
    let t = this.#touchedBound(index);
    for (let i = index; i < this.plan.hi; i++) {
      while (t < this.#touched.length && (this.#touched[t] ?? 0) < i) t++;
      if (this.#touched[t] === i) continue;
      if (this.patternOk(i)) return i;
    }
    return this.plan.hi;
  }
}

interface OverlayHit {
  id: number;
  key: number;
  entity: Json;
}

function overlayHits(company: Company, plan: Plan, key: (id: number, entity: Json) => number): OverlayHit[] {
  const hits: OverlayHit[] = [];
  for (const id of company.overlayOf(plan.type).keys()) {
    const entity = company.get(plan.type, id);
    if (entity && plan.predicate(entity)) hits.push({ id, key: key(id, entity), entity });
  }
  hits.sort((a, b) => a.key - b.key || a.id - b.id);
  return hits;
}

function metaTime(entity: Json, field: 'LastUpdatedTime' | 'CreateTime'): number {
  const meta = entity['MetaData'] as Json | undefined;
  return parseRequestInstant(String(meta?.[field] ?? '')) ?? 0;
}

/**
 * Pages through generated and overlay entities merged in key order, finding the start position by counting
 * rather than scanning, so a page deep into a million entities costs about as much as the first.
 */
function executeByBounds(company: Company, plan: Plan, query: ParsedQuery, cachedText: boolean): QueryResult<Json | Uint8Array> {
  const cache = cachedText ? company.cachedJsonOf(plan.type) : null;
  const stream = new PristineStream(company, plan);
  const orderKey = plan.orderKey ?? 'id';
  const pristineKey = (index: number) =>
    orderKey === 'id' ? company.idOf(plan.type, index) : orderKey === 'updated' ? company.timesOf(plan.type, index).updatedMs : company.timesOf(plan.type, index).createMs;
  const hits = overlayHits(company, plan, (id, entity) => (orderKey === 'id' ? id : metaTime(entity, orderKey === 'updated' ? 'LastUpdatedTime' : 'CreateTime')));
  if (query.count) return { kind: 'count', total: stream.countBefore(plan.hi) + hits.length };

  const skip = query.startPosition - 1;
  // Generated index before which every pristine entity sorts ahead of overlay hit j.
  const position = (hit: OverlayHit) => firstTrue(plan.lo, plan.hi, (i) => pristineKey(i) > hit.key);
  let j = 0;
  while (j < hits.length && j + stream.countBefore(position(hits[j] as OverlayHit)) < skip) j++;
  let cursor = stream.nth(skip - j);
  const items: (Json | Uint8Array)[] = [];
  while (items.length < query.maxResults) {
    const hit = hits[j];
    const pristine = cursor < plan.hi ? cursor : -1;
    if (pristine < 0 && !hit) break;
    if (pristine >= 0 && (!hit || pristineKey(pristine) <= hit.key)) {
      items.push(cache ? cache.get(pristine) : generateEntity(company, plan.type, pristine));
      cursor = stream.nextFrom(pristine + 1);
    } else if (hit) {
      items.push(hit.entity);
      j++;
    }
  }
  return { kind: 'page', items, startPosition: query.startPosition };
}

/** Any other query: evaluate the predicate on every candidate; stream in Id order or sort on the asked keys. */
function executeByScan(company: Company, plan: Plan, query: ParsedQuery): QueryResult {
  const stream = new PristineStream(company, plan);
  const overlay = [...company.overlayOf(plan.type)].filter(([, entry]) => entry.entity !== null).sort((a, b) => a[0] - b[0]);
  const candidates = function* (): Generator<Json> {
    let o = 0;
    for (let index = plan.lo; index < plan.hi; index++) {
      const id = company.idOf(plan.type, index);
      while (o < overlay.length && (overlay[o]?.[0] ?? 0) < id) yield company.get(plan.type, overlay[o++]?.[0] ?? 0) as Json;
      if (stream.isTouched(index) || !stream.patternOk(index)) continue;
      yield generateEntity(company, plan.type, index);
    }
    while (o < overlay.length) yield company.get(plan.type, overlay[o++]?.[0] ?? 0) as Json;
  };

  if (query.count) {
    let total = 0;
    for (const entity of candidates()) if (plan.predicate(entity)) total++;
    return { kind: 'count', total };
  }
  const skip = query.startPosition - 1;
  if (query.orderBy.length === 0 || (plan.orderKey === 'id' && !query.orderBy[0]?.desc)) {
    const items: Json[] = [];
    let seen = 0;
    for (const entity of candidates()) {
      if (!plan.predicate(entity)) continue;
      if (seen++ < skip) continue;
      items.push(entity);
      if (items.length >= query.maxResults) break;
    }
    return { kind: 'page', items, startPosition: query.startPosition };
  }
  // Keep only sort keys while scanning, so sorting a million entities does not hold a million objects.
  const keyed: { keys: (number | string | boolean | null)[]; id: number }[] = [];
  for (const entity of candidates()) {
    if (!plan.predicate(entity)) continue;
    keyed.push({ keys: query.orderBy.map((term) => comparable(term.field, readField(entity, term.field))), id: Number(entity['Id']) });
  }
  keyed.sort((a, b) => {
    for (let k = 0; k < query.orderBy.length; k++) {
      const diff = compareValues(a.keys[k] ?? null, b.keys[k] ?? null);
      if (diff !== 0) return query.orderBy[k]?.desc ? -diff : diff;
    }
    return a.id - b.id;
  });
  const items = keyed.slice(skip, skip + query.maxResults).map((row) => company.get(plan.type, row.id)).filter((entity): entity is Json => entity !== null);
  return { kind: 'page', items, startPosition: query.startPosition };
}

/** `Id IN (...)` names its candidates outright: read those and filter, whatever the company's size. */
function executeByIds(company: Company, plan: Plan, query: ParsedQuery, ids: number[]): QueryResult {
  const items = [...new Set(ids)]
    .sort((a, b) => a - b)
    .map((id) => company.get(plan.type, id))
    .filter((entity): entity is Json => entity !== null && plan.predicate(entity));
  if (query.count) return { kind: 'count', total: items.length };
  const sorted = query.orderBy.length === 0 ? items : items.sort((a, b) => {
    for (const term of query.orderBy) {
      const diff = compareValues(comparable(term.field, readField(a, term.field)), comparable(term.field, readField(b, term.field)));
      if (diff !== 0) return term.desc ? -diff : diff;
    }
    return 0;
  });
  const skip = query.startPosition - 1;
  return { kind: 'page', items: sorted.slice(skip, skip + query.maxResults), startPosition: query.startPosition };
}

/**
 * A projected entity: only the listed properties (top-level names, matched without regard to case), marked
 * sparse as QuickBooks marks partial objects.
 */
function project(entity: Json, fields: readonly string[]): Json {
  const projected: Json = { domain: entity['domain'] ?? 'QBO', sparse: true };
  for (const name of fields) {
    const head = (name.split('.')[0] ?? '').toLowerCase();
    const key = Object.keys(entity).find((candidate) => candidate.toLowerCase() === head);
    if (key !== undefined) projected[key] = entity[key];
  }
  return projected;
}

/**
 * Runs a query. With `cachedText`, pages of Id/time-bounded queries without a field list may carry pristine generated
 * entities as their cached JSON text (when the company's cache is warm and current); other items stay entities.
 */
export function executeQuery(company: Company, type: EntityName, query: ParsedQuery): QueryResult;
export function executeQuery(company: Company, type: EntityName, query: ParsedQuery, options: { cachedText: boolean }): QueryResult<Json | Uint8Array>;
export function executeQuery(company: Company, type: EntityName, query: ParsedQuery, options = { cachedText: false }): QueryResult<Json | Uint8Array> {
  validateFields(company, type, query);
  const queryPlan = plan(company, type, query);
  const idList = query.where.find((condition) => isIdField(condition.field) && condition.op === 'IN');
  const fields = query.fields;
  if (idList && Array.isArray(idList.value)) return projected(executeByIds(company, queryPlan, query, idList.value.map(Number).filter(Number.isFinite)), fields);
  if (queryPlan.boundsOnly && queryPlan.orderKey !== null) {
    if (!fields) return executeByBounds(company, queryPlan, query, options.cachedText);
    // Asked without cached text, every item is an entity.
    return projected(executeByBounds(company, queryPlan, query, false) as QueryResult, fields);
  }
  return projected(executeByScan(company, queryPlan, query), fields);
}

function projected(result: QueryResult, fields: readonly string[] | null): QueryResult {
  return result.kind === 'page' && fields ? { ...result, items: result.items.map((entity) => project(entity, fields)) } : result;
}
