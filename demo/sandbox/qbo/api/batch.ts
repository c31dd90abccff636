import type { Company, Json } from '../company.ts';
import { entityNameOf, isSingleton } from '../entity-kinds.ts';
import { executeQuery } from '../query/execute.ts';
import { parseQuery, QueryError } from '../query/parse.ts';
import { faultBody, faults, QboFault } from './faults.ts';
import { createEntity, deleteEntity, updateEntity } from './write.ts';

/** Intuit: at most 30 operations per batch call. */
export const BATCH_LIMIT = 30;

function runQuery(company: Company, text: string): Json {
  try {
    const parsed = parseQuery(text);
    const type = entityNameOf(parsed.entity);
    if (!type || isSingleton(type)) throw faults.query('4000', 'Error parsing query', `QueryParserError: Invalid content. Entity '${parsed.entity}' is not supported.`);
    const result = executeQuery(company, type, parsed);
    if (result.kind === 'count') return { totalCount: result.total };
    return result.items.length === 0 ? {} : { [type]: result.items, startPosition: result.startPosition, maxResults: result.items.length };
  } catch (error) {
    if (error instanceof QueryError) throw faults.query(error.code, error.message, error.detail);
    throw error;
  }
}

/**
 * POST /batch: `{BatchItemRequest: [{bId, operation, <Entity>: {...}} | {bId, Query}]}` → one BatchItemResponse
 * per item, each either the entity, a QueryResponse or its own Fault; one failing item does not fail the others.
 */
export function runBatch(company: Company, body: Json, nowMs: number, time: string): Json {
  const items = body['BatchItemRequest'];
  if (!Array.isArray(items) || items.length === 0) throw faults.requiredMissing('BatchItemRequest');
  if (items.length > BATCH_LIMIT) throw faults.malformedRequest(`Batch request exceeds the limit of ${BATCH_LIMIT} operations.`);
  const responses = (items as Json[]).map((item) => {
    const bId = String(item['bId'] ?? '');
    try {
      if (typeof item['Query'] === 'string') return { bId, QueryResponse: runQuery(company, item['Query']) };
      const entityKey = Object.keys(item).find((key) => key !== 'bId' && key !== 'operation' && key !== 'optionsData');
      const type = entityKey ? entityNameOf(entityKey) : null;
      if (!entityKey || !type || isSingleton(type)) throw faults.malformedRequest('Batch item names no entity');
      const payload = item[entityKey] as Json;
      const operation = String(item['operation'] ?? 'create');
      const entity =
        operation === 'create' ? createEntity(company, type, payload, nowMs)
        : operation === 'update' ? updateEntity(company, type, payload, nowMs)
        : operation === 'delete' ? deleteEntity(company, type, payload, nowMs)
        : (() => { throw faults.unsupportedOperation(operation); })();
      return { bId, [type]: entity };
    } catch (error) {
      if (!(error instanceof QboFault)) throw error;
      return { bId, Fault: (faultBody(error, time) as { Fault: unknown }).Fault };
    }
  });
  return { BatchItemResponse: responses, time };
}
