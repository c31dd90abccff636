import type { Context } from 'hono';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import type { AppEnv } from '../context.ts';
import { forbidden } from '../http/api-error.ts';
import { getSettings } from '../organizations/store.ts';
import { rolesWith, type Capability } from '../../shared/api/roles.ts';

export type { Capability } from '../../shared/api/roles.ts';
export { rolesWith };

const orList = new Intl.ListFormat('en', { type: 'disjunction' });

/**
 * Why `role` may not do `action` (words that finish "cannot …"), or undefined when it may. The message names
 * the caller's role and who to ask, the same way on every route.
 */
export function roleRefusal(settings: OrganizationSettings, role: string, capability: Capability, action: string): string | undefined {
  const allowed = rolesWith(settings, capability);
  if (!allowed.includes(role)) return `Your role (${role}) cannot ${action}; ask someone with the ${orList.format(allowed)} role.`;
  if (capability === 'write' && settings.read_only) {
    return `This organization is read-only, so nothing is written to QuickBooks; ask whoever manages your organization's settings to allow write-back.`;
  }
  return undefined;
}

/**
 * Refuses (403) a widget request whose session role lacks the capability; returns the organization's settings
 * so the handler need not read them again. Every widget handler that does more than read calls this first.
 */
export async function requireRole(c: Context<AppEnv>, capability: Capability, action: string): Promise<OrganizationSettings> {
  const session = c.get('session');
  const settings = await getSettings(c.get('deps').sql, session.tenantId, session.organizationId);
  const refusal = roleRefusal(settings, session.user.role, capability, action);
  if (refusal) throw forbidden(refusal);
  return settings;
}
