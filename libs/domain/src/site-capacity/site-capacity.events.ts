import { DomainEvent } from '../shared/event';

/** GPUs of the site a matching run allocated in one slot (the sum over its allocations there). */
export interface SlotGpus {
  slot: string;
  gpus: number;
}

/**
 * A matching run took GPUs of the site: one event per run and site, on the site's capacity
 * stream, appended at the revision the run read. Two runs that allocate on one site expect the
 * same revision, so one of them fails and matches again on a market that includes the other:
 * the store itself keeps allocated GPUs within the GPUs online.
 */
export type SiteGpusAllocated = DomainEvent<
  'SiteGpusAllocated',
  {
    siteId: string;
    runId: string;
    /** Sorted by slot, each slot once, gpus at least 1. */
    slots: SlotGpus[];
  },
  1
>;

/**
 * Maintenance took GPUs of the site offline over `[from, to)`: appended with the site's
 * MaintenanceScheduled, so a run that read the market before it fails on this stream and matches
 * again on a market that includes the maintenance. The read side counts the GPUs offline from
 * MaintenanceScheduled; this event only moves the capacity stream's revision.
 */
export type SiteGpusTakenOffline = DomainEvent<
  'SiteGpusTakenOffline',
  {
    siteId: string;
    maintenanceId: string;
    /** First slot of the window. */
    from: string;
    /** Slot right after the window (exclusive). */
    to: string;
    gpusOffline: number;
  },
  1
>;

export type SiteCapacityEvent = SiteGpusAllocated | SiteGpusTakenOffline;
