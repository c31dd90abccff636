import { z } from '@hono/zod-openapi';
import { maxBigint, TimestampInput } from '../../shared/api/common.ts';
import { ConnectionId } from '../../shared/api/connections.ts';
import { findConnection } from '../connections/store.ts';
import type { AppEnv } from '../context.ts';
import { notFound } from '../http/api-error.ts';
import { jsonResponse, serverRoute } from '../http/routes.ts';
import { qboEntityTypes, qboSingletons } from '../providers/qbo/entities.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const recordRoutes = apiRoutes();

const recordTypes = [...qboEntityTypes, ...qboSingletons] as const;

/**
 * A next_cursor is a record's change_seq (a bigint) in base64url. Anything else, including nineteen digits
 * beyond what bigint holds (Postgres would refuse it, 22003), is a 400 on `query.cursor`.
 */
const Cursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a next_cursor from a previous page')
  .transform((value, ctx) => {
    const decoded = Buffer.from(value, 'base64url').toString('utf8');
    if (!/^\d{1,19}$/.test(decoded) || BigInt(decoded) > maxBigint) {
      ctx.addIssue({ code: 'custom', message: 'must be a next_cursor from a previous page' });
      return z.NEVER;
    }
    return decoded;
  });

const MirroredRecord = z
  .object({
    id: z.string(),
    type: z.string(),
    deleted: z.boolean(),
    deleted_at: z.string().nullable(),
    updated_at: z.string().meta({ description: 'When Ledgerlink last stored a change to it.' }),
    provider_updated_at: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).meta({ description: 'The provider\'s JSON, as it answered.' }),
  })
  .meta({ id: 'MirroredRecord' });

recordRoutes.openapi(
  serverRoute({
    method: 'get',
    path: '/v1/connections/{id}/records/{type}',
    summary: 'Mirrored records of one type, in change order, tombstones included',
    description:
      'Page with next_cursor until it is null. The cursor is stable: a record changed while you page reappears later in the order, never skipped. ' +
      'updated_since keeps only records Ledgerlink stored changes to at or after that time.',
    tags: ['Records'],
    request: {
      params: z.object({ id: ConnectionId, type: z.enum(recordTypes) }),
      query: z.object({
        updated_since: TimestampInput.optional(),
        cursor: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
    },
    responses: {
      200: jsonResponse('A page', z.object({ data: z.array(MirroredRecord), next_cursor: z.string().nullable() }).meta({ id: 'RecordPage' })),
    },
  }),
  async (c) => {
    const { sql } = c.get('deps');
    const { id, type } = c.req.valid('param');
    const { updated_since, cursor, limit } = c.req.valid('query');
    if (!(await findConnection(sql, c.get('tenant'), id))) throw notFound('Connection');
    const rows = await sql<{ external_id: string; data: Record<string, unknown>; deleted_at: Date | null; updated_at: Date; provider_updated_at: Date | null; change_seq: string }[]>`
      select external_id, data, deleted_at, updated_at, provider_updated_at, change_seq from records
      where connection_id = ${id} and type = ${type}
        ${cursor ? sql`and change_seq > ${cursor}` : sql``}
        ${updated_since ? sql`and updated_at >= ${updated_since}` : sql``}
      order by change_seq
      limit ${limit}`;
    const last = rows.at(-1);
    return c.json(
      {
        data: rows.map((row) => ({
          id: row.external_id,
          type,
          deleted: row.deleted_at !== null,
          deleted_at: row.deleted_at?.toISOString() ?? null,
          updated_at: row.updated_at.toISOString(),
          provider_updated_at: row.provider_updated_at?.toISOString() ?? null,
          data: row.data,
        })),
        next_cursor: rows.length === limit && last ? Buffer.from(String(last.change_seq)).toString('base64url') : null,
      },
      200,
    );
  },
);
