// ledgerlink.js: the one ES module hosts load with <script type="module">. Importing it registers every
// component (guarded against a second copy) and exposes `configure` for page-wide defaults.
// The build puts Lit, every style sheet and every helper module ahead of these (widget/build/module-order.ts); the
// components come in this order because neighbours compress against each other and these are the most alike.
import { announceBundle, defineElement } from './base/define.ts';
import { MetricPicker } from './metric-picker/metric-picker.ts';
import { TaxRateMapper } from './tax-rate-mapper/tax-rate-mapper.ts';
import { SupplierMatcher } from './supplier-matcher/supplier-matcher.ts';
import { ClientSyncStatus } from './client-sync-status/client-sync-status.ts';
import { QboConnect } from './qbo-connect/qbo-connect.ts';

export { configure } from './base/configure.ts';
export { LedgerlinkApiError } from './base/bff-client.ts';
export { LedgerlinkElement } from './base/ledgerlink-element.ts';
export { QboConnect };
export { ClientSyncStatus };
export { SupplierMatcher };
export { TaxRateMapper };
export type { MappingChangedEventDetail } from './tax-rate-mapper/tax-rate-mapper.ts';
export { MetricPicker };
export type { MetricDefinition, MetricSelectEventDetail } from './metric-picker/metric-picker.ts';
export type {
  ConnectionSelectedEventDetail,
  LinkCreatedEventDetail,
  LinkRemovedEventDetail,
  MatcherEntity,
  RecordImportedEventDetail,
} from './supplier-matcher/supplier-matcher.ts';
export type {
  SyncCompletedEventDetail,
  SyncFailedEventDetail,
  SyncStartedEventDetail,
  SyncStatusFilter,
  SyncStatusUser,
} from './client-sync-status/client-sync-status.ts';
export type {
  ConnectedEventDetail,
  DisconnectedEventDetail,
  ErrorEventDetail,
  NeedsReconnectEventDetail,
} from './qbo-connect/qbo-connect.ts';

export const version = '0.1.0';
announceBundle(version);

defineElement('qbo-connect', QboConnect);
defineElement('client-sync-status', ClientSyncStatus);
defineElement('supplier-matcher', SupplierMatcher);
defineElement('tax-rate-mapper', TaxRateMapper);
defineElement('metric-picker', MetricPicker);
