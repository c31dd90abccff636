import type { SandboxClock } from '../clock.ts';
import type { SandboxSettings } from '../settings.ts';
import type { Company } from './company.ts';
import type { AppRegistry } from './oauth/apps.ts';
import type { GrantStore } from './oauth/grants.ts';
import type { RealmStats } from './stats.ts';
import type { WebhookDispatcher } from './webhooks.ts';

/** Everything the QuickBooks sandbox's routes share, created once per sandbox. */
export interface QboState {
  baseUrl: string;
  clock: SandboxClock;
  settings: () => SandboxSettings;
  apps: AppRegistry;
  grants: GrantStore;
  companies: Map<string, Company>;
  stats: (realmId: string) => RealmStats;
  webhooks: WebhookDispatcher;
  /** Timers of held (timeout/slow) responses, cleared on close. */
  pending: Set<{ cancel: () => void }>;
}
