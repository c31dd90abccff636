import { createHash } from 'node:crypto';
import type { MissingMapping } from '../../shared/api/documents.ts';
import type { ProviderFault } from '../../shared/api/errors.ts';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import type { ConnectionRow } from '../connections/store.ts';
import { NeedsReconnectError } from '../connections/tokens.ts';
import type { Deps } from '../context.ts';
import { createLinks, removeLink } from '../matching/store.ts';
import { describeWriteFault, isRetryableWrite, QboError, reconnectMessage } from '../providers/qbo/faults.ts';
import { canonicalJson } from '../records/canonical-json.ts';
import { upsertRecords } from '../records/store.ts';
import type { ProviderCaller } from '../sync/provider-caller.ts';
import type { MappingLookup } from './mapping-lookup.ts';
import { recordDocumentEvent, type DocumentRow } from './store.ts';
import { hostFieldFor, outgoingFault } from './outgoing.ts';
import { linkedRevisionBody, revisionBody } from './revision.ts';
import { sameTimeEntry, timeEntryKey } from './time-key.ts';
import { isPartyKind, markedVersion, markerField, providerTypeOfKind, translateDocument, type PartyLinks, type ProviderType, type Translation } from './translate.ts';

type Qbo = Record<string, any>;
type Translated = Extract<Translation, { ok: true }>;

/** Everything one connection's pushes share within a batch. */
export interface PushEnv {
  deps: Deps;
  connection: ConnectionRow;
  settings: OrganizationSettings;
  lookup: MappingLookup;
  /** Party links, kept current as vendor and customer documents are pushed in the batch. */
  links: { suppliers: Map<string, string>; customers: Map<string, string> } & PartyLinks;
  /** Budgeted; throttles honoured; QuickBooks being down is NOT retried here (the outcome is unknown: see below). */
  caller: ProviderCaller;
  owner: string;
}

/**
 * The QuickBooks requestid of one write: derived from the connection, the document, its version, the push
 * generation and the operation, so every retry of the same push (after a lost answer, a restart or a token
 * refresh) sends the same id and QuickBooks replays its first answer instead of writing twice. 40 hex
 * characters (QuickBooks takes at most 50). An update's id includes the SyncToken it sends: after a 5010 the
 * re-applied update is a new request, not a replay of the refusal. Creates and updates also include a hash of
 * the body (see bodyHash), cancels the SyncToken they send.
 */
export function requestIdFor(connectionId: string, documentId: string, version: number, generation: number, operation: string): string {
  return createHash('sha256').update(`${connectionId}|${documentId}|${version}|${generation}|${operation}`).digest('hex').slice(0, 40);
}

/**
 * What a write sends, as part of its requestid: every retry of the same body replays QuickBooks' first answer, but
 * once the body changed (a mapping fixed after QuickBooks refused the document) the write is a new request, not a
 * replay of the refusal. A create whose earlier attempt may have landed searches for that record before sending.
 */
const bodyHash = (body: unknown) => createHash('sha256').update(canonicalJson(body as never)).digest('hex').slice(0, 16);

const cents = (value: unknown) => Math.round(Number(value ?? 0) * 100);
const DAY_MS = 86_400_000;

/** QuickBooks query text: a quoted literal with `\` and `'` escaped by backslash. */
const literal = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;

const entityPath = (type: ProviderType) => type.toLowerCase();

const JSON_COLUMNS = new Set(['fault', 'missing', 'variance', 'payments', 'create_sent']);

type Patch = Partial<Omit<DocumentRow, 'id' | 'tenant_id' | 'organization_id' | 'connection_id' | 'kind' | 'host_id' | 'data' | 'version' | 'created_at'>>;

/** Writes a patch to a document this worker still holds; undefined when its claim was taken over. */
async function write(env: PushEnv, row: DocumentRow, patch: Patch, release: boolean, then?: (tx: any, updated: DocumentRow) => Promise<void>): Promise<DocumentRow | undefined> {
  const { sql } = env.deps;
  const values: Record<string, unknown> = { ...patch, updated_at: env.deps.now() };
  if (release) Object.assign(values, { claimed_by: null, claim_until: null });
  for (const key of Object.keys(values)) if (JSON_COLUMNS.has(key) && values[key] !== null && values[key] !== undefined) values[key] = sql.json(values[key] as never);
  if (!release && !then) {
    // Bookkeeping during the push (a count, a token): one statement, no transaction around it.
    const [stored] = await sql<DocumentRow[]>`update documents set ${sql(values as never)} where id = ${row.id} and claimed_by = ${env.owner} returning *`;
    return stored && { ...stored, version: row.version, data: row.data, cancel_requested: row.cancel_requested };
  }
  return sql.begin(async (tx) => {
    const [stored] = await tx<DocumentRow[]>`update documents set ${tx(values as never)} where id = ${row.id} and claimed_by = ${env.owner} returning *`;
    if (!stored) return undefined;
    // A revision or cancel may arrive while this push runs (status pushing): the push carries on with the
    // version it claimed, so what it records (pushed_version, events) is that version, never the newer one.
    const updated: DocumentRow = { ...stored, version: row.version, data: row.data, cancel_requested: row.cancel_requested };
    if (then) await then(tx, updated);
    if (release && stored.status !== 'cancelled' && stored.status !== 'queued' && (stored.version !== row.version || stored.cancel_requested !== row.cancel_requested)) {
      // ...and once it is done, the document is due again so the newer version or the cancel is applied.
      const [requeued] = await tx<DocumentRow[]>`
        update documents set status = 'queued', due_at = ${values['updated_at'] as Date}, attempts = 0 where id = ${row.id} returning *`;
      return requeued;
    }
    return updated;
  });
}

/** Pushes one claimed document to an outcome, recorded on its row; never throws for a QuickBooks answer. */
export async function pushDocument(env: PushEnv, row: DocumentRow): Promise<DocumentRow | undefined> {
  try {
    if (row.cancel_requested) return await cancel(env, row);
    const translation = translateDocument(row, env.lookup, env.links);
    if (!translation.ok) return await needsMapping(env, row, translation.missing);
    // What QuickBooks would refuse (a colon in a name, an email it can't read) is refused here, naming our field.
    const refused = outgoingFault(translation.type, translation.body);
    if (refused) return await write(env, row, { status: 'rejected', fault: refused, attempts: row.attempts + 1 }, true, (tx, updated) => recordDocumentEvent(tx, updated, 'document.rejected', { fault: refused }));
    if (row.provider_id === null) return await create(env, row, translation);
    if ((row.pushed_version ?? 0) < row.version) return await update(env, row, translation, false);
    return await write(env, row, { status: row.variance ? 'pushed_with_variance' : 'pushed' }, true);
  } catch (error) {
    return failed(env, row, error);
  }
}

/** The host-records list each missing thing's name comes from. */
const hostRecordKind: Partial<Record<MissingMapping['what'], string>> = {
  supplier: 'suppliers',
  customer: 'customers',
  product: 'products',
  category: 'billable-categories',
  tax_rate: 'tax-rates',
  staff: 'staff',
  class: 'classes',
  location: 'locations',
};

/**
 * What is missing, named as the host named it (its host records): people read "Your tax rate "City levy 3.3%"",
 * not an id they never see. An id the host sent no record for stays as it is.
 */
async function namedMissing(env: PushEnv, missing: MissingMapping[]): Promise<MissingMapping[]> {
  const wanted = missing.filter((entry) => entry.host_id !== null && hostRecordKind[entry.what]);
  if (wanted.length === 0) return missing;
  const rows = await env.deps.sql<{ kind: string; host_id: string; name: string | null }[]>`
    select kind, host_id, data->>'name' as name from host_records
    where tenant_id = ${env.connection.tenant_id} and organization_id = ${env.connection.organization_id}
      and host_id in ${env.deps.sql(wanted.map((entry) => entry.host_id!))}`;
  const names = new Map(rows.filter((r) => r.name).map((r) => [`${r.kind}|${r.host_id}`, r.name!]));
  return missing.map((entry) => {
    const name = entry.host_id !== null ? names.get(`${hostRecordKind[entry.what]}|${entry.host_id}`) : undefined;
    return name ? { ...entry, name, message: entry.message.replace(` ${entry.host_id}`, ` "${name}"`) } : { ...entry, name: null };
  });
}

async function needsMapping(env: PushEnv, row: DocumentRow, unnamed: MissingMapping[]): Promise<DocumentRow | undefined> {
  const missing = await namedMissing(env, unnamed);
  const announce = row.status !== 'needs_mapping' || JSON.stringify(row.missing) !== JSON.stringify(missing);
  return write(env, row, { status: 'needs_mapping', missing, fault: null, attempts: 0 }, true, async (tx, updated) => {
    if (announce) await recordDocumentEvent(tx, updated, 'document.needs_mapping', { missing });
  });
}

/** Reads a record by id; null when QuickBooks says it does not exist (deleted there). */
async function readRecord(env: PushEnv, type: ProviderType, id: string): Promise<Qbo | null> {
  try {
    const answer = await env.caller.call((api) => api.get<Qbo>(`${entityPath(type)}/${encodeURIComponent(id)}`));
    return (answer[type] as Qbo) ?? null;
  } catch (error) {
    if (error instanceof QboError && error.kind === 'not_found') return null;
    throw error;
  }
}

/** A record found in QuickBooks, and the version of this document it holds (null: a party found by name). */
interface Found {
  entity: Qbo;
  held: number | null;
}

/**
 * The record an earlier create of this document may have made. Transactions carry the document's marker (id and
 * version) in their private note; they are looked up by date (and number) among records created since the
 * document arrived, then matched on the marker. Time entries have no private field: they are matched on what
 * they hold (time-key.ts). A vendor or customer is found by its display name (unique in QuickBooks): the
 * duplicate check, so a name already there is linked rather than created twice.
 */
async function findExisting(env: PushEnv, row: DocumentRow, translated: Translated): Promise<Found | null> {
  const type = translated.type;
  if (type === 'Customer' || type === 'Vendor') {
    // create_sent on a party: its name was free when this document's create was sent (create() looks first), so
    // a record of that name found now is the one our create made (its answer lost), not someone else's. The name
    // the last create sent is looked for too: a revision may have renamed it while that create was in doubt.
    const sent = row.create_sent;
    const names = [String(translated.body['DisplayName'])];
    if (sent && String(sent.body['DisplayName']) !== names[0]) names.push(String(sent.body['DisplayName']));
    for (const [n, name] of names.entries()) {
      const page = await env.caller.call((api) => api.query<Qbo>(`SELECT * FROM ${type} WHERE DisplayName = ${literal(name)}`));
      const found = ((page[type] as Qbo[] | undefined) ?? []).find((entity) => String(entity['DisplayName']).trim().toLowerCase() === name.toLowerCase());
      if (found) return { entity: found, held: sent ? (n === 0 ? row.version : sent.version) : null };
      if (!sent) return null;
    }
    return null;
  }
  const since = new Date(row.created_at.getTime() - DAY_MS).toISOString();
  const created = `MetaData.CreateTime >= ${literal(since)}`;
  if (type === 'TimeActivity') return findTimeEntry(env, row, translated, created);
  const field = markerField(type)!;
  const conditions = [created, `TxnDate = ${literal(String(translated.body['TxnDate']))}`];
  if (translated.body['DocNumber']) conditions.push(`DocNumber = ${literal(String(translated.body['DocNumber']))}`);
  const found = (await findWhere(env, type, conditions, (entity) => markedVersion(row.id, entity[field]) !== null)) ?? (row.version > 1 ? await findWhere(env, type, [created], (entity) => markedVersion(row.id, entity[field]) !== null) : null);
  // (The second search: an earlier version, with another date or number, may be the one whose create is in
  // doubt; its record carries the same document id, so everything of the type created since is searched. Only
  // revised documents get there, and only while a create is uncertain.)
  return found ? { entity: found, held: markedVersion(row.id, found[field]) } : null;
}

/**
 * A time entry an uncertain create of this document made: one created since the document arrived, holding what
 * this version sends or what the last create sent (an earlier version), and held by no other document.
 */
async function findTimeEntry(env: PushEnv, row: DocumentRow, translated: Translated, created: string): Promise<Found | null> {
  const taken = new Set(
    (await env.deps.sql<{ provider_id: string }[]>`
      select provider_id from documents where connection_id = ${env.connection.id} and kind = 'time_activity' and provider_id is not null and id <> ${row.id}`).map((other) => other.provider_id),
  );
  // The last create may have sent something else: an earlier version, or this one before a mapping changed.
  const sent = row.create_sent && timeEntryKey(row.create_sent.body) !== timeEntryKey(translated.body) ? row.create_sent : null;
  const wanted = [{ body: translated.body, version: row.version }, ...(sent ? [sent] : [])];
  for (const { body, version } of wanted) {
    const key = timeEntryKey(body);
    const found = await findWhere(env, 'TimeActivity', [created, `TxnDate = ${literal(String(body['TxnDate']))}`], (entity) => !taken.has(String(entity['Id'])) && timeEntryKey(entity) === key);
    if (found) return { entity: found, held: version };
  }
  return null;
}

async function findWhere(env: PushEnv, type: ProviderType, conditions: string[], matches: (entity: Qbo) => boolean): Promise<Qbo | null> {
  for (let start = 1; ; start += 1000) {
    const page = await env.caller.call((api) => api.query<Qbo>(`SELECT * FROM ${type} WHERE ${conditions.join(' AND ')} STARTPOSITION ${start} MAXRESULTS 1000`));
    const entities = (page[type] as Qbo[] | undefined) ?? [];
    const found = entities.find(matches);
    if (found) return found;
    if (entities.length < 1000) return null;
  }
}

/** Whether a record read after an uncertain update holds this version already (the update landed). */
function holdsVersion(row: DocumentRow, translated: Translated, entity: Qbo): boolean {
  const field = markerField(translated.type);
  if (field) return markedVersion(row.id, entity[field]) === row.version;
  return translated.type === 'TimeActivity' && sameTimeEntry(entity, translated.body);
}

/** Another document of the connection already holds this time entry (a replayed answer of a swapped record). */
async function heldByAnother(env: PushEnv, row: DocumentRow, id: string): Promise<boolean> {
  if (row.kind !== 'time_activity') return false;
  const [other] = await env.deps.sql`
    select 1 from documents where connection_id = ${env.connection.id} and kind = 'time_activity' and provider_id = ${id} and id <> ${row.id} limit 1`;
  return other !== undefined;
}

async function create(env: PushEnv, start: DocumentRow, translated: Translated): Promise<DocumentRow | undefined> {
  let row = start;
  const type = translated.type;
  for (let round = 0; round < 3; round++) {
    // Before a create that may repeat an earlier one (its answer was lost, the worker died, the requestid
    // window may have passed), look for the record it may have made.
    if (row.create_attempts > 0) {
      const found = await findExisting(env, row, translated);
      if (found) return adopt(env, row, translated, found);
    }
    if (isPartyKind(row.kind) && row.create_sent === null) {
      // The duplicate check, before the first create: a name QuickBooks already has is someone else's record, to
      // link. Looking first is what tells a record our lost create made (found later) from one that was there.
      const found = await findExisting(env, row, translated);
      if (found) return adopt(env, row, translated, found);
    }
    // Counted before sending: a crash after the send leaves the count, and the next attempt searches first (for
    // a time entry, by what this create sends: kept, as a revision may change it before the search; for a
    // vendor or customer, the proof its name was free when we sent it).
    const sent = type === 'TimeActivity' || isPartyKind(row.kind) ? { create_sent: { version: row.version, body: translated.body } } : {};
    const counted = await write(env, row, { create_attempts: row.create_attempts + 1, provider_type: type, ...sent }, false);
    if (!counted) return undefined;
    row = counted;
    const requestid = requestIdFor(env.connection.id, row.id, row.version, row.generation, `create:${bodyHash(translated.body)}`);
    let created: Qbo;
    try {
      created = (await env.caller.call((api) => api.post<Qbo>(entityPath(type), translated.body, { requestid })))[type] as Qbo;
    } catch (error) {
      if (error instanceof QboError && error.kind === 'unavailable') {
        // No answer, or a 5xx: QuickBooks may have saved it. Look now; if it is not there, the retry sends
        // the same requestid (a late commit is replayed, not duplicated) after searching again.
        const found = await findExisting(env, row, translated);
        if (found) return adopt(env, row, translated, found);
      }
      if (error instanceof QboError && error.normalCode === '6240' && isPartyKind(row.kind)) {
        // The duplicate check, done by QuickBooks itself (names are unique there, so no race): a record of the
        // same kind and name, made since we looked, is linked instead of a second one created (it is not ours);
        // a name held by another kind is refused.
        const found = await findExisting(env, { ...row, create_sent: null }, translated);
        if (found) return adopt(env, row, translated, found);
      }
      throw error;
    }
    if (row.create_attempts > 1) {
      // A repeated requestid replays the first answer even when that record was deleted since: confirm it exists.
      const current = await readRecord(env, type, String(created['Id']));
      // ...and that no other document took it over: two identical time entries may have adopted each other's.
      if (!current || (await heldByAnother(env, row, String(current['Id'])))) {
        const next = await nextGeneration(env, row);
        if (!next) return undefined;
        row = next;
        continue;
      }
      created = current;
    }
    return recordPushed(env, row, translated, created, 'created');
  }
  throw new Error('QuickBooks kept answering with records that no longer exist');
}

/** The record was deleted in QuickBooks: a new generation, so new requestids, and no id to update. */
async function nextGeneration(env: PushEnv, row: DocumentRow): Promise<DocumentRow | undefined> {
  return write(env, row, { generation: row.generation + 1, create_attempts: 0, create_sent: null, provider_id: null, sync_token: null, pushed_version: null }, false);
}

/** Takes over a record found in QuickBooks (an earlier create of ours, or a party of the same name). */
async function adopt(env: PushEnv, row: DocumentRow, translated: Translated, found: Found): Promise<DocumentRow | undefined> {
  const type = translated.type;
  const { entity, held } = found;
  if (held !== null && held < row.version) {
    // An earlier version was created; this one is a revision of it.
    const adopted = await write(env, row, { provider_id: String(entity['Id']), sync_token: String(entity['SyncToken']), pushed_version: held, create_attempts: 0 }, false);
    return adopted && update(env, adopted, translated, false);
  }
  if (held === null) {
    // A vendor or customer of that name, already linked to another of the host's records: linking it twice
    // would merge two of theirs into one; the person decides (link, or rename one).
    const kind = row.kind === 'vendor' ? 'suppliers' : 'customers';
    const [other] = await env.deps.sql<{ host_id: string }[]>`
      select host_id from party_links where connection_id = ${env.connection.id} and kind = ${kind} and provider_id = ${String(entity['Id'])} and host_id <> ${row.host_id} and removed_at is null`;
    if (other) {
      const fault: ProviderFault = {
        category: 'validation',
        action: 'fix_record',
        field: 'data.name',
        quickbooks_field: 'DisplayName',
        quickbooks_code: '6240',
        message: `QuickBooks already has a ${type.toLowerCase()} named "${String(entity['DisplayName'])}", linked to your record ${other.host_id}: rename this one, or link it instead.`,
      };
      // Nothing of ours was made: the next version looks again before its first create.
      return write(env, row, { status: 'rejected', fault, attempts: row.attempts + 1, create_attempts: 0, create_sent: null }, true, (tx, updated) => recordDocumentEvent(tx, updated, 'document.rejected', { fault }));
    }
  }
  // adopted: a record an earlier create of ours made (its answer lost); linked_existing: a same-name party that
  // was already in QuickBooks (not ours: a cancel only unlinks it, a revision only sets what the host sends).
  return recordPushed(env, row, translated, entity, held !== null ? 'adopted' : 'linked_existing');
}

/**
 * A revision: QuickBooks' record made equal to this version. The record is read and sent back whole (a full
 * update, not a sparse one) with our fields replaced, so what the host removed (a memo, a line, a due date, an
 * address line) is gone from QuickBooks too, while fields we never write stay as they are (revision.ts).
 */
async function update(env: PushEnv, row: DocumentRow, translated: Translated, reapplied: boolean): Promise<DocumentRow | undefined> {
  const type = translated.type;
  const current = await readRecord(env, type, row.provider_id!);
  if (!current) return recreate(env, row, translated);
  // A vendor or customer that was already in QuickBooks (linked, not ours) gets only the fields this version
  // sends; ours is made equal to it, and made active again under our name if it was deleted (inactive) there,
  // or the next bill or invoice naming it would be refused.
  const ours = !isPartyKind(row.kind) || (await createdByUs(env, row));
  const reactivate = ours && isPartyKind(row.kind) && current['Active'] === false;
  const body = ours ? revisionBody(type, current, reactivate ? { ...translated.body, Active: true } : translated.body) : linkedRevisionBody(current, translated.body);
  const requestid = requestIdFor(env.connection.id, row.id, row.version, row.generation, `update:${String(current['SyncToken'])}:${bodyHash(body)}`);
  let updated: Qbo;
  try {
    updated = (await env.caller.call((api) => api.post<Qbo>(entityPath(type), body, { requestid, operation: 'update' })))[type] as Qbo;
  } catch (error) {
    if (!(error instanceof QboError)) throw error;
    // Someone saved it in QuickBooks between our read and our write: read it once more and apply this version over it.
    if (error.kind === 'stale_object' && !reapplied) return update(env, row, translated, true);
    if (error.kind === 'not_found' || error.kind === 'unavailable') {
      const after = await readRecord(env, type, row.provider_id!);
      if (!after) return recreate(env, row, translated);
      // The answer was lost but the update landed: the record holds this version.
      if (error.kind === 'unavailable' && holdsVersion(row, translated, after)) return recordPushed(env, row, translated, after, 'updated');
    }
    // QuickBooks won't make our deleted vendor or customer active again: it is created again, once.
    if (reactivate && !isRetryableWrite(error) && error.category !== 'needs_reconnect') return recreate(env, row, translated);
    throw error;
  }
  return recordPushed(env, row, translated, updated, reactivate ? 'reactivated' : 'updated');
}

/** The record was deleted in QuickBooks and the host revised the document: created again, once, under a new generation. */
async function recreate(env: PushEnv, row: DocumentRow, translated: Translated): Promise<DocumentRow | undefined> {
  if (isPartyKind(row.kind) && row.provider_id !== null) {
    // Our link still names the record that is gone (or that QuickBooks won't make active again): removed, so
    // the record this push creates or links becomes the one documents naming the party are sent to.
    const kind = row.kind === 'vendor' ? 'suppliers' : 'customers';
    await env.deps.sql.begin(async (tx) => {
      const [link] = await tx`select provider_id from party_links where connection_id = ${env.connection.id} and kind = ${kind} and host_id = ${row.host_id} and removed_at is null`;
      if (link && String(link.provider_id) === row.provider_id) await removeLink(tx, env.connection.id, kind, row.host_id, 'write-back');
    });
    (kind === 'suppliers' ? env.links.suppliers : env.links.customers).delete(row.host_id);
  }
  const next = await nextGeneration(env, row);
  return next && create(env, next, translated);
}

function varianceOf(translated: Translated, entity: Qbo): DocumentRow['variance'] {
  if (!translated.totals) return null;
  const quickbooksTotal = Number(entity['TotalAmt'] ?? 0);
  const quickbooksTax = entity['TxnTaxDetail']?.['TotalTax'] !== undefined ? Number(entity['TxnTaxDetail']['TotalTax']) : null;
  const totalOff = Math.abs(cents(translated.totals.total) - cents(quickbooksTotal)) > 1;
  const taxOff = translated.totals.tax !== null && Math.abs(cents(translated.totals.tax) - cents(quickbooksTax ?? 0)) > 1;
  if (!totalOff && !taxOff) return null;
  return { host_total: translated.totals.total, quickbooks_total: quickbooksTotal, host_tax: translated.totals.tax, quickbooks_tax: quickbooksTax };
}

/** How a push reached QuickBooks, as document.pushed says it. */
type PushedHow = 'created' | 'adopted' | 'linked_existing' | 'updated' | 'reactivated';

const reactivatedMessage = (type: ProviderType) =>
  `The ${type.toLowerCase()} had been deleted (made inactive) in QuickBooks; this revision made it active again under its name, so documents naming it can be pushed.`;

async function recordPushed(env: PushEnv, row: DocumentRow, translated: Translated, entity: Qbo, how: PushedHow): Promise<DocumentRow | undefined> {
  const variance = varianceOf(translated, entity);
  const id = String(entity['Id']);
  const now = env.deps.now();
  return write(
    env,
    row,
    {
      status: variance ? 'pushed_with_variance' : 'pushed',
      provider_type: translated.type,
      provider_id: id,
      provider_doc_number: entity['DocNumber'] ? String(entity['DocNumber']) : null,
      sync_token: String(entity['SyncToken'] ?? '0'),
      pushed_version: row.version,
      create_attempts: 0,
      create_sent: null,
      attempts: 0,
      fault: null,
      missing: null,
      variance,
      pushed_at: now,
    },
    true,
    async (tx, updated) => {
      await upsertRecords(tx, env.connection.id, translated.type, [entity as never]);
      if (isPartyKind(row.kind)) await linkParty(env, tx, row, id, how);
      await recordDocumentEvent(tx, updated, 'document.pushed', { how, variance, ...(how === 'reactivated' ? { message: reactivatedMessage(translated.type) } : {}) });
    },
  );
}

/**
 * A pushed vendor or customer is linked to the host's record (the matcher shows it, invoices and bills name
 * it), and documents that waited for this link are tried again.
 */
async function linkParty(env: PushEnv, tx: any, row: DocumentRow, providerId: string, how: string): Promise<void> {
  const kind = row.kind === 'vendor' ? 'suppliers' : 'customers';
  const map = kind === 'suppliers' ? env.links.suppliers : env.links.customers;
  const [existing] = await tx`select provider_id from party_links where connection_id = ${env.connection.id} and kind = ${kind} and host_id = ${row.host_id} and removed_at is null`;
  if (!existing) {
    const [taken] = await tx`select host_id from party_links where connection_id = ${env.connection.id} and kind = ${kind} and provider_id = ${providerId} and removed_at is null`;
    // Ours (created, or adopted after a lost answer) is linked as created: a cancel makes it inactive.
    if (!taken) await createLinks(tx, env.connection.id, kind, [{ host_id: row.host_id, provider_id: providerId, method: how === 'created' || how === 'adopted' ? 'created' : 'confirmed' }], 'write-back');
  }
  map.set(row.host_id, existing?.provider_id ?? providerId);
  const what = row.kind === 'vendor' ? 'supplier' : 'customer';
  await tx`
    update documents set status = 'queued', due_at = ${env.deps.now()}, updated_at = ${env.deps.now()}
    where connection_id = ${env.connection.id} and status = 'needs_mapping' and missing @> ${tx.json([{ what, host_id: row.host_id }] as never)}`;
}

/** Voids or deletes what QuickBooks holds, as QuickBooks allows per kind; name lists are made inactive. */
async function cancel(env: PushEnv, start: DocumentRow): Promise<DocumentRow | undefined> {
  let row = start;
  const type = providerTypeOfKind[row.kind];
  let adoptedParty = false;
  if (row.provider_id === null && row.create_attempts > 0) {
    const translation = translateDocument(row, env.lookup, env.links);
    // A vendor or customer of that name may be someone else's: one is taken over here only when its name was free
    // when our create was sent (create_sent), so the record is the one our create made.
    const found = translation.ok && (!isPartyKind(row.kind) || row.create_sent !== null) ? await findExisting(env, row, translation) : null;
    if (found) {
      adoptedParty = isPartyKind(row.kind) && found.held !== null;
      const adopted = await write(env, row, { provider_id: String(found.entity['Id']), sync_token: String(found.entity['SyncToken']), create_attempts: 0 }, false);
      if (!adopted) return undefined;
      row = adopted;
    }
  }
  if (row.provider_id === null) {
    return write(env, row, { status: 'cancelled', fault: null }, true, (tx, updated) =>
      recordDocumentEvent(tx, updated, 'document.cancelled', { action: 'withdrawn', message: 'Cancelled before anything was written to QuickBooks.' }),
    );
  }
  if (isPartyKind(row.kind) && !adoptedParty && !(await createdByUs(env, row))) {
    // The vendor or customer was already in QuickBooks (same name) and only linked: it is not ours to make
    // inactive. Cancelling removes our link and nothing else.
    const kind = row.kind === 'vendor' ? 'suppliers' : 'customers';
    const map = kind === 'suppliers' ? env.links.suppliers : env.links.customers;
    return write(env, row, { status: 'cancelled', fault: null }, true, async (tx, updated) => {
      const [link] = await tx`select provider_id from party_links where connection_id = ${env.connection.id} and kind = ${kind} and host_id = ${row.host_id} and removed_at is null`;
      if (link && String(link.provider_id) === row.provider_id) {
        await removeLink(tx, env.connection.id, kind, row.host_id, 'write-back');
        map.delete(row.host_id);
      }
      await recordDocumentEvent(tx, updated, 'document.cancelled', {
        action: 'unlinked',
        message: `The ${type.toLowerCase()} was already in QuickBooks and only linked, so it was left as it is there: only the link to your record was removed.`,
      });
    });
  }
  const operation = type === 'Invoice' ? 'void' : type === 'Customer' || type === 'Vendor' ? 'deactivate' : 'delete';
  if (row.sync_token === null) {
    // A cancel QuickBooks refused before: its requestid would replay that refusal, so the record is read for the
    // SyncToken it has now (the payment deleted, the period reopened), and the retry is a new request.
    const current = await readRecord(env, type, row.provider_id);
    const fresh = current && (await write(env, row, { sync_token: String(current['SyncToken']) }, false));
    if (current && !fresh) return undefined;
    if (fresh) row = fresh;
  }
  for (let round = 0; row.sync_token !== null; round++) {
    const requestid = requestIdFor(env.connection.id, row.id, row.version, row.generation, `${operation}:${row.sync_token}`);
    try {
      const body =
        operation === 'deactivate'
          ? { Id: row.provider_id, SyncToken: row.sync_token, sparse: true, Active: false }
          : { Id: row.provider_id, SyncToken: row.sync_token };
      const query: Record<string, string> = operation === 'deactivate' ? { requestid } : { requestid, operation };
      await env.caller.call((api) => api.post<Qbo>(entityPath(type), body, query));
      break;
    } catch (error) {
      if (!(error instanceof QboError)) throw error;
      if (error.kind === 'stale_object' && round === 0) {
        const current = await readRecord(env, type, row.provider_id!);
        if (!current) break;
        const fresh = await write(env, row, { sync_token: String(current['SyncToken']) }, false);
        if (!fresh) return undefined;
        row = fresh;
        continue;
      }
      if (error.kind === 'not_found' || error.kind === 'unavailable') {
        const current = await readRecord(env, type, row.provider_id!);
        // Already gone (deleted there, or our lost delete landed), or our lost void landed.
        if (!current || (operation === 'void' && cents(current['TotalAmt']) === 0 && String(current['SyncToken']) !== row.sync_token)) break;
        if (operation === 'deactivate' && current['Active'] === false) break;
      }
      if (isRetryableWrite(error) || error.category === 'needs_reconnect') throw error;
      // QuickBooks refuses (an invoice with payments applied, a closed period): the record stays, and we say so.
      const fault = faultOf(error, `the ${type === 'PurchaseOrder' ? 'purchase order' : type === 'TimeActivity' ? 'time entry' : type.toLowerCase()}`);
      const paid = type === 'Invoice' && error.kind === 'validation' ? await appliedPayments(env, row) : [];
      const message =
        paid.length > 0
          ? `QuickBooks won't void this invoice because payments are applied to it (${paid.map((payment) => `payment ${payment.id}${payment.amount !== null ? ` of ${payment.amount.toFixed(2)}` : ''}`).join(', ')}), so it stays in QuickBooks as it is. ` +
            'Delete those payments in QuickBooks, or remove this invoice from them, then retry the cancellation (push now). If the money was really received, issue a credit note instead of cancelling.'
          : `QuickBooks refused to ${operation === 'deactivate' ? 'make inactive' : operation} it, so it stays in QuickBooks: ${fault.message}`;
      // No SyncToken kept: the next try reads the current one, so it is not a replay of this refusal.
      return write(env, row, { status: 'rejected', fault: { ...fault, message }, attempts: 0, sync_token: null }, true, (tx, updated) =>
        recordDocumentEvent(tx, updated, 'document.rejected', { operation: 'cancel', fault: { ...fault, message } }),
      );
    }
  }
  const action = operation === 'void' ? 'voided' : operation === 'deactivate' ? 'deactivated' : 'deleted';
  return write(env, row, { status: 'cancelled', fault: null }, true, (tx, updated) =>
    recordDocumentEvent(tx, updated, 'document.cancelled', { action, message: `${action[0]!.toUpperCase()}${action.slice(1)} in QuickBooks.` }),
  );
}

/**
 * The payments QuickBooks shows applied to a pushed invoice (its LinkedTxn), with the amount each applies to it
 * when the payment can be read: what a refused void is explained with. Empty when none (or it can't be read).
 */
async function appliedPayments(env: PushEnv, row: DocumentRow): Promise<{ id: string; amount: number | null }[]> {
  try {
    const invoice = await readRecord(env, 'Invoice', row.provider_id!);
    const links = ((invoice?.['LinkedTxn'] as Qbo[] | undefined) ?? []).filter((link) => link['TxnType'] === 'Payment');
    return await Promise.all(
      links.map(async (link) => {
        const id = String(link['TxnId']);
        const payment = (await env.caller.call((api) => api.get<Qbo>(`payment/${encodeURIComponent(id)}`)).catch(() => null))?.['Payment'] as Qbo | undefined;
        const lines = ((payment?.['Line'] as Qbo[] | undefined) ?? []).filter((line) => ((line['LinkedTxn'] as Qbo[] | undefined) ?? []).some((txn) => String(txn['TxnId']) === row.provider_id));
        return { id, amount: payment ? lines.reduce((sum, line) => sum + cents(line['Amount']), 0) / 100 : null };
      }),
    );
  } catch {
    return [];
  }
}

/**
 * Whether this document's vendor or customer record was created by our push (so ours to make inactive), rather
 * than a same-name record already in QuickBooks that the push linked (linked_existing).
 */
async function createdByUs(env: PushEnv, row: DocumentRow): Promise<boolean> {
  const kind = row.kind === 'vendor' ? 'suppliers' : 'customers';
  const [link] = await env.deps.sql`
    select 1 from party_links where connection_id = ${env.connection.id} and kind = ${kind} and host_id = ${row.host_id} and provider_id = ${row.provider_id} and method = 'created' limit 1`;
  if (link) return true;
  const [created] = await env.deps.sql`
    select 1 from events where connection_id = ${env.connection.id} and type = 'document.pushed'
      and data->>'document_id' = ${row.id} and data->>'how' in ('created', 'adopted', 'reactivated') and data->>'quickbooks_id' = ${row.provider_id} limit 1`;
  return created !== undefined;
}

function faultOf(error: QboError, what: string): ProviderFault {
  return {
    category: error.category,
    action: error.action,
    // Our field path (what the host changes), QuickBooks' own named apart.
    field: hostFieldFor(error.field),
    quickbooks_field: error.field,
    quickbooks_code: error.normalCode ?? null,
    message: describeWriteFault(error, what),
  };
}

const noun: Record<DocumentRow['kind'], string> = {
  purchase_order: 'the purchase order',
  bill: 'the bill',
  invoice: 'the invoice',
  customer: 'the customer',
  vendor: 'the vendor',
  time_activity: 'the time entry',
};

/** Milliseconds before a retryable failure is tried again: 1 s doubling to 5 min, ±20 %; a throttle's own wait when longer. */
export function retryDelayMs(attempts: number, retryAfterSeconds?: number): number {
  const base = Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.max(Math.round(base * (0.8 + 0.4 * Math.random())), (retryAfterSeconds ?? 0) * 1000);
}

/** A failure as the document's outcome: retryable ones come back later, permanent ones are rejected with the fault. */
async function failed(env: PushEnv, row: DocumentRow, error: unknown): Promise<DocumentRow | undefined> {
  const [current] = await env.deps.sql<DocumentRow[]>`select * from documents where id = ${row.id}`;
  // The version this push claimed: a newer one that arrived meanwhile makes the document due again (see write).
  const base = current ? { ...current, version: row.version, data: row.data, cancel_requested: row.cancel_requested } : row;
  const attempts = base.attempts + 1;
  const now = env.deps.now().getTime();
  if (error instanceof NeedsReconnectError || (error instanceof QboError && error.category === 'needs_reconnect')) {
    const fault: ProviderFault = { category: 'needs_reconnect', action: 'reconnect', field: null, quickbooks_field: null, quickbooks_code: error instanceof QboError ? (error.normalCode ?? null) : null, message: reconnectMessage };
    return write(env, base, { status: 'failed_retrying', fault, attempts, due_at: new Date(now + 3_600_000) }, true);
  }
  if (error instanceof QboError) {
    const fault = faultOf(error, noun[row.kind]);
    if (isRetryableWrite(error)) return write(env, base, { status: 'failed_retrying', fault, attempts, due_at: new Date(now + retryDelayMs(attempts, error.retryAfterSeconds)) }, true);
    return write(env, base, { status: 'rejected', fault, attempts }, true, (tx, updated) => recordDocumentEvent(tx, updated, 'document.rejected', { fault }));
  }
  if (row.kind === 'time_activity' && error instanceof Error && (error as Error & { code?: unknown }).code === '23505') {
    // Two time entries holding exactly the same adopted one QuickBooks record at the same moment (the unique
    // index lets one keep it): this one looks again, and finds its own record or creates it.
    const fault: ProviderFault = { category: 'conflict', action: 'retry', field: null, quickbooks_field: null, quickbooks_code: null, message: 'Another of your time entries holding exactly the same took this QuickBooks record at the same moment; this one is looked for again.' };
    return write(env, base, { status: 'failed_retrying', fault, attempts, due_at: new Date(now + retryDelayMs(attempts)) }, true);
  }
  env.deps.logger.error('document push crashed', { document_id: row.id, error: (error as Error)?.message });
  const fault: ProviderFault = { category: 'internal', action: 'contact_support', field: null, quickbooks_field: null, quickbooks_code: null, message: 'Something went wrong on our side while pushing this document; it will be tried again.' };
  return write(env, base, { status: 'failed_retrying', fault, attempts, due_at: new Date(now + retryDelayMs(attempts)) }, true);
}
