import type { OrganizationSettings } from '../../shared/api/organizations.ts';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const orList = new Intl.ListFormat('en', { type: 'disjunction' });

export const planLabel = (plan: string) => (plan === 'SimpleStart' ? 'Simple Start' : plan);

export interface CompanyFacts {
  externalId: string;
  companyName: string;
  country: string;
  plan: string | null;
}

export interface ExistingConnection {
  external_id: string;
  status: string;
  company_name: string | null;
}

/**
 * Why an organization's policies refuse this company, in words the person who picked it can act on;
 * undefined when it may connect. Reconnecting a company already linked never counts against the limit.
 */
export function connectRefusal(settings: OrganizationSettings, company: CompanyFacts, existing: ExistingConnection[]): string | undefined {
  if (!settings.allowed_countries.includes(company.country)) {
    const name = company.country ? (regionNames.of(company.country) ?? company.country) : 'this country';
    return `QuickBooks Online in ${name} is not supported`;
  }
  if (settings.required_plans.length > 0 && !settings.required_plans.includes(company.plan as never)) {
    const needed = orList.format(settings.required_plans.map(planLabel));
    return `This integration needs QuickBooks Online ${needed}; this company is on ${company.plan ? planLabel(company.plan) : 'an unknown plan'}`;
  }
  const others = existing.filter((connection) => connection.status !== 'disconnected' && connection.external_id !== company.externalId);
  if (others.length >= settings.max_connections) {
    if (settings.max_connections === 1) {
      const current = others[0]?.company_name ?? 'another company';
      return `This organization can connect one QuickBooks company and is already connected to ${current}. Disconnect it first to connect ${company.companyName}.`;
    }
    return `This organization can connect at most ${settings.max_connections} QuickBooks companies. Disconnect one first to connect ${company.companyName}.`;
  }
  return undefined;
}
