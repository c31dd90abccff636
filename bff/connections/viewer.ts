import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import { getSettings } from '../organizations/store.ts';
import type { Viewer } from './store.ts';

/**
 * The session's user as a viewer: roles that may connect also manage visibility, so they see everything.
 * Pass the organization's settings when the route already read them.
 */
export async function sessionViewer(c: Context<AppEnv>, known?: OrganizationSettings): Promise<Viewer> {
  const session = c.get('session');
  const settings = known ?? (await getSettings(c.get('deps').sql, session.tenantId, session.organizationId));
  return { userId: session.user.id, seesAll: settings.connect_roles.includes(session.user.role) };
}
