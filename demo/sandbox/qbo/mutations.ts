import type { Company, Json } from './company.ts';
import { NAME_LISTS, READ_ONLY, TRANSACTIONS, type EntityName } from './entity-kinds.ts';
import { createEntity, deleteEntity, updateEntity } from './api/write.ts';
import { QboFault } from './api/faults.ts';
import { SPARSE_REQUIRED } from './api/payload-checks.ts';
import { generateEntity } from './generator/generate.ts';
import { hashString, Rng } from './random.ts';

export interface MutationRequest {
  create?: number;
  update?: number;
  delete?: number;
  entities?: EntityName[];
}

export interface MutationResult {
  entity: EntityName;
  id: string;
  operation: 'Create' | 'Update' | 'Delete';
}

export const DEFAULT_MUTATION_ENTITIES: EntityName[] = ['Vendor', 'Customer', 'Item', 'Invoice', 'Bill', 'Payment', 'Purchase'];
/** Payments of bills need a matching open bill; journal entries and time are left to explicit lists. */
const CREATABLE = new Set<EntityName>(['Vendor', 'Customer', 'Employee', 'Item', 'Account', 'Class', 'Department', 'Invoice', 'Bill', 'PurchaseOrder', 'Payment', 'JournalEntry', 'Purchase', 'Deposit', 'CreditMemo', 'VendorCredit', 'TimeActivity']);

const DROP = ['Id', 'SyncToken', 'MetaData', 'domain', 'sparse', 'LinkedTxn', 'Balance', 'BalanceWithJobs', 'TotalAmt', 'FullyQualifiedName', 'DocNumber', 'CurrentBalance', 'CurrentBalanceWithSubAccounts', 'RemainingCredit'];

function template(company: Company, type: EntityName, rng: Rng): Json | null {
  const count = company.countOf(type);
  if (count === 0) return null;
  const source = generateEntity(company, type, rng.int(count));
  const body: Json = {};
  for (const [key, value] of Object.entries(source)) if (!DROP.includes(key)) body[key] = value;
  if (type === 'Payment') {
    delete body['Line'];
    body['TotalAmt'] = Math.round(rng.between(1_000, 200_000)) / 100;
  }
  if (NAME_LISTS.has(type)) {
    const key = type === 'Vendor' || type === 'Customer' || type === 'Employee' ? 'DisplayName' : 'Name';
    const base = String(source[key] ?? type).replace(' (deleted)', '');
    body[key] = `${base} ${rng.between(100, 999)}${String.fromCharCode(65 + rng.int(26))}`;
    body['Active'] = true;
    delete body['ParentRef'];
    delete body['Job'];
    delete body['IsProject'];
    delete body['Level'];
  }
  return body;
}

/** A realistic edit for a type: contact details for names, notes and dates for transactions. */
function edit(type: EntityName, rng: Rng): Json {
  if (type === 'Vendor' || type === 'Customer' || type === 'Employee') {
    return rng.chance(0.5)
      ? { PrimaryPhone: { FreeFormNumber: `(555) ${rng.between(200, 999)}-${rng.between(1000, 9999)}` } }
      : { PrimaryEmailAddr: { Address: `billing${rng.between(1, 999)}@example.com` } };
  }
  if (type === 'Item') return { Description: `Updated description ${rng.between(1, 9999)}` };
  if (NAME_LISTS.has(type)) return { Active: true };
  return { PrivateNote: `Edited in QuickBooks (${rng.between(1, 99999)})` };
}

/** A sparse update as a careful client sends it: Id, SyncToken, the fields QuickBooks insists on, then the change. */
function sparseUpdate(type: EntityName, existing: Json, change: Json): Json {
  const body: Json = { Id: existing['Id'], SyncToken: existing['SyncToken'], sparse: true };
  for (const field of SPARSE_REQUIRED[type] ?? []) body[field] = existing[field];
  return { ...body, ...change };
}

function pickExisting(company: Company, type: EntityName, rng: Rng, activeOnly: boolean): Json | null {
  const count = company.countOf(type);
  const created = [...company.overlayOf(type).keys()];
  for (let attempt = 0; attempt < 20; attempt++) {
    const fromCreated = created.length > 0 && (count === 0 || rng.chance(0.2));
    const id = fromCreated ? (created[rng.int(created.length)] ?? 0) : company.idOf(type, rng.int(Math.max(1, count)));
    const entity = count === 0 && !fromCreated ? null : company.get(type, id);
    if (entity && (!activeOnly || entity['Active'] !== false)) return entity;
  }
  return null;
}

/**
 * Makes the changes a busy bookkeeper would: creates, edits and deletes (deactivations for name lists) spread over
 * the given types. Deterministic for a company's seed and how many mutation calls came before.
 */
export function mutate(company: Company, request: MutationRequest, call: number, nowMs: number): MutationResult[] {
  const rng = new Rng(hashString(`${company.seed}:mutations:${call}`));
  const types = (request.entities ?? DEFAULT_MUTATION_ENTITIES).filter((type) => !READ_ONLY.has(type) && company.countOf(type) + company.overlayOf(type).size > 0);
  const results: MutationResult[] = [];
  if (types.length === 0) return results;
  const attempt = (run: () => MutationResult | null) => {
    for (let tries = 0; tries < 8; tries++) {
      try {
        const result = run();
        if (result) {
          results.push(result);
          return;
        }
      } catch (error) {
        if (!(error instanceof QboFault)) throw error;
      }
    }
  };
  let tick = 0;
  const at = () => nowMs + tick++;
  for (let n = 0; n < (request.create ?? 0); n++) {
    const type = rng.pick(types);
    attempt(() => {
      if (!CREATABLE.has(type)) return null;
      const body = template(company, type, rng);
      if (!body) return null;
      const created = createEntity(company, type, body, at());
      return { entity: type, id: String(created['Id']), operation: 'Create' };
    });
  }
  for (let n = 0; n < (request.update ?? 0); n++) {
    const type = rng.pick(types);
    attempt(() => {
      const existing = pickExisting(company, type, rng, true);
      if (!existing) return null;
      const updated = updateEntity(company, type, sparseUpdate(type, existing, edit(type, rng)), at());
      return { entity: type, id: String(updated['Id']), operation: 'Update' };
    });
  }
  for (let n = 0; n < (request.delete ?? 0); n++) {
    const type = rng.pick(types);
    attempt(() => {
      const existing = pickExisting(company, type, rng, true);
      if (!existing) return null;
      if (TRANSACTIONS.has(type)) deleteEntity(company, type, { Id: existing['Id'], SyncToken: existing['SyncToken'] }, at());
      else updateEntity(company, type, sparseUpdate(type, existing, { Active: false }), at());
      return { entity: type, id: String(existing['Id']), operation: 'Delete' };
    });
  }
  return results;
}
