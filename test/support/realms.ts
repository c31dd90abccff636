import { randomInt } from 'node:crypto';
import type { CompanySpec } from '../../demo/sandbox/qbo/company-spec.ts';
import { parseCountry } from '../../demo/sandbox/qbo/regions.ts';
import type { RunningSandbox } from './sandbox.ts';

/**
 * Creates a sandbox company under a realm id no other test file's sandbox will also hand out. Each file starts
 * its own sandbox, whose ids follow a sequence, while all files share one database: the BFF treats a realm id
 * as one real company across the deployment (e.g. whether revoking a grant would cut someone's working
 * connection), so ids must not collide. The control API takes no realm id, so this goes in-process.
 */
export function uniqueCompany(sandbox: RunningSandbox, spec: Record<string, unknown>): string {
  const realmId = `9${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e6)).padStart(6, '0')}`;
  // As the control API does: ISO codes in, the sandbox's own region codes (GB → UK) out.
  const country = typeof spec['country'] === 'string' ? (parseCountry(spec['country']) ?? 'US') : undefined;
  return sandbox.sandbox.createCompany({ size: 'small', ...(spec as CompanySpec), ...(country ? { country } : {}), realm_id: realmId }).realm_id;
}
