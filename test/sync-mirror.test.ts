import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { defaultEngineOptions, executeRun } from '../bff/sync/execute-run.ts';
import { requestSync, type RunRow } from '../bff/sync/runs.ts';
import { claimRun, crashingSync, deleteInQbo, expectMirrorEqualsProvider, qboCall, resumeRun, storedIds, syncOnce, unpaidInvoiceIds, watchQboCalls } from './support/sync.ts';

/**
 * Issue 9: whatever path a sync takes (import, CDC, CDC at its cap, a watermark past CDC's 30 days, types CDC
 * does not cover, a webhook, a run resumed after a crash), the mirror's live set ends equal to QuickBooks'.
 */
const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));

async function connected(size: Record<string, number> = {}) {
  const tenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: { ...size }, country: 'US', plan: 'Plus' });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  return { realm, id: result.connection!.id };
}

const mutate = (realm: string, body: Record<string, unknown>) =>
  sandbox.control<{ changes: { entity: string; id: string; operation: string }[] }>('POST', `/qbo/companies/${realm}/mutations`, body);
const mirrorEqualsQbo = (realm: string, id: string) => expectMirrorEqualsProvider(t, sandbox.url, realm, id);
const succeeded = (run: { status: string; error: unknown }) => expect(run.status, JSON.stringify(run.error)).toBe('succeeded');

/** Every id QuickBooks lists for a type (inactive name-list records included). */
async function qboIds(realm: string, id: string, type: string): Promise<string[]> {
  const ids: string[] = [];
  for (let after = '0'; ; ) {
    const answer = await qboCall(t, sandbox.url, realm, id, 'GET', 'query', undefined, { query: `SELECT * FROM ${type} WHERE Id > '${after}' ORDERBY Id MAXRESULTS 1000` });
    const page = (answer.QueryResponse[type] ?? []) as { Id: string }[];
    ids.push(...page.map((record) => record.Id));
    if (page.length < 1000) return ids.sort();
    after = page[page.length - 1]!.Id;
  }
}

const isInvoicePage = (statement: string, page: 1 | 2) =>
  /^SELECT \* FROM Invoice\b/.test(statement) && (page === 1 ? !/Id > |STARTPOSITION (?!1 )\d+/.test(statement) : /Id > |STARTPOSITION 1001 /.test(statement));

describe('import while QuickBooks changes', () => {
  test('an invoice deleted after page 1, others created and edited: no invoice is skipped, the next sync converges', async () => {
    const { realm, id } = await connected({ invoices: 2_500 });
    let changed = false;
    let before: string[] = [];
    const watch = watchQboCalls(async ({ statement, records }) => {
      if (changed || !isInvoicePage(statement, 1)) return;
      changed = true;
      // Deleting a record already read shifts every later STARTPOSITION by one: the page boundary record is lost.
      const deleted = String(records[500]!.Id);
      before = (await qboIds(realm, id, 'Invoice')).filter((invoice) => invoice !== deleted);
      await deleteInQbo(t, sandbox.url, realm, id, 'Invoice', deleted);
      await mutate(realm, { entities: ['Invoice'], create: 3, update: 4 });
    });
    let run;
    try {
      run = await syncOnce(t, id);
    } finally {
      watch.restore();
    }
    succeeded(run);
    expect(changed).toBe(true);
    // Every invoice that was there when the import began is read, none skipped by the shifted positions. Those
    // created meanwhile are read by the import only if a page of the last range is fetched after them (its
    // pages run in parallel, often all before): the next sync's CDC, from the import's start, brings them.
    const stored = new Set(await storedIds(t, id, 'Invoice'));
    expect(before.length).toBeGreaterThan(2_000);
    expect(before.filter((invoice) => !stored.has(invoice)), 'invoices QuickBooks had and the import never read').toEqual([]);
    succeeded(await syncOnce(t, id));
    await mirrorEqualsQbo(realm, id);
  });

  test('a crash after page 1, a deletion, then another worker resumes: nothing skipped, nothing counted twice', async () => {
    const { realm, id } = await connected({ invoices: 2_500 });
    // Four pages in flight, two for plans: Invoice is two ranges, and the first one's second page comes after the
    // plan committed.
    const crashed = await crashingSync(t, id, (statement) => isInvoicePage(statement, 2), { pagesInFlight: 4 });
    expect(crashed.status).toBe('running');
    const [firstPage] = await t.deps.sql<{ external_id: string }[]>`
      select external_id from records where connection_id = ${id} and type = 'Invoice' order by external_id::int offset 100 limit 1`;
    await deleteInQbo(t, sandbox.url, realm, id, 'Invoice', firstPage!.external_id);

    succeeded(await resumeRun(t, crashed.id));
    const stored = new Set(await storedIds(t, id, 'Invoice'));
    expect((await qboIds(realm, id, 'Invoice')).filter((invoice) => !stored.has(invoice))).toEqual([]);
    const [progress] = await t.deps.sql<{ done: number; finished: boolean }[]>`select done, finished from sync_progress where run_id = ${crashed.id} and type = 'Invoice'`;
    expect(progress).toEqual({ done: (await storedIds(t, id, 'Invoice', false)).length, finished: true });

    succeeded(await syncOnce(t, id));
    await mirrorEqualsQbo(realm, id);
  });

  test('a worker that lost its lease mid-page commits nothing: the new holder finishes, no page counted twice', async () => {
    const { realm, id } = await connected({ invoices: 2_500 });
    const { runId } = await requestSync(t.deps.sql, id, { trigger: 'manual' });
    let takeover: Promise<RunRow> | undefined;
    let newHolderAtPage3!: () => void;
    const newHolderCommittedPage2 = new Promise<void>((resolve) => (newHolderAtPage3 = resolve));
    let oldHolderStopped!: () => void;
    const oldHolderDone = new Promise<void>((resolve) => (oldHolderStopped = resolve));
    // The old holder has page 2 of Invoice in hand when another worker takes the run over and commits that
    // same page; only then does the old holder try to commit it, while the range is still open.
    let page1LastId = Infinity;
    let page3Reached = false;
    const watch = watchQboCalls(async ({ statement, records }) => {
      if (!/^SELECT \* FROM Invoice\b/.test(statement)) return;
      const after = Number(/Id > '(\d+)'/.exec(statement)?.[1] ?? /STARTPOSITION (\d+)/.exec(statement)?.[1] ?? 0);
      if (after === 0 || after === 1) page1LastId = Number(records[records.length - 1]!.Id);
      else if (!takeover) {
        takeover = resumeRun(t, runId);
        await newHolderCommittedPage2;
      } else if (after > page1LastId && after !== 1001 && !page3Reached) {
        page3Reached = true;
        newHolderAtPage3();
        await oldHolderDone;
      }
    });
    try {
      const stalled = await claimRun(t, runId);
      await executeRun(t.deps, stalled, { ...defaultEngineOptions, leaseMs: 60_000, pagesInFlight: 1, owner: stalled.lease_owner! }, new AbortController().signal);
      oldHolderStopped();
      await takeover;
    } finally {
      watch.restore();
    }
    succeeded((await takeover)!);
    const [progress] = await t.deps.sql<{ done: number; total: number }[]>`select done, total from sync_progress where run_id = ${runId} and type = 'Invoice'`;
    expect(progress).toEqual({ done: 2_500, total: 2_500 });
    const [run] = await t.deps.sql<RunRow[]>`select * from sync_runs where id = ${runId}`;
    const [stored] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from records where connection_id = ${id} and type in ${t.deps.sql([...defaultEngineOptions.types])}`;
    expect(run!.records_done).toBe(stored!.n);
    await mirrorEqualsQbo(realm, id);
  });
});

describe('a full refresh', () => {
  test('over an existing mirror: what QuickBooks deleted since the last sync leaves the mirror', async () => {
    const { realm, id } = await connected();
    succeeded(await syncOnce(t, id));
    await mutate(realm, { entities: ['Invoice', 'Bill', 'TimeActivity', 'Vendor'], create: 5, update: 5, delete: 8 });
    const run = await syncOnce(t, id, { full: true });
    succeeded(run);
    expect(run.kind).toBe('initial');
    await mirrorEqualsQbo(realm, id);
  });
});

describe('incremental paths that are not plain CDC', () => {
  test('CDC at its cap (1,050 new invoices, 25 deleted in the same second): the deletions still reach the mirror', async () => {
    const { realm, id } = await connected();
    succeeded(await syncOnce(t, id));
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    const { changes } = await mutate(realm, { entities: ['Invoice'], create: 1_050, delete: 25 });
    expect(changes.filter((change) => change.operation === 'Delete')).toHaveLength(25);
    const run = await syncOnce(t, id);
    succeeded(run);
    expect(run.kind).toBe('incremental');
    await mirrorEqualsQbo(realm, id);
  });

  test('CDC at its cap with changes spread over time: paged through CDC, never left for a query', async () => {
    const { realm, id } = await connected();
    succeeded(await syncOnce(t, id));
    for (let batch = 0; batch < 3; batch++) {
      await sandbox.control('POST', '/clock', { advance_seconds: 20 });
      await mutate(realm, { entities: ['Invoice'], create: 400, update: 20, delete: 10 });
    }
    const watch = watchQboCalls();
    try {
      succeeded(await syncOnce(t, id));
    } finally {
      watch.restore();
    }
    expect(watch.seen.filter((call) => /FROM Invoice\b/.test(call.statement)).map((call) => call.statement)).toEqual([]);
    expect(watch.seen.filter((call) => call.statement === `CDC Invoice since ${call.statement.split(' since ')[1]}`).length).toBeGreaterThanOrEqual(2);
    await mirrorEqualsQbo(realm, id);
  });

  test('a watermark older than CDC\'s 30 days: queried, and the deletions found by Id listing', async () => {
    const { realm, id } = await connected();
    succeeded(await syncOnce(t, id));
    await mutate(realm, { entities: ['Invoice', 'Bill', 'Payment', 'Purchase', 'TimeActivity', 'Vendor', 'Customer'], create: 20, update: 20, delete: 20 });
    // Nobody synced this connection for 31 days.
    await t.deps.sql`update connections set watermark = watermark - interval '31 days' where id = ${id}`;
    const watch = watchQboCalls();
    try {
      succeeded(await syncOnce(t, id));
    } finally {
      watch.restore();
    }
    // CDC is never asked about the 31 days (only, once the changes are read, about what changed during the run).
    const monthAgo = Date.now() - 30 * 24 * 3600_000;
    expect(watch.seen.filter((call) => call.path === 'cdc' && Date.parse(call.statement.split(' since ')[1]!) < monthAgo)).toEqual([]);
    await mirrorEqualsQbo(realm, id);
  });

  test('types CDC does not cover: deleted time activities leave the mirror, small list or big', async () => {
    for (const timeActivities of [30, 1_200]) {
      const { realm, id } = await connected({ time_activities: timeActivities });
      succeeded(await syncOnce(t, id));
      await sandbox.control('POST', '/clock', { advance_seconds: 60 });
      const { changes } = await mutate(realm, { entities: ['TimeActivity'], create: 2, update: 3, delete: 3 });
      expect(changes.filter((change) => change.operation === 'Delete'), `${timeActivities}`).toHaveLength(3);
      const watch = watchQboCalls();
      try {
        succeeded(await syncOnce(t, id));
      } finally {
        watch.restore();
      }
      // A list bigger than a page is not re-listed every time: counted first, listed because the counts differ.
      const counted = watch.seen.some((call) => call.statement.startsWith('SELECT COUNT(*) FROM TimeActivity'));
      expect(counted, `${timeActivities} time activities`).toBe(timeActivities >= 1_000);
      await mirrorEqualsQbo(realm, id);
    }
  });

  test('a webhook "Delete" notification triggers the sync that removes the deleted (a CDC type and one CDC does not cover)', async () => {
    const { realm, id } = await connected();
    succeeded(await syncOnce(t, id));
    const [invoice] = await unpaidInvoiceIds(t, id);
    const [timeActivity] = await storedIds(t, id, 'TimeActivity');
    await deleteInQbo(t, sandbox.url, realm, id, 'Invoice', invoice!);
    await deleteInQbo(t, sandbox.url, realm, id, 'TimeActivity', timeActivity!);
    const lastUpdated = new Date().toISOString();
    const body = JSON.stringify({
      eventNotifications: [{ realmId: realm, dataChangeEvent: { entities: [
        { name: 'Invoice', id: invoice, operation: 'Delete', lastUpdated },
        { name: 'TimeActivity', id: timeActivity, operation: 'Delete', lastUpdated },
      ] } }],
    });
    const signature = createHmac('sha256', 'test-verifier').update(body).digest('base64');
    const response = await t.request('/v1/webhooks/qbo', { method: 'POST', body, headers: { 'intuit-signature': signature, 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    const [queued] = await t.deps.sql<{ id: string }[]>`select id from sync_runs where connection_id = ${id} and status = 'queued' and trigger = 'webhook'`;
    expect(queued).toBeDefined();
    const run = await resumeRun(t, queued!.id);
    succeeded(run);
    expect(run.trigger).toBe('webhook');
    await mirrorEqualsQbo(realm, id);
  });

  test('an incremental run that crashed between two capped CDC answers is resumed by another worker and converges', async () => {
    const { realm, id } = await connected();
    succeeded(await syncOnce(t, id));
    for (let batch = 0; batch < 3; batch++) {
      await sandbox.control('POST', '/clock', { advance_seconds: 20 });
      await mutate(realm, { entities: ['Invoice'], create: 400, delete: 15 });
    }
    await mutate(realm, { entities: ['TimeActivity'], delete: 3 });
    let answers = 0;
    const crashed = await crashingSync(t, id, (statement) => statement.startsWith('CDC ') && ++answers === 3);
    expect(crashed.status).toBe('running');
    succeeded(await resumeRun(t, crashed.id));
    await mirrorEqualsQbo(realm, id);
  });
});

type Entity = Record<string, any>;
const readQbo = async (realm: string, id: string, type: string, entityId: string): Promise<Entity> =>
  (await qboCall(t, sandbox.url, realm, id, 'GET', `${type.toLowerCase()}/${entityId}`))[type];
const writeQbo = async (realm: string, id: string, type: string, body: Entity): Promise<Entity> =>
  (await qboCall(t, sandbox.url, realm, id, 'POST', type.toLowerCase(), body))[type];
const queryQbo = async (realm: string, id: string, type: string, where = ''): Promise<Entity[]> =>
  (await qboCall(t, sandbox.url, realm, id, 'GET', 'query', undefined, { query: `SELECT * FROM ${type}${where} MAXRESULTS 1000` })).QueryResponse[type] ?? [];
const stored = async (id: string, type: string, externalId: string): Promise<Entity> =>
  (await t.deps.sql<{ data: Entity }[]>`select data from records where connection_id = ${id} and type = ${type} and external_id = ${externalId}`)[0]!.data;

describe('derived balances after an import that ran while the company changed', () => {
  test('an open bill and invoice deleted before their pages were read, or moved to another party: every balance converges', async () => {
    for (const change of ['delete', 'move'] as const) {
      const { realm, id } = await connected({ vendors: 20, customers: 20, bills: 120, invoices: 120 });
      let changed = false;
      // Types are imported one at a time here: parties first, then the transactions. Once the parties are read,
      // QuickBooks deletes an open bill and an open invoice, or re-points them at a different party: the parties'
      // stored balances count what the transactions the import reads next no longer say.
      const watch = watchQboCalls(async ({ statement }) => {
        if (changed || !/^SELECT \* FROM Employee\b/.test(statement)) return;
        changed = true;
        for (const [type, party] of [['Bill', 'VendorRef'], ['Invoice', 'CustomerRef']] as const) {
          const open = (await queryQbo(realm, id, type)).filter((txn) => txn.Balance > 0 && txn.Balance === txn.TotalAmt && (txn.LinkedTxn ?? []).length === 0);
          const other = open.find((txn) => txn[party].value !== open[0]![party].value)!;
          if (change === 'delete') await deleteInQbo(t, sandbox.url, realm, id, type, open[0]!.Id);
          else await writeQbo(realm, id, type, { ...open[0], [party]: other[party] });
        }
      });
      try {
        succeeded(await syncOnce(t, id, { pagesInFlight: 1 }));
      } finally {
        watch.restore();
      }
      expect(changed, change).toBe(true);
      succeeded(await syncOnce(t, id));
      await mirrorEqualsQbo(realm, id);
      // The next sync, with nothing changed, has nothing left to repair.
      succeeded(await syncOnce(t, id));
      await mirrorEqualsQbo(realm, id);
    }
  });
});

describe('derived balances when a transaction lived only between two syncs', () => {
  test('a bill created while its vendor was being re-read, deleted before the next sync: the deletion alone re-reads the parties', async () => {
    const { realm, id } = await connected({ vendors: 20, bills: 120 });
    succeeded(await syncOnce(t, id));
    succeeded(await syncOnce(t, id));
    await sandbox.control('POST', '/clock', { advance_seconds: 600 });
    const open = (await queryQbo(realm, id, 'Bill')).filter((bill) => bill.Balance > 0 && (bill.LinkedTxn ?? []).length === 0);
    const edited = open[0]!;
    await writeQbo(realm, id, 'Bill', { Id: edited.Id, SyncToken: edited.SyncToken, sparse: true, VendorRef: edited.VendorRef, PrivateNote: 'edited' });
    // Past the overlap of the next sync but one: only the deletion will speak of that vendor then.
    await sandbox.control('POST', '/clock', { advance_seconds: 600 });
    // Once CDC has answered, and before the sync re-reads the edited bill's vendor, a new bill for that vendor:
    // the vendor's stored Balance counts a bill the mirror never holds.
    let created: Entity | undefined;
    const watch = watchQboCalls(async ({ path }) => {
      if (created || path !== 'cdc') return;
      const { Id: _id, SyncToken: _token, MetaData: _meta, DocNumber: _doc, Balance: _balance, TotalAmt: _total, LinkedTxn: _linked, ...body } = edited;
      created = await writeQbo(realm, id, 'Bill', { ...body, Line: edited.Line.map(({ Id: _line, LineNum: _num, ...line }: Entity) => line) });
    });
    try {
      succeeded(await syncOnce(t, id));
    } finally {
      watch.restore();
    }
    expect(created).toBeDefined();
    await sandbox.control('POST', '/clock', { advance_seconds: 600 });
    await deleteInQbo(t, sandbox.url, realm, id, 'Bill', created!.Id);
    succeeded(await syncOnce(t, id));
    await mirrorEqualsQbo(realm, id);
  });
});

describe('reference names follow list renames and deactivations as QuickBooks answers them', () => {
  test('a renamed bank account reaches CheckPayment.BankAccountRef; a deactivated one adds no name where QuickBooks sends none', async () => {
    const { realm, id } = await connected();
    succeeded(await syncOnce(t, id));
    const billPayment = (await queryQbo(realm, id, 'BillPayment')).find((payment) => payment.CheckPayment?.BankAccountRef)!;
    const bank = await readQbo(realm, id, 'Account', billPayment.CheckPayment.BankAccountRef.value);
    await writeQbo(realm, id, 'Account', { Id: bank.Id, SyncToken: bank.SyncToken, sparse: true, Name: `${bank.Name} Renamed` });
    const payment = (await queryQbo(realm, id, 'Payment')).find((one) => one.DepositToAccountRef && one.DepositToAccountRef.value !== bank.Id)!;
    expect(payment.DepositToAccountRef.name).toBeUndefined();
    const deposit = await readQbo(realm, id, 'Account', payment.DepositToAccountRef.value);
    await writeQbo(realm, id, 'Account', { Id: deposit.Id, SyncToken: deposit.SyncToken, sparse: true, Name: deposit.Name, Active: false });
    succeeded(await syncOnce(t, id));
    expect((await stored(id, 'BillPayment', billPayment.Id)).CheckPayment.BankAccountRef.name).toBe(`${bank.Name} Renamed`);
    expect((await stored(id, 'Payment', payment.Id)).DepositToAccountRef).toEqual({ value: deposit.Id });
    await mirrorEqualsQbo(realm, id);
  });

  test('a project is named "Parent:Project" in every reference, edited or not, and renaming its parent renames them', async () => {
    const { realm, id } = await connected({ customers: 20, invoices: 300 });
    succeeded(await syncOnce(t, id));
    const customers = await queryQbo(realm, id, 'Customer', ' WHERE Active IN (true, false)');
    const invoices = await queryQbo(realm, id, 'Invoice');
    const project = customers.find((customer) => customer.Job && customer.Active && invoices.some((invoice) => invoice.CustomerRef.value === customer.Id))!;
    const ofProject = () => queryQbo(realm, id, 'Invoice').then((all) => all.filter((invoice) => invoice.CustomerRef.value === project.Id));
    const before = await ofProject();
    expect(before.map((invoice) => invoice.CustomerRef.name)).toEqual(before.map(() => project.FullyQualifiedName));
    expect(project.FullyQualifiedName).toMatch(/.:./);
    // Editing the project's phone changes nothing in its invoices.
    await writeQbo(realm, id, 'Customer', { Id: project.Id, SyncToken: project.SyncToken, sparse: true, PrimaryPhone: { FreeFormNumber: '(555) 010-0199' } });
    expect(await ofProject()).toEqual(before);
    // Later, past the overlap of the next syncs: the sync after the parent's rename hears of the parent only.
    await sandbox.control('POST', '/clock', { advance_seconds: 600 });
    succeeded(await syncOnce(t, id));
    await mirrorEqualsQbo(realm, id);

    const parent = await readQbo(realm, id, 'Customer', project.ParentRef.value);
    await writeQbo(realm, id, 'Customer', { Id: parent.Id, SyncToken: parent.SyncToken, sparse: true, DisplayName: `${parent.DisplayName} Renamed` });
    const renamed = await readQbo(realm, id, 'Customer', project.Id);
    expect(renamed.FullyQualifiedName).toBe(`${parent.DisplayName} Renamed:${project.DisplayName}`);
    expect(renamed.MetaData.LastUpdatedTime).toBe((await readQbo(realm, id, 'Customer', project.Id)).MetaData.LastUpdatedTime);
    expect((await ofProject()).map((invoice) => invoice.CustomerRef.name)).toEqual(before.map(() => renamed.FullyQualifiedName));
    succeeded(await syncOnce(t, id));
    await mirrorEqualsQbo(realm, id);
  });
});

describe("QuickBooks' clock ahead of ours", () => {
  test('31 days ahead: CDC refuses the window, the types go through queries and the run succeeds, and so do later ones', async () => {
    const { realm, id } = await connected();
    succeeded(await syncOnce(t, id));
    await sandbox.control('POST', '/clock', { advance_seconds: 31 * 86_400 });
    await mutate(realm, { entities: ['Invoice', 'Bill', 'Vendor', 'Customer'], create: 5, update: 5, delete: 5 });
    succeeded(await syncOnce(t, id));
    await mirrorEqualsQbo(realm, id);
    await mutate(realm, { entities: ['Invoice', 'Bill'], create: 3, update: 3, delete: 3 });
    succeeded(await syncOnce(t, id));
    await mirrorEqualsQbo(realm, id);
  });
});
