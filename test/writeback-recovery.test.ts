// A worker killed mid-push (kill -9) leaves its documents "pushing" under a claim nobody renews: they are taken
// over as soon as the push job that held them is no longer running, not when the claim runs out minutes later.
import { describe, expect, test } from 'vitest';
import { tableResolver, type MappingTables } from '../bff/writeback/mapping-lookup.ts';
import type { Document } from '../shared/api/documents.ts';
import { testApp } from './support/app.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { sampleDocument, writebackCompany } from './support/writeback.ts';

const sandbox = await startSandbox();
const mappings = new Map<string, MappingTables>();
const t = testApp({ ...sandboxDeps(sandbox.url), writebackMappings: tableResolver((id) => mappings.get(id)) });

/** Marks a document as being pushed by `owner` for five more minutes, as a worker's claim leaves it. */
const claimFor = (id: string, owner: string) =>
  t.deps.sql`update documents set status = 'pushing', claimed_by = ${owner}, claim_until = ${new Date(t.deps.now().getTime() + 5 * 60_000)} where id = ${id}`;

describe('write-back: claims of dead workers', () => {
  test('a document claimed by a push job that no longer runs is pushed at once; one held by a running job is left to it', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const dead = (await (await c.submit(sampleDocument('bill', 1, 'dead'))).json()) as Document;
    const live = (await (await c.submit(sampleDocument('bill', 2, 'dead'))).json()) as Document;
    // The dead worker's job was taken over after its lease lapsed (now attempt 2); the live one heartbeats.
    const [gone] = await t.deps.sql<{ id: string }[]>`
      insert into jobs (kind, payload, status, attempts, lease_owner, lease_until) values ('document-push', '{}', 'running', 2, 'w2', ${new Date(t.deps.now().getTime() + 60_000)}) returning id`;
    const [running] = await t.deps.sql<{ id: string }[]>`
      insert into jobs (kind, payload, status, attempts, lease_owner, lease_until) values ('other', '{}', 'running', 1, 'w3', ${new Date(t.deps.now().getTime() + 60_000)}) returning id`;
    await claimFor(dead.id, `job-${gone!.id}-1`);
    await claimFor(live.id, `job-${running!.id}-1`);
    await c.push();
    expect(await c.get(dead.id)).toMatchObject({ status: 'pushed' });
    expect(await c.get(live.id)).toMatchObject({ status: 'pushing' });
    // A claim of a direct push (not a job) keeps its lease.
    await t.deps.sql`update jobs set status = 'succeeded', lease_owner = null, lease_until = null where id in ${t.deps.sql([gone!.id, running!.id])}`;
    const other = (await (await c.submit(sampleDocument('bill', 3, 'dead'))).json()) as Document;
    await claimFor(other.id, 'worker-by-hand');
    await c.push();
    expect(await c.get(live.id)).toMatchObject({ status: 'pushed' });
    expect(await c.get(other.id)).toMatchObject({ status: 'pushing' });
  });
});
