import type { Company, Json } from '../company.ts';
import type { EntityName } from '../entity-kinds.ts';
import { mutate, type MutationRequest } from '../mutations.ts';
import { formatResponseTime } from '../qbo-time.ts';
import { runBatch } from './batch.ts';
import { faultBody, faults, QboFault } from './faults.ts';
import { setTaxCodeActive } from './tax-rules.ts';
import { createTaxCode } from './tax-service.ts';
import { createEntity, deleteEntity, updateEntity, voidEntity } from './write.ts';

/**
 * One write to a company, as the API or the control API received it. Every write goes through `applyWrite`, so a
 * journal of these records replayed in order (at their recorded times) rebuilds the company exactly: ids, SyncTokens,
 * MetaData times, the ledger and the requestid replies.
 */
export type WriteRecord =
  | { op: 'entity'; type: EntityName; operation?: string; payload: Json; requestId?: string }
  | { op: 'batch'; payload: Json; requestId?: string }
  | { op: 'taxcode'; payload: Json }
  | { op: 'taxcode-active'; id: number; active: boolean }
  | { op: 'mutate'; request: MutationRequest; call: number };

export interface WriteResult {
  status: number;
  body: unknown;
}

function entityWrite(company: Company, record: Extract<WriteRecord, { op: 'entity' }>, time: string): WriteResult {
  const { type, operation, payload } = record;
  const now = company.nowMs;
  try {
    let entity: Json;
    if (operation === 'delete') entity = deleteEntity(company, type, payload, now);
    else if (operation === 'void') entity = voidEntity(company, type, payload, now);
    else if (operation === 'update' || (payload['Id'] !== undefined && payload['Id'] !== null && payload['Id'] !== '')) entity = updateEntity(company, type, payload, now);
    else if (operation === undefined || operation === 'create') entity = createEntity(company, type, payload, now);
    else throw faults.unsupportedOperation(operation);
    return { status: 200, body: { [type]: entity, time } };
  } catch (error) {
    if (!(error instanceof QboFault)) throw error;
    return { status: error.status, body: faultBody(error, time) };
  }
}

/**
 * Applies a write at `company.nowMs`. Entity writes and batches with a requestid remember their answer for replays;
 * faults of a whole batch or tax code are thrown (they change nothing, so they are not journaled).
 */
export function applyWrite(company: Company, record: WriteRecord): WriteResult {
  const time = formatResponseTime(company.nowMs, company.timeZone);
  let result: WriteResult;
  switch (record.op) {
    case 'entity':
      result = entityWrite(company, record, time);
      break;
    case 'batch':
      result = { status: 200, body: runBatch(company, record.payload, company.nowMs, time) };
      break;
    case 'taxcode':
      result = { status: 200, body: createTaxCode(company, record.payload, company.nowMs) };
      break;
    case 'taxcode-active':
      result = { status: 200, body: { TaxCode: setTaxCodeActive(company, record.id, record.active, company.nowMs) } };
      break;
    case 'mutate':
      result = { status: 200, body: { changes: mutate(company, record.request, record.call, company.nowMs) } };
      break;
  }
  if ((record.op === 'entity' || record.op === 'batch') && record.requestId) company.replies.set(record.requestId, { ...result, atMs: company.nowMs });
  return result;
}
