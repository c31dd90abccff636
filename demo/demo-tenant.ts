import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deps } from '../bff/context.ts';
import { createTenant, tenantForSecretKey, updateTenant } from '../bff/tenants/store.ts';

export interface DemoTenant {
  tenant_id: string;
  secret_key: string;
}

/**
 * The tenant the demo host app uses. Its secret key is shown once like any other, so the demo keeps it in
 * the data dir; a restart finds it there and reuses the same tenant (and so all its connections).
 */
export async function ensureDemoTenant(deps: Deps, origins: string[]): Promise<DemoTenant> {
  const file = join(deps.config.LEDGERLINK_DATA_DIR, 'demo-tenant.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as DemoTenant;
    if ((await tenantForSecretKey(deps.sql, saved.secret_key)) === saved.tenant_id) {
      await updateTenant(deps.sql, saved.tenant_id, { allowed_origins: origins });
      return saved;
    }
  }
  const tenant = await createTenant(deps.sql, { name: 'Brightside Practice (demo)', allowed_origins: origins });
  const demo = { tenant_id: tenant.id, secret_key: tenant.secret_key };
  writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return demo;
}
