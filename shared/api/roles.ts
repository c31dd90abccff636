import type { OrganizationSettings } from './organizations.ts';

/**
 * What a widget request may need beyond seeing the connection (reads need nothing more):
 * - `manage`: connect, reconnect, disconnect, visibility, host records, links, imports (settings.connect_roles);
 * - `sync`: start a sync (settings.sync_roles);
 * - `check`: a call that reaches QuickBooks on demand, so a viewer's open page cannot storm it (either list);
 * - `write`: change data in QuickBooks (connect_roles, and never when the organization is read_only).
 *
 * Isomorphic: the BFF refuses by it (bff/auth/roles.ts) and the components hide or disable by it, so a button a
 * role sees enabled is one the server accepts.
 */
export type Capability = 'manage' | 'sync' | 'check' | 'write';

type RoleSettings = Pick<OrganizationSettings, 'connect_roles' | 'sync_roles'>;

/** The roles that hold a capability under these settings. */
export function rolesWith(settings: RoleSettings, capability: Capability): string[] {
  switch (capability) {
    case 'manage':
    case 'write':
      return settings.connect_roles;
    case 'sync':
      return settings.sync_roles;
    case 'check':
      return [...new Set([...settings.connect_roles, ...settings.sync_roles])];
  }
}
