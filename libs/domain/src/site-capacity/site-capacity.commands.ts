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

export type SiteCapacityCommand = AllocateGpus;
