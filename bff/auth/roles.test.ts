import { describe, expect, test } from 'vitest';
import { defaultOrganizationSettings } from '../../shared/api/organizations.ts';
import { roleRefusal, rolesWith } from './roles.ts';

const settings = { ...defaultOrganizationSettings, connect_roles: ['admin'], sync_roles: ['admin', 'accountant'] };

describe('role rules', () => {
  test('managing needs connect_roles, syncing sync_roles, a check either', () => {
    expect(rolesWith(settings, 'manage')).toEqual(['admin']);
    expect(rolesWith(settings, 'sync')).toEqual(['admin', 'accountant']);
    expect(rolesWith(settings, 'check')).toEqual(['admin', 'accountant']);
    expect(roleRefusal(settings, 'admin', 'manage', 'disconnect QuickBooks')).toBeUndefined();
    expect(roleRefusal(settings, 'accountant', 'check', 'check the connection')).toBeUndefined();
  });

  test('a refusal names the caller\'s role, what it cannot do and who to ask', () => {
    expect(roleRefusal(settings, 'member', 'manage', 'disconnect QuickBooks')).toBe('Your role (member) cannot disconnect QuickBooks; ask someone with the admin role.');
    expect(roleRefusal(settings, 'viewer', 'sync', 'start a sync')).toBe('Your role (viewer) cannot start a sync; ask someone with the admin or accountant role.');
  });

  test('writing to QuickBooks is refused to every role when the organization is read-only', () => {
    expect(roleRefusal(settings, 'admin', 'write', 'create records in QuickBooks')).toBeUndefined();
    expect(roleRefusal({ ...settings, read_only: true }, 'admin', 'write', 'create records in QuickBooks')).toMatch(/^This organization is read-only/);
    expect(roleRefusal({ ...settings, read_only: true }, 'member', 'write', 'create records in QuickBooks')).toMatch(/^Your role \(member\) cannot create records in QuickBooks/);
    expect(roleRefusal({ ...settings, read_only: true }, 'admin', 'manage', 'disconnect QuickBooks')).toBeUndefined();
  });
});
