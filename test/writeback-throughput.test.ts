import { expect, test } from 'vitest';
import type { Sql } from '../bff/db/client.ts';
import { pushDueDocuments } from '../bff/writeback/job.ts';
import { tableResolver, type MappingTables } from '../bff/writeback/mapping-lookup.ts';
import { testApp } from './support/app.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { sampleDocument, writebackCompany } from './support/writeback.ts';

/**
 * Issue 15, throughput: the worker's own bookkeeping per document was what held pushes back (about 7 calls a
 * second, 6 in flight, where the company's budget allows 10). Claims come in batches, one statement each.
 */
const sandbox = await startSandbox({ rate_limit_per_minute: 1_000_000 });
const mappings = new Map<string, MappingTables>();
const t = testApp({ ...sandboxDeps(sandbox.url), qboLimits: { perMinute: 1_000_000, concurrent: 10 }, writebackMappings: tableResolver((id) => mappings.get(id)) });

/** The pool, counting the claim statements sent through it (SKIP LOCKED is only in the claim). */
function countingClaims(sql: Sql): { sql: Sql; claims: () => number } {
  let claims = 0;
  const proxy = new Proxy(sql, {
    apply(target, self, args: unknown[]) {
      const strings = args[0] as TemplateStringsArray | undefined;
      if (Array.isArray(strings) && strings.join('').includes('skip locked')) claims += 1;
      return Reflect.apply(target as never, self, args);
    },
  });
  return { sql: proxy, claims: () => claims };
}

test('40 due documents are claimed ten at a time (a handful of statements, not one per document and worker), each pushed once', async () => {
  const c = await writebackCompany(t, sandbox, mappings);
  for (let n = 0; n < 40; n++) expect((await c.submit(sampleDocument('bill', n, 'batch'))).status).toBe(201);
  const { sql, claims } = countingClaims(t.deps.sql);
  const result = await pushDueDocuments({ ...t.deps, sql }, c.id, 'batch-worker');
  expect(result.pushed).toBe(40);
  // 4 batches of 10, and the empty claim that ends the run (one per run, however many workers asked).
  expect(claims()).toBeLessThanOrEqual(6);
  const rows = await t.deps.sql<{ status: string; n: number }[]>`select status, count(*)::int as n from documents where connection_id = ${c.id} group by status`;
  expect(Object.fromEntries(rows.map((row) => [row.status, row.n]))).toEqual({ pushed: 40 });
  const [bills] = await t.deps.sql<{ n: number }[]>`select count(distinct provider_id)::int as n from documents where connection_id = ${c.id}`;
  expect(bills!.n).toBe(40);
});
