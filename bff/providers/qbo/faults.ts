import type { ProviderFaultAction, ProviderFaultCategory } from '../../../shared/api/errors.ts';
import { withArticle } from '../../../shared/text/article.ts';

/**
 * How a QuickBooks call failed, in the terms the product acts on. Faults come as JSON (`Fault.Error[]`),
 * as lower-case `fault.error[]` (401, and Intuit's 403 ApplicationAuthorizationFailed), as XML
 * (`<Fault type="SERVICE"><Error code="3001">`) on throttles, or as HTML from a gateway on 5xx.
 * `kind` is what the HTTP layer retries on; `category` and `action` are what a person is told.
 */
export type QboFailureKind = 'unauthorized' | 'throttled' | 'stale_object' | 'not_found' | 'validation' | 'unavailable' | 'other';

export interface QboFaultDetail {
  code: string;
  message: string;
  detail: string;
  element?: string;
}

export interface FaultClass {
  category: ProviderFaultCategory;
  action: ProviderFaultAction;
  /** The QuickBooks field at fault: the fault's `element`, or the field the code is always about. */
  field: string | null;
}

interface CodeRule {
  category: ProviderFaultCategory;
  action: ProviderFaultAction;
  /** The field this code is about when the fault leaves `element` empty (6240 is always the name). */
  field?: string;
}

const reconnect: CodeRule = { category: 'needs_reconnect', action: 'reconnect' };
const fixRecord: CodeRule = { category: 'validation', action: 'fix_record' };
const ourRequest: CodeRule = { category: 'validation', action: 'contact_support' };
const upgrade: CodeRule = { category: 'plan_or_region_unsupported', action: 'upgrade_plan' };

/**
 * Intuit's documented fault codes (IPP error code list, "Handling common errors", QBO-FACTS), leading
 * zeros dropped (`003100` is 3100). A code decides before the HTTP status does: Intuit has sent throttles
 * (3001) with 403 and system faults (10000) with 400.
 */
export const qboFaultCodes: Readonly<Record<string, CodeRule>> = {
  '100': reconnect, // general authentication error
  '110': reconnect, // OAuth error
  '120': reconnect, // authorization failure: the admin who connected was removed from the company
  '3100': reconnect, // ApplicationAuthorizationFailed: the app lost access to this company
  '3200': reconnect, // AuthenticationFailed: token refused
  '150': { category: 'provider_down', action: 'retry' }, // company under maintenance
  '3001': { category: 'rate_limited', action: 'wait' }, // ThrottleExceeded
  '10000': { category: 'provider_down', action: 'retry' }, // SystemFault: "An application error has occurred"
  '500': ourRequest, // unsupported operation
  '600': ourRequest, // duplicate request id
  '610': fixRecord, // object not found: something the record refers to was deleted or made inactive
  '2010': ourRequest, // invalid or unsupported property
  '2020': fixRecord, // required parameter missing
  '2040': fixRecord, // invalid string: a colon, tab or line break in a name
  '2050': fixRecord, // length exceeds limit
  '2080': fixRecord, // illegal number format
  '2170': ourRequest, // invalid enumeration
  '2500': fixRecord, // invalid reference id
  '4000': { category: 'internal', action: 'contact_support' }, // query refused: our query
  '4001': { category: 'internal', action: 'contact_support' },
  '5010': { category: 'conflict', action: 'retry' }, // stale object: someone saved it first
  '5020': upgrade, // permission denied: the plan does not include the feature
  '5030': upgrade, // feature not supported
  '6000': fixRecord, // business validation
  '6070': { ...fixRecord, field: 'Amount' }, // amount is not quantity × unit price
  '6140': { ...fixRecord, field: 'DocNumber' }, // duplicate document number
  '6190': upgrade, // invalid company status: subscription ended or unpaid
  '6200': { ...fixRecord, field: 'TxnDate' }, // closed period: the books are closed on the transaction's date
  '6210': { ...fixRecord, field: 'TxnDate' }, // account period closed
  '6240': { ...fixRecord, field: 'DisplayName' }, // duplicate name across vendors, customers, employees
  '6520': fixRecord, // business rule on the transaction's state
  '6540': fixRecord, // deposited transaction cannot be changed
};

/** `003100`, `3100` and `errorCode=003100` in a message are the same code. */
function normalCode(fault: QboFaultDetail): string {
  const code = fault.code.trim() || /errorCode=(\d+)/.exec(fault.message)?.[1] || '';
  return /^\d+$/.test(code) ? String(Number(code)) : code;
}

/**
 * One fault answer → category, action and field. Order: a 401 is always a dead token and a 429 always a
 * throttle whatever the body says; then the first fault whose code is documented; then the status
 * (any other 403 is an authorization problem, 5xx and no answer at all are QuickBooks being down).
 */
export function classifyQboFault(status: number, faults: QboFaultDetail[], oauthError?: string): FaultClass {
  const first = faults[0];
  const element = first?.element?.trim() || null;
  if (status === 401 || oauthError === 'invalid_grant') return { ...reconnect, field: null };
  if (status === 429) return { category: 'rate_limited', action: 'wait', field: null };
  for (const fault of faults) {
    const rule = qboFaultCodes[normalCode(fault)];
    if (!rule) continue;
    // A business validation about the plan ("not available in your QuickBooks Online plan") is fixed by upgrading.
    if (rule === qboFaultCodes['6000'] && /\bplan\b|subscription/i.test(`${fault.message} ${fault.detail}`)) return { ...upgrade, field: null };
    return { category: rule.category, action: rule.action, field: fault.element?.trim() || rule.field || null };
  }
  if (status === 403) return { ...reconnect, field: null };
  if (status === 0 || status >= 500) return { category: 'provider_down', action: 'retry', field: null };
  if (status === 400) return { category: 'validation', action: 'contact_support', field: element };
  return { category: 'internal', action: 'contact_support', field: element };
}

const kindOf = (klass: FaultClass, faults: QboFaultDetail[]): QboFailureKind => {
  if (klass.category === 'needs_reconnect') return 'unauthorized';
  if (klass.category === 'rate_limited') return 'throttled';
  if (klass.category === 'provider_down') return 'unavailable';
  if (klass.category === 'conflict') return 'stale_object';
  if (faults.some((fault) => normalCode(fault) === '610')) return 'not_found';
  return klass.category === 'internal' ? 'other' : 'validation';
};

export class QboError extends Error {
  readonly category: ProviderFaultCategory;
  readonly action: ProviderFaultAction;
  /** The QuickBooks field at fault, when the fault names one or its code implies one. */
  readonly field: string | null;

  constructor(
    readonly kind: QboFailureKind,
    readonly status: number,
    readonly faults: QboFaultDetail[],
    readonly retryAfterSeconds?: number,
    klass: FaultClass = classifyQboFault(status, faults),
  ) {
    const first = faults[0];
    super(first ? `QuickBooks ${status} ${first.code}: ${first.message}${first.detail ? ` (${first.detail})` : ''}` : `QuickBooks answered ${status}`);
    this.name = 'QboError';
    this.category = klass.category;
    this.action = klass.action;
    this.field = klass.field;
  }

  /** The first fault's code as Intuit sent it (`003100` stays as sent; the classification ignores zeros). */
  get code(): string | undefined {
    return this.faults[0]?.code;
  }

  /** The first documented code, leading zeros dropped: what the product branches on. */
  get normalCode(): string | undefined {
    const first = this.faults.find((fault) => qboFaultCodes[normalCode(fault)]) ?? this.faults[0];
    return first ? normalCode(first) : undefined;
  }
}

export function parseFault(status: number, body: string, retryAfter?: string | null): QboError {
  const isXml = /^\s*</.test(body);
  const faults = isXml ? xmlFaults(body) : jsonFaults(body);
  const retryAfterSeconds = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  const klass = classifyQboFault(status, faults, isXml ? undefined : oauthErrorOf(body));
  return new QboError(kindOf(klass, faults), status, faults, retryAfterSeconds, klass);
}

/** Intuit's token endpoint answers `{"error":"invalid_grant"}`: no Fault, but just as final. */
function oauthErrorOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return typeof parsed.error === 'string' ? parsed.error : undefined;
  } catch {
    return undefined;
  }
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


const nameHolder = /Another \$*(customer|vendor|employee|tax rate|tax code|[a-z ]+?)\$* is already using this name/i;

/** What a person reads when the connection itself is gone (a QboError, or our own token layer saying so). */
export const reconnectMessage = 'QuickBooks no longer lets us into this company. Reconnect it to resume.';

/**
 * The fault in plain words, for the person who can fix it. `what` names the record ("the vendor").
 */
export function describeQboFault(error: QboError, what = 'the record'): string {
  const first = error.faults.find((fault) => qboFaultCodes[normalCode(fault)]) ?? error.faults[0];
  // QuickBooks' Detail often repeats its Message ("Amount is not …: Amount is not …. Supplied value:1"): say it once.
  const said = !first ? '' : first.detail && first.message && first.detail.startsWith(first.message) ? first.detail : [first.message, first.detail].filter(Boolean).join(': ');
  switch (error.category) {
    case 'needs_reconnect':
      return reconnectMessage;
    case 'rate_limited':
      return 'QuickBooks limited how often we can ask. We will try again shortly.';
    case 'provider_down':
      return 'QuickBooks is not responding right now. We will try again automatically.';
    case 'conflict':
      return `Someone changed ${what} in QuickBooks while we were saving it. It will be read again and retried.`;
    case 'plan_or_region_unsupported':
      return `QuickBooks refused ${what}: this company's QuickBooks plan does not allow it${said ? ` (${said})` : ''}.`;
    default:
      break;
  }
  if (first && normalCode(first) === '6240') {
    const holder = nameHolder.exec(first.detail)?.[1]?.toLowerCase();
    return `The name is already used by ${holder ? withArticle(holder) : 'another record'} in QuickBooks (names are shared by vendors, customers and employees). Rename ${what} or link it to that record.`;
  }
  return `QuickBooks refused ${what}${error.field ? ` (field ${error.field})` : ''}${said ? `: ${said}` : ''}.`;
}

/**
 * Whether a write that failed this way may succeed unchanged later: throttles, QuickBooks down (5xx, timeouts,
 * lost answers) and stale SyncTokens (5010: re-read and re-apply). Everything else is permanent until someone
 * changes the record, a mapping or the connection: retrying it would only repeat the refusal.
 */
export function isRetryableWrite(error: QboError): boolean {
  return error.kind === 'throttled' || error.kind === 'unavailable' || error.kind === 'stale_object';
}

/** Words for write faults whose generic wording would not say what to do. */
const writeAdvice: Readonly<Record<string, string>> = {
  '6140': 'QuickBooks already has a document with this number: give it another number in your product, then retry.',
  '6200': 'The books are closed on this date in QuickBooks: change the date to an open period, or ask the accountant to reopen the period.',
  '6210': 'The books are closed on this date in QuickBooks: change the date to an open period, or ask the accountant to reopen the period.',
  '6190': 'This QuickBooks company\'s subscription has ended or is unpaid, so QuickBooks accepts no changes: renew it in QuickBooks, then retry.',
  '610': 'Something the document refers to was deleted or made inactive in QuickBooks (a customer, vendor, item, account or tax code): restore it there or change the mapping, then retry.',
  '2500': 'Something the document refers to no longer exists in QuickBooks (a customer, vendor, item, account or tax code): restore it there or change the mapping, then retry.',
};

/**
 * A write fault as a person reads it on a document: the QuickBooks words, plus what to do where the code
 * has a known remedy. `what` names the document ("the invoice").
 */
export function describeWriteFault(error: QboError, what: string): string {
  const advice = error.normalCode ? writeAdvice[error.normalCode] : undefined;
  const base = describeQboFault(error, what);
  return advice ? `${base} ${advice}` : base;
}
