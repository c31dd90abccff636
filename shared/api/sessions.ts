import { z } from 'zod';
import { HostId, RoleName, Timestamp } from './common.ts';

export const SessionUser = z
  .object({
    id: HostId,
    name: z.string().max(200).optional(),
    email: z.string().email().max(320).optional(),
    role: RoleName,
  })
  .strict();

export type SessionUser = z.infer<typeof SessionUser>;

export const CreateSessionBody = z
  .object({
    organization_id: HostId,
    user: SessionUser,
    ttl_seconds: z.number().int().min(60).max(3600).optional().meta({ description: 'Defaults to 900 (15 minutes).' }),
  })
  .strict()
  .meta({ id: 'CreateSession' });

export const CreatedSession = z
  .object({
    token: z.string(),
    expires_at: Timestamp,
  })
  .meta({ id: 'Session' });

/** What a component learns about its own session (GET /v1/widget/session). */
export const SessionInfo = z
  .object({
    tenant_id: z.string(),
    organization_id: z.string(),
    user: SessionUser,
    expires_at: Timestamp,
  })
  .meta({ id: 'SessionInfo' });

export type SessionInfo = z.infer<typeof SessionInfo>;

export const EndSessionsBody = z
  .object({
    user_id: HostId,
    organization_id: HostId.optional().meta({ description: 'Only this organization; omitted: every organization of the tenant.' }),
  })
  .strict()
  .meta({ id: 'EndSessions' });

export const EndedSessions = z
  .object({
    revoked_before: Timestamp.meta({ description: 'Session tokens of the user issued before this no longer work.' }),
  })
  .meta({ id: 'EndedSessions' });
