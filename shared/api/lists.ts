import { z } from 'zod';
import { Timestamp } from './common.ts';

/** The QuickBooks lists a host can mirror into its own product, and the QuickBooks entity behind each. */
export const mirrorLists = ['accounts', 'customers', 'classes', 'departments', 'items'] as const;
export type MirrorList = (typeof mirrorLists)[number];

export const mirrorListTypes = {
  accounts: 'Account',
  customers: 'Customer',
  classes: 'Class',
  departments: 'Department',
  items: 'Item',
} as const satisfies Record<MirrorList, string>;

export const MirrorListName = z.enum(mirrorLists).meta({
  id: 'MirrorList',
  description: 'accounts (GL accounts), customers (customers and their projects), classes, departments (QuickBooks "locations"), items (products and services).',
});

export const ListRecord = z
  .object({
    id: z.string().meta({ description: 'The QuickBooks Id.' }),
    type: z.string().meta({ description: 'The QuickBooks entity: Account, Customer, Class, Department or Item.' }),
    name: z.string().nullable(),
    active: z.boolean(),
    parent_id: z.string().nullable().meta({ description: 'ParentRef: the parent customer of a project, the parent of a sub-account, sub-class, sub-department or sub-item.' }),
    is_project: z.boolean().meta({ description: 'true for a customer that is a project or job (a sub-customer).' }),
    change_seq: z.string().meta({ description: 'Ledgerlink\'s change sequence for the record: it moves only when the stored data changes.' }),
    updated_at: Timestamp,
    data: z.record(z.string(), z.unknown()).meta({ description: 'The QuickBooks JSON, as it answered.' }),
  })
  .meta({ id: 'ListRecord' });
export type ListRecord = z.infer<typeof ListRecord>;

export const DeletedListRecord = z
  .object({
    id: z.string(),
    type: z.string(),
    name: z.string().nullable(),
    reason: z.enum(['deactivated', 'deleted']).meta({ description: 'deactivated: QuickBooks made the name inactive (its "delete" for lists; the name gains " (deleted)"). deleted: the record is gone from QuickBooks.' }),
    data: z.record(z.string(), z.unknown()).nullable().meta({ description: 'The last QuickBooks JSON Ledgerlink holds.' }),
  })
  .meta({ id: 'DeletedListRecord' });
export type DeletedListRecord = z.infer<typeof DeletedListRecord>;

export const ListBatchQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100).meta({ description: 'At most this many records per call (≤ 500, default 100); call again while has_more.' }),
});

export const ImportNewResult = z
  .object({
    list: MirrorListName,
    records: z.array(ListRecord),
    count: z.number().int(),
    has_more: z.boolean(),
  })
  .meta({ id: 'ListImportNew' });
export type ImportNewResult = z.infer<typeof ImportNewResult>;

export const UpdateExistingResult = z
  .object({
    list: MirrorListName,
    records: z.array(ListRecord).meta({ description: 'Mirrored records QuickBooks changed since you took them, as they are now.' }),
    count: z.number().int(),
    deleted: z.array(DeletedListRecord).meta({ description: 'Mirrored records now inactive or gone. Each is flagged once; Ledgerlink never removes anything from your product.' }),
    has_more: z.boolean(),
  })
  .meta({ id: 'ListUpdateExisting' });
export type UpdateExistingResult = z.infer<typeof UpdateExistingResult>;

export const ListMirrorStatus = z
  .object({
    list: MirrorListName,
    mirrored: z.number().int().meta({ description: 'Records you have taken (flagged deletions included).' }),
    not_mirrored: z.number().int().meta({ description: 'Live records "Import new" would hand you.' }),
    changed_since_mirror: z.number().int().meta({ description: 'Live mirrored records "Update existing" would hand you.' }),
    deleted_since_mirror: z.number().int().meta({ description: 'Mirrored records now inactive or gone, not yet flagged.' }),
    flagged_deleted: z.number().int().meta({ description: 'Deletions already flagged to you.' }),
  })
  .meta({ id: 'ListMirrorStatus' });
export type ListMirrorStatus = z.infer<typeof ListMirrorStatus>;
