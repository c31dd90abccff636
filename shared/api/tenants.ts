import { z } from 'zod';
import { Origin, Timestamp } from './common.ts';

export const CreateTenantBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    allowed_origins: z.array(Origin).max(50).default([]),
  })
  .strict()
  .meta({ id: 'CreateTenant' });

export const TenantSecretKey = z
  .object({
    tenant_id: z.string(),
    key_id: z.string(),
    secret_key: z.string().meta({ description: 'Shown once. Store it in the host backend; send it as a Bearer token.' }),
  })
  .meta({ id: 'TenantSecretKey' });

export const Tenant = z
  .object({
    id: z.string(),
    name: z.string(),
    allowed_origins: z.array(z.string()),
    created_at: Timestamp,
  })
  .meta({ id: 'Tenant' });

export const CreatedTenant = Tenant.extend({ secret_key: z.string(), key_id: z.string() }).meta({ id: 'CreatedTenant' });

export const UpdateTenantBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    allowed_origins: z.array(Origin).max(50).optional(),
  })
  .strict()
  .meta({ id: 'UpdateTenant' });
