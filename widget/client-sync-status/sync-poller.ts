// The poller moved to widget/base (the shared connection store polls with it); kept for existing imports.
export { clampPollDelay, MAX_POLL_MS, MIN_POLL_MS, SyncPoller } from '../base/sync-poller.ts';
