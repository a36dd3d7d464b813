import { Command } from '../shared/event';

/** GPUs one allocation of a matching run takes at a site in one slot. */
export interface GpuAllocation {
  siteId: string;
  slot: string;
  gpus: number;
}

/** A matching run takes GPUs of the site: every allocation of the run there, in one command. */
export type AllocateGpus = Command<
  'AllocateGpus',
  { siteId: string; runId: string; allocations: GpuAllocation[] }
>;

/**
 * Maintenance takes GPUs of the site offline: decided with the site's ScheduleMaintenance, in the
 * same append, so a run that read the capacity stream before it cannot commit over it.
 */
export type TakeGpusOffline = Command<
  'TakeGpusOffline',
  { siteId: string; maintenanceId: string; from: string; to: string; gpusOffline: number }
>;

export type SiteCapacityCommand = AllocateGpus | TakeGpusOffline;
