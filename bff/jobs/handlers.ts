import { fieldSyncJob } from './field-sync.ts';
import { metricsRefreshJob } from './metrics-refresh.ts';
import type { JobHandler } from './run-job.ts';
import { documentPushJob } from '../writeback/job.ts';
import { documentPaymentsJob } from '../writeback/payments.ts';

/**
 * Every kind of job this product runs. The worker claims only these kinds, so a replica running an older
 * build leaves a newer kind queued for a replica that knows it.
 */
export const jobHandlers: readonly JobHandler[] = [fieldSyncJob, metricsRefreshJob, documentPushJob, documentPaymentsJob];
