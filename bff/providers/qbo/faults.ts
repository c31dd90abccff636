/**
 * How a QuickBooks call failed, in the terms the product acts on. Faults come as JSON (`Fault.Error[]`),
 * as lower-case `fault.error[]` on 401, or as XML (`<Fault type="SERVICE"><Error code="3001">`) on 429.
 */
export type QboFailureKind = 'unauthorized' | 'throttled' | 'stale_object' | 'not_found' | 'validation' | 'unavailable' | 'other';

export interface QboFaultDetail {
  code: string;
  message: string;
  detail: string;
  element?: string;
}

export class QboError extends Error {
  constructor(
    readonly kind: QboFailureKind,
    readonly status: number,
    readonly faults: QboFaultDetail[],
    readonly retryAfterSeconds?: number,
  ) {
    const first = faults[0];
    super(first ? `QuickBooks ${status} ${first.code}: ${first.message}${first.detail ? ` (${first.detail})` : ''}` : `QuickBooks answered ${status}`);
    this.name = 'QboError';
  }

  get code(): string | undefined {
    return this.faults[0]?.code;
  }
}

export function parseFault(status: number, body: string, retryAfter?: string | null): QboError {
  const faults = /^\s*</.test(body) ? xmlFaults(body) : jsonFaults(body);
  const codes = new Set(faults.map((fault) => fault.code));
  const retryAfterSeconds = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  let kind: QboFailureKind = 'other';
  if (status === 401 || codes.has('3200') || codes.has('100') || codes.has('120')) kind = 'unauthorized';
  else if (status === 429 || codes.has('3001')) kind = 'throttled';
  else if (codes.has('5010')) kind = 'stale_object';
  else if (codes.has('610')) kind = 'not_found';
  else if (status >= 500) kind = 'unavailable';
  else if (status === 400) kind = 'validation';
  return new QboError(kind, status, faults, retryAfterSeconds);
}

function jsonFaults(body: string): QboFaultDetail[] {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const fault = (parsed.Fault ?? parsed.fault) as Record<string, unknown> | undefined;
    const errors = (fault?.Error ?? fault?.error ?? []) as Record<string, unknown>[];
    return errors.map((error) => ({
      code: String(error.code ?? ''),
      message: String(error.Message ?? error.message ?? ''),
      detail: String(error.Detail ?? error.detail ?? ''),
      ...(error.element ? { element: String(error.element) } : {}),
    }));
  } catch {
    return [];
  }
}

function xmlFaults(body: string): QboFaultDetail[] {
  const faults: QboFaultDetail[] = [];
  for (const match of body.matchAll(/<Error\b([^>]*)>([\s\S]*?)<\/Error>/g)) {
    const attributes = match[1] ?? '';
    const inner = match[2] ?? '';
    const element = /element="([^"]*)"/.exec(attributes)?.[1];
    faults.push({
      ...(element ? { element } : {}),
      code: /code="([^"]*)"/.exec(attributes)?.[1] ?? '',
      message: /<Message>([\s\S]*?)<\/Message>/.exec(inner)?.[1] ?? '',
      detail: /<Detail>([\s\S]*?)<\/Detail>/.exec(inner)?.[1] ?? '',
    });
  }
  return faults;
}
