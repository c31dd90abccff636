import { describe, expect, it } from 'vitest';
import { Company, type Json } from '../company.ts';
import type { EntityName } from '../entity-kinds.ts';
import { executeQuery } from './execute.ts';
import { comparable, compareValues, readField } from './fields.ts';
import { parseQuery } from './parse.ts';

const NOW = Date.UTC(2026, 0, 15, 12);

function company(): Company {
  const made = new Company({ realmId: '4620816365000000001', spec: { seed: 'exec', size: 'medium' }, nowMs: NOW });
  // Writes of every kind: deactivate, rename, delete, create.
  const later = NOW + 60_000;
  for (const id of [made.idOf('Vendor', 3), made.idOf('Vendor', 100), made.idOf('Vendor', 499)]) {
    const vendor = made.get('Vendor', id) as Json;
    made.save('Vendor', { ...vendor, Active: false, SyncToken: '1', MetaData: { ...(vendor['MetaData'] as Json), LastUpdatedTime: new Date(later).toISOString() } }, 'Update', later);
  }
  const renamed = made.get('Vendor', made.idOf('Vendor', 10)) as Json;
  made.save('Vendor', { ...renamed, DisplayName: 'Zed Renamed', MetaData: { ...(renamed['MetaData'] as Json), LastUpdatedTime: new Date(later + 1000).toISOString() } }, 'Update', later + 1000);
  for (const index of [0, 5, 4000]) made.remove('Invoice', made.idOf('Invoice', index), later);
  for (let n = 0; n < 3; n++) {
    const id = made.allocateId();
    made.save('Vendor', { Id: String(id), SyncToken: '0', DisplayName: `Created ${n}`, Active: true, MetaData: { CreateTime: new Date(later).toISOString(), LastUpdatedTime: new Date(later + n * 1000).toISOString() } }, 'Create', later);
  }
  return made;
}

/** Reference answer: every current entity, filtered and sorted the slow, obvious way. */
function bruteForce(made: Company, type: EntityName, text: string): { total: number; ids: string[] } {
  const query = parseQuery(text);
  const all: Json[] = [];
  const end = made.idOf('TimeActivity', made.countOf('TimeActivity')) + 10;
  for (let id = 1; id < end; id++) {
    const entity = made.get(type, id);
    if (entity) all.push(entity);
  }
  const activeCondition = query.where.find((c) => c.field.toLowerCase() === 'active');
  const matches = all.filter((entity) => {
    if ((type === 'Vendor' || type === 'Customer') && !activeCondition && entity['Active'] === false) return false;
    return query.where.every((c) => {
      const values = Array.isArray(c.value) ? c.value : [c.value];
      const actual = comparable(c.field, readField(entity, c.field));
      const diff = compareValues(actual, comparable(c.field, values[0]));
      if (c.op === 'IN') return values.some((v) => compareValues(actual, comparable(c.field, v)) === 0);
      return c.op === '=' ? diff === 0 : c.op === '>' ? diff > 0 : c.op === '<' ? diff < 0 : c.op === '>=' ? diff >= 0 : diff <= 0;
    });
  });
  const order = query.orderBy[0];
  if (order) matches.sort((a, b) => compareValues(comparable(order.field, readField(a, order.field)), comparable(order.field, readField(b, order.field))) || Number(a['Id']) - Number(b['Id']));
  const skip = query.startPosition - 1;
  return { total: matches.length, ids: matches.slice(skip, skip + query.maxResults).map((e) => String(e['Id'])) };
}

function run(made: Company, type: EntityName, text: string) {
  const result = executeQuery(made, type, parseQuery(text));
  return result.kind === 'count' ? result.total : result.items.map((e) => String(e['Id']));
}

describe('executeQuery', () => {
  const made = company();
  const since = new Date(made.timesOf('Vendor', 250).updatedMs).toISOString();
  const queries: [EntityName, string][] = [
    ['Vendor', 'SELECT * FROM Vendor MAXRESULTS 1000'],
    ['Vendor', 'SELECT * FROM Vendor STARTPOSITION 20 MAXRESULTS 7'],
    ['Vendor', 'SELECT * FROM Vendor WHERE Active IN (true, false) STARTPOSITION 480 MAXRESULTS 50'],
    ['Vendor', 'SELECT * FROM Vendor WHERE Active = false MAXRESULTS 100'],
    ['Vendor', `SELECT * FROM Vendor WHERE Metadata.LastUpdatedTime > '${since}' ORDERBY Metadata.LastUpdatedTime STARTPOSITION 200 MAXRESULTS 100`],
    ['Vendor', `SELECT * FROM Vendor WHERE MetaData.LastUpdatedTime >= '${since}' STARTPOSITION 1 MAXRESULTS 30`],
    ['Vendor', "SELECT * FROM Vendor WHERE Id > '20' AND Id <= '300' ORDERBY Id STARTPOSITION 5 MAXRESULTS 9"],
    ['Invoice', 'SELECT * FROM Invoice ORDERBY Id STARTPOSITION 3995 MAXRESULTS 20'],
    ['Invoice', "SELECT * FROM Invoice WHERE TotalAmt > '1000' ORDERBY TotalAmt STARTPOSITION 11 MAXRESULTS 10"],
    ['Vendor', "SELECT * FROM Vendor WHERE Id IN ('30', '31', '999999') MAXRESULTS 10"],
  ];

  for (const [type, text] of queries) {
    it(`agrees with brute force: ${text}`, () => {
      expect(run(made, type, text)).toEqual(bruteForce(made, type, text).ids);
      expect(run(made, type, text.replace(/SELECT \*/, 'SELECT COUNT(*)'))).toBe(bruteForce(made, type, text).total);
    });
  }

  it('hides inactive name-list entries unless asked', () => {
    const all = run(made, 'Vendor', 'SELECT COUNT(*) FROM Vendor WHERE Active IN (true, false)');
    const active = run(made, 'Vendor', 'SELECT COUNT(*) FROM Vendor');
    expect(all).toBe(503);
    expect(active).toBeLessThan(all as number);
  });

  it('accepts entity-typed LIKE filters', () => {
    const ids = run(made, 'Vendor', "SELECT * FROM Vendor WHERE DisplayName LIKE 'zed%'");
    expect(ids).toEqual([String(made.idOf('Vendor', 10))]);
  });
});
