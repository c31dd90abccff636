import { expect, test } from 'vitest';
import { QboError } from '../providers/qbo/faults.ts';
import type { RunContext } from './import-run.ts';
import { BATCH_MAX_ITEMS, batchQueries } from './incremental-run.ts';

type Item = { bId: string; Query: string };

/** A run context whose provider answers batches (items in reverse order, as nothing promises order) and queries. */
function fakeContext(fault?: (statement: string) => boolean) {
  const calls: { path: string; items?: Item[]; query?: string }[] = [];
  const api = {
    async get(path: string, query: Record<string, string>) {
      calls.push({ path, query: query.query! });
      return { QueryResponse: { Vendor: [{ Id: query.query }] }, time: '2026-01-01T00:00:00.000Z' };
    },
    async post(path: string, body: { BatchItemRequest: Item[] }) {
      calls.push({ path, items: body.BatchItemRequest });
      const answers = body.BatchItemRequest.map((item) =>
        fault?.(item.Query) ? { bId: item.bId, Fault: { Error: [{ Message: 'Invalid query', Detail: 'QueryValidationError', code: '4001' }], type: 'ValidationFault' } } : { bId: item.bId, QueryResponse: { Vendor: [{ Id: item.Query }] } },
      );
      return { BatchItemResponse: answers.reverse(), time: '2026-01-01T00:00:00.000Z' };
    },
  };
  const ctx = { caller: { call: <T>(request: (a: typeof api) => Promise<T>) => request(api) } } as unknown as RunContext;
  return { ctx, calls };
}

test('one statement is a plain query; more go in batches of at most BATCH_MAX_ITEMS, answered in the statements\' order', async () => {
  const single = fakeContext();
  expect((await batchQueries(single.ctx, ['SELECT * FROM Vendor']))[0]!.QueryResponse.Vendor).toEqual([{ Id: 'SELECT * FROM Vendor' }]);
  expect(single.calls.map((call) => call.path)).toEqual(['query']);

  const many = fakeContext();
  const statements = Array.from({ length: BATCH_MAX_ITEMS + 2 }, (_, n) => `SELECT * FROM Vendor WHERE Id = '${n}'`);
  const answers = await batchQueries(many.ctx, statements);
  expect(many.calls.map((call) => [call.path, call.items?.length])).toEqual([['batch', BATCH_MAX_ITEMS], ['batch', 2]]);
  expect(answers.map((answer) => (answer.QueryResponse.Vendor as { Id: string }[])[0]!.Id)).toEqual(statements);
  expect(answers.every((answer) => answer.time === '2026-01-01T00:00:00.000Z')).toBe(true);
});

test('an item\'s Fault is thrown as the QboError the query alone would give', async () => {
  const { ctx } = fakeContext((statement) => statement.includes('Bad'));
  const error = await batchQueries(ctx, ['SELECT * FROM Vendor', 'SELECT * FROM Bad']).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(QboError);
  expect((error as QboError).faults[0]!.code).toBe('4001');
});
