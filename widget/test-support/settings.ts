import { defaultOrganizationSettings, type OrganizationSettings } from '../../shared/api/organizations.ts';

/** An organization's effective settings as the BFF answers them (its defaults), with the fields a test cares about changed. */
export function testSettings(overrides: Partial<OrganizationSettings> = {}): OrganizationSettings {
  return { ...defaultOrganizationSettings, ...overrides };
}
