import { expect } from '@open-wc/testing';
import { testSettings } from '../test-support/settings.ts';
import { capabilityNote, roleCan } from './permission-note.ts';

const session = (role: string) => ({ tenant_id: 't', organization_id: 'o', user: { id: 'u', role }, expires_at: new Date(Date.now() + 60_000).toISOString() });

describe('roleCan (the BFF\'s rule, applied before anyone clicks)', () => {
  const settings = testSettings({ connect_roles: ['admin'], sync_roles: ['admin', 'accountant'] });

  it('follows connect_roles, sync_roles and their union for checks', () => {
    const table: [string, Record<'manage' | 'sync' | 'check' | 'write', boolean>][] = [
      ['admin', { manage: true, sync: true, check: true, write: true }],
      ['accountant', { manage: false, sync: true, check: true, write: false }],
      ['viewer', { manage: false, sync: false, check: false, write: false }],
    ];
    for (const [role, expected] of table) {
      for (const capability of ['manage', 'sync', 'check', 'write'] as const) {
        expect(roleCan({ session: session(role), settings }, capability), `${role} ${capability}`).to.equal(expected[capability]);
      }
    }
  });

  it('refuses writes to everyone while the organization is read-only, and everything while still loading', () => {
    expect(roleCan({ session: session('admin'), settings: testSettings({ read_only: true }) }, 'write')).to.equal(false);
    expect(roleCan({ session: session('admin'), settings: testSettings({ read_only: true }) }, 'manage')).to.equal(true);
    expect(roleCan({ session: session('admin'), settings: undefined }, 'sync')).to.equal(false);
    expect(roleCan({ session: undefined, settings }, 'sync')).to.equal(false);
  });

  it('names who can, from the same rule', () => {
    expect(capabilityNote(settings, 'check', 'check the connection')).to.equal('Only admins and accountants can check the connection. Ask an admin in your organization.');
  });

  it('asks for one of them with the article as the role is said ("a user", "an owner")', () => {
    expect(capabilityNote(testSettings({ connect_roles: ['user'] }), 'manage', 'define metrics')).to.equal('Only users can define metrics. Ask a user in your organization.');
    expect(capabilityNote(testSettings({ connect_roles: ['owner'] }), 'manage', 'define metrics')).to.equal('Only owners can define metrics. Ask an owner in your organization.');
  });
});
