import { z } from 'zod';
import { HostId, Timestamp } from './common.ts';
import { ProviderFault } from './errors.ts';
import { centsText, lineAmountCents, scaled } from '../money/line-amount.ts';

/**
 * Write-back: host documents pushed to the accounting system through an outbox. The document schema is the
 * host's, not QuickBooks': parties, products, categories, tax rates, staff, classes and locations are named by
 * the host's own ids, and Ledgerlink translates them through links (suppliers, customers) and mappings.
 */
export const documentKinds = ['purchase_order', 'bill', 'invoice', 'customer', 'vendor', 'time_activity'] as const;
export type DocumentKind = (typeof documentKinds)[number];

export const documentStatuses = ['queued', 'pushing', 'pushed', 'pushed_with_variance', 'needs_mapping', 'rejected', 'failed_retrying', 'cancelled'] as const;
export type DocumentStatus = (typeof documentStatuses)[number];

const Money = z.number().finite().min(-1e12).max(1e12);
/** A real calendar day: the pattern alone lets 2026-02-30 through, which QuickBooks (and every later step) refuses. */
const isCalendarDay = (value: string) => {
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDay, 'must be a real calendar date YYYY-MM-DD');
const Text = (max: number) => z.string().min(1).max(max);
/** A name people read: spaces alone are no name (QuickBooks trims them away and refuses what is left). */
const Name = (max: number) => Text(max).refine((value) => value.trim().length > 0, 'must not be empty or only spaces');

const DocumentLine = z
  .object({
    description: z.string().max(4000).optional(),
    quantity: z.number().finite().min(-1e9).max(1e9).optional(),
    unit_price: Money.optional(),
    amount: Money.meta({ description: 'The line amount before tax, in the document currency.' }),
    product_id: HostId.optional().meta({ description: 'Your product: linked as a QuickBooks item (item-based line).' }),
    category_id: HostId.optional().meta({ description: 'Your category or billable category: mapped to a QuickBooks account (purchases) or item (sales).' }),
    tax_rate_id: HostId.optional().meta({ description: 'Your tax rate: mapped to a QuickBooks tax code (sales or purchase use).' }),
    class_id: HostId.optional(),
  })
  .strict()
  .superRefine((line, ctx) => {
    // QuickBooks refuses a line whose amount is not quantity × unit price (fault 6070): said here, in our words.
    if (line.quantity === undefined || line.unit_price === undefined) return;
    // In decimal, half away from zero, as QuickBooks rounds (binary floats make 1 × 1.005 round to 1.00).
    const expected = lineAmountCents(line.unit_price, line.quantity);
    if (expected !== null && scaled(line.amount, 7) !== expected * 100_000n) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `must be quantity × unit price (${line.quantity} × ${line.unit_price} = ${centsText(expected)}), not ${line.amount}; QuickBooks refuses a line whose amount differs` });
    }
  });

const Totals = z
  .object({
    tax: Money.optional().meta({ description: 'Your tax total; compared with QuickBooks\' after the push.' }),
    total: Money.meta({ description: 'Your total including tax; a difference over 0.01 from QuickBooks\' is reported as pushed_with_variance.' }),
  })
  .strict();

const Transaction = {
  doc_number: Name(21).optional().meta({ description: 'Document number (QuickBooks DocNumber, at most 21 characters).' }),
  date: Day,
  due_date: Day.optional(),
  memo: z.string().max(3500).optional(),
  class_id: HostId.optional().meta({ description: 'Class for every line that names none.' }),
  location_id: HostId.optional().meta({ description: 'Mapped to a QuickBooks department (QuickBooks calls them locations).' }),
  lines: z.array(DocumentLine).min(1).max(250),
  totals: Totals,
};

export const PurchaseDocumentData = z.object({ supplier_id: HostId.meta({ description: 'Your supplier, linked to a QuickBooks vendor.' }), ...Transaction }).strict();
export const InvoiceDocumentData = z.object({ customer_id: HostId.meta({ description: 'Your client, linked to a QuickBooks customer.' }), ...Transaction }).strict();

export const PartyDocumentData = z
  .object({
    name: Name(500),
    email: z.string().max(100).optional(),
    phone: z.string().max(30).optional(),
    address_line1: z.string().max(500).optional(),
    address_line2: z.string().max(500).optional(),
    city: z.string().max(255).optional(),
    region: z.string().max(255).optional(),
    postal_code: z.string().max(30).optional(),
    country: z.string().max(255).optional(),
    account_number: z.string().max(100).optional(),
  })
  .strict();

export const TimeActivityDocumentData = z
  .object({
    approved: z.literal(true, { message: 'only approved time is pushed: send approved: true' }),
    staff_id: HostId.meta({ description: 'Your staff member, mapped to a QuickBooks employee.' }),
    customer_id: HostId.optional().meta({ description: 'Your client, linked to a QuickBooks customer.' }),
    category_id: HostId.optional().meta({ description: 'Your billable category, mapped to a QuickBooks service item.' }),
    date: Day,
    hours: z.number().int().min(0).max(24),
    minutes: z.number().int().min(0).max(59).default(0),
    billable: z.boolean().default(false),
    hourly_rate: Money.optional(),
    description: z.string().max(4000).optional(),
  })
  .strict();

/** The OpenAPI component each kind's `data` is documented as: one per kind, so a host reads the one it sends. */
export const documentDataComponent = {
  purchase_order: 'PurchaseOrderDocumentData',
  bill: 'BillDocumentData',
  invoice: 'InvoiceDocumentData',
  customer: 'CustomerDocumentData',
  vendor: 'VendorDocumentData',
  time_activity: 'TimeActivityDocumentData',
} as const satisfies Record<DocumentKind, string>;

const named = <T extends z.ZodType>(schema: T, kind: DocumentKind, description: string) => schema.meta({ id: documentDataComponent[kind], description: `data of a ${kind} document: ${description}` });

export const documentDataSchemas = {
  purchase_order: named(PurchaseDocumentData, 'purchase_order', 'the supplier is linked to a QuickBooks vendor; lines with a product become item lines, others account lines.'),
  bill: named(PurchaseDocumentData, 'bill', 'the supplier is linked to a QuickBooks vendor; lines with a product become item lines, others account lines.'),
  invoice: named(InvoiceDocumentData, 'invoice', 'the client is linked to a QuickBooks customer; lines through product or billable-category mappings.'),
  customer: named(PartyDocumentData, 'customer', 'pushed with a duplicate check by name (a QuickBooks customer of that name is linked instead of created).'),
  vendor: named(PartyDocumentData, 'vendor', 'pushed with a duplicate check by name (a QuickBooks vendor of that name is linked instead of created).'),
  time_activity: named(TimeActivityDocumentData, 'time_activity', 'approved time of a staff member mapped to a QuickBooks employee.'),
} as const satisfies Record<DocumentKind, z.ZodType>;

export type PurchaseDocumentData = z.infer<typeof PurchaseDocumentData>;
export type InvoiceDocumentData = z.infer<typeof InvoiceDocumentData>;
export type PartyDocumentData = z.infer<typeof PartyDocumentData>;
export type TimeActivityDocumentData = z.infer<typeof TimeActivityDocumentData>;
export type DocumentLine = z.infer<typeof DocumentLine>;

export const SubmitDocumentBody = z
  .object({
    kind: z.enum(documentKinds),
    host_id: HostId.meta({ description: 'Your id of the document (or party); one QuickBooks record per (connection, kind, host_id).' }),
    version: z.number().int().min(1).max(2_147_483_647).meta({ description: 'Your version: a higher one is a revision of the same QuickBooks record.' }),
    data: z.record(z.string(), z.unknown()).meta({
      description: `The document, in the schema of its kind: ${documentKinds.map((kind) => `${kind} → ${documentDataComponent[kind]}`).join(', ')}.`,
      oneOf: documentKinds.map((kind) => ({ $ref: `#/components/schemas/${documentDataComponent[kind]}` })),
    }),
  })
  .strict()
  .superRefine((body, ctx) => {
    // Refinements can run after other fields failed (zod 4): a kind that is not one of ours has no schema.
    const schema = Object.hasOwn(documentDataSchemas, String(body.kind)) ? documentDataSchemas[body.kind] : undefined;
    if (!schema) return;
    const parsed = schema.safeParse(body.data);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: ['data', ...issue.path.map(String)], message: issue.message });
  })
  .meta({ id: 'SubmitDocument' });
export type SubmitDocumentBody = z.infer<typeof SubmitDocumentBody>;

export const MissingMapping = z
  .object({
    what: z.enum(['supplier', 'customer', 'product', 'category', 'tax_rate', 'staff', 'class', 'location', 'default']),
    host_id: z.string().nullable().meta({ description: 'Your id of the thing that has no QuickBooks counterpart.' }),
    use: z.enum(['sales', 'purchase']).nullable(),
    name: z.string().nullable().optional().meta({ description: 'The name you sent for it (host records), so people see "City levy 3.3%" rather than an id.' }),
    message: z.string(),
  })
  .meta({ id: 'MissingMapping' });
export type MissingMapping = z.infer<typeof MissingMapping>;

export const DocumentVariance = z
  .object({
    host_total: z.number(),
    quickbooks_total: z.number(),
    host_tax: z.number().nullable(),
    quickbooks_tax: z.number().nullable(),
  })
  .meta({ id: 'DocumentVariance' });

export const DocumentPayments = z
  .object({
    paid: z.number(),
    balance: z.number(),
    full: z.boolean(),
    payments: z.array(z.object({ id: z.string(), type: z.string(), amount: z.number(), date: z.string().nullable() })),
  })
  .meta({ id: 'DocumentPayments' });

export const Document = z
  .object({
    id: z.string(),
    connection_id: z.string(),
    kind: z.enum(documentKinds),
    host_id: z.string(),
    version: z.number().int(),
    status: z.enum(documentStatuses).meta({
      description:
        'queued: waiting for its push; pushing: being written; pushed: QuickBooks holds this version; pushed_with_variance: pushed, but QuickBooks\' totals or tax differ by more than 0.01 (see variance); ' +
        'needs_mapping: nothing was sent, a link or mapping is missing (see missing); rejected: QuickBooks refused it for good (see fault); failed_retrying: a retryable failure, retried automatically; cancelled: voided, deleted or withdrawn.',
    }),
    cancel_requested: z.boolean(),
    quickbooks_type: z.string().nullable(),
    quickbooks_id: z.string().nullable(),
    quickbooks_doc_number: z.string().nullable(),
    quickbooks_url: z.string().nullable().meta({ description: 'The record in QuickBooks\' web app (Intuit\'s sandbox or production, as the deployment is), for "Open in QuickBooks"; null until pushed.' }),
    pushed_version: z.number().int().nullable(),
    attempts: z.number().int(),
    fault: ProviderFault.nullable().meta({ description: 'The exact QuickBooks fault of the last failure, with what to do.' }),
    missing: z.array(MissingMapping).nullable(),
    variance: DocumentVariance.nullable(),
    payments: DocumentPayments.nullable(),
    data: z.record(z.string(), z.unknown()),
    due_at: Timestamp,
    created_at: Timestamp,
    updated_at: Timestamp,
    pushed_at: Timestamp.nullable(),
  })
  .meta({ id: 'Document' });
export type Document = z.infer<typeof Document>;

export const DocumentList = z
  .object({ data: z.array(Document), next_cursor: z.string().nullable() })
  .meta({ id: 'DocumentList' });

export const DocumentListQuery = z.object({
  status: z
    .string()
    .max(200)
    .optional()
    .refine((value) => value === undefined || value.split(',').every((part) => (documentStatuses as readonly string[]).includes(part)), `must be a comma-separated list of ${documentStatuses.join(', ')}`)
    .meta({ description: 'Comma-separated statuses, e.g. needs_mapping,rejected,failed_retrying.' }),
  kind: z.enum(documentKinds).optional(),
  host_id: HostId.optional(),
  quickbooks_id: z.string().min(1).max(64).regex(/^[0-9]+$/, 'must be a QuickBooks id (digits)').optional().meta({ description: 'The QuickBooks record\'s Id, as quickbooks_id shows it.' }),
  doc_number: z.string().min(1).max(21).optional().meta({ description: 'The QuickBooks DocNumber, exactly (quickbooks_doc_number).' }),
  cursor: z
    .string()
    .max(120)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from next_cursor')
    .refine((value) => parseDocumentCursor(value) !== null, 'must be a cursor from next_cursor')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
  // A misspelt filter would otherwise list every document as if it had matched: refused, naming the parameter.
  .strict();

/**
 * A list cursor: base64url of "<created_at ms>.<document id>" (the last row of a page), or of "<ms>" alone
 * (everything created before that instant). Null when it is neither.
 */
export function parseDocumentCursor(cursor: string): { ms: number; id: string | null } | null {
  let text: string;
  try {
    text = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return null;
  }
  const match = /^([0-9]{1,16})(?:\.(doc_[0-9a-f]{1,40}))?$/.exec(text);
  if (!match || Number(match[1]) > 8.64e15) return null;
  return { ms: Number(match[1]), id: match[2] ?? null };
}

export const PushResult = z.object({ queued: z.number().int().meta({ description: 'Documents due now.' }) }).meta({ id: 'PushResult' });

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .meta({ description: 'Your key for this request: the same key with the same body answers the same, forever; with another body, 409. Keys are per connection: the same key on another connection is a separate request.' });
