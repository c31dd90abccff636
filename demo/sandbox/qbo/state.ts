import type { SandboxClock } from '../clock.ts';
import type { SandboxSettings } from '../settings.ts';
import type { WriteRecord } from './api/apply.ts';
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
  /** Records a write applied at `atMs` so a persistent sandbox can replay it after a restart; absent in memory-only mode. */
  journal?: (realmId: string, atMs: number, record: WriteRecord) => void;
  /** Control-API mutation calls so far: each call's changes derive from this number, so a replay repeats them. */
  mutationCalls: number;
}
