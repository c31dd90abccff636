import { describe, expect, test } from 'vitest';
import { defaultOrganizationSettings } from '../../shared/api/organizations.ts';
import { connectRefusal } from './policy.ts';

const company = { externalId: 'r1', companyName: 'Acme', country: 'US', plan: 'Plus' };

describe('connectRefusal', () => {
  test('default countries are US, CA, GB, AU; South Africa is refused in plain words', () => {
    for (const country of ['US', 'CA', 'GB', 'AU']) expect(connectRefusal(defaultOrganizationSettings, { ...company, country }, [])).toBeUndefined();
    expect(connectRefusal(defaultOrganizationSettings, { ...company, country: 'ZA' }, [])).toBe('QuickBooks Online in South Africa is not supported');
  });

  test('required plans', () => {
    const settings = { ...defaultOrganizationSettings, required_plans: ['Plus', 'Advanced'] as ('Plus' | 'Advanced')[] };
    expect(connectRefusal(settings, { ...company, plan: 'Essentials' }, [])).toBe(
      'This integration needs QuickBooks Online Plus or Advanced; this company is on Essentials',
    );
    expect(connectRefusal(settings, { ...company, plan: 'Advanced' }, [])).toBeUndefined();
  });

  test('one company per organization: the same company reconnects, another is refused', () => {
    const settings = { ...defaultOrganizationSettings, max_connections: 1 };
    const existing = [{ external_id: 'r1', status: 'needs_reconnect', company_name: 'Acme' }];
    expect(connectRefusal(settings, company, existing)).toBeUndefined();
    expect(connectRefusal(settings, { ...company, externalId: 'r2', companyName: 'Beta' }, existing)).toBe(
      'This organization can connect one QuickBooks company and is already connected to Acme. Disconnect it first to connect Beta.',
    );
    const unlinked = [{ external_id: 'r1', status: 'disconnected', company_name: 'Acme' }];
    expect(connectRefusal(settings, { ...company, externalId: 'r2' }, unlinked)).toBeUndefined();
  });
});
