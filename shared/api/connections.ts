import { z } from 'zod';
import { Timestamp } from './common.ts';

export const providers = ['qbo', 'xero'] as const;
export const connectionStatuses = ['connected', 'needs_reconnect', 'disconnected', 'error'] as const;

export const ConnectionId = z.string().regex(/^con_[0-9a-f]{20}$/, 'must be a connection id such as con_…');

export const Connection = z
  .object({
    id: z.string(),
    organization_id: z.string(),
    provider: z.enum(providers),
    external_id: z.string().meta({ description: 'QuickBooks realm id or Xero tenant id.' }),
    company_name: z.string().nullable(),
    legal_name: z.string().nullable(),
    country: z.string().nullable(),
    plan: z.string().nullable(),
    status: z.enum(connectionStatuses),
    status_reason: z.string().nullable(),
    connected_by: z.string().nullable(),
    created_at: Timestamp,
    connected_at: Timestamp.nullable(),
    last_refreshed_at: Timestamp.nullable(),
    last_synced_at: Timestamp.nullable(),
  })
  .meta({ id: 'Connection' });

export type Connection = z.infer<typeof Connection>;

export const ConnectionList = z.object({ data: z.array(Connection) }).meta({ id: 'ConnectionList' });
