import { Decider } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import {
  AllocateGpus,
  GpuAllocation,
  SiteCapacityCommand,
  TakeGpusOffline,
} from './site-capacity.commands';
import {
  SiteCapacityEvent,
  SiteGpusAllocated,
  SiteGpusTakenOffline,
  SlotGpus,
} from './site-capacity.events';

/**
 * The capacity stream of a site: written by every matching run that allocates there, so that
 * concurrent runs conflict on it. No dash in the prefix: the Kafka relay names topics after the
 * stream id up to its first dash.
 */
export const siteCapacityStreamId = (siteId: string): string => `sitecapacity-${siteId}`;

/**
 * The runs that took GPUs of the site and the maintenance that took GPUs offline; the GPUs
 * themselves are summed by the read side.
 */
export interface SiteCapacityState {
  runIds: readonly string[];
  maintenanceIds: readonly string[];
}

export const initialSiteCapacityState = (): SiteCapacityState => ({
  runIds: [],
  maintenanceIds: [],
});

/**
 * A run takes a site's GPUs once: one SiteGpusAllocated, the GPUs summed per slot, slots sorted
 * (code-unit order), so the same allocations always give the same event. A run that allocates
 * nothing there records nothing. That the GPUs stay within those online is matching's rule; the
 * revision the run read, expected on this stream, keeps two runs from both taking the same GPUs.
 */
export function decideSiteCapacity(
  command: SiteCapacityCommand,
  state: SiteCapacityState,
): SiteCapacityEvent[] {
  switch (command.type) {
    case 'AllocateGpus':
      return allocateGpus(command, state);
    case 'TakeGpusOffline':
      return [takeGpusOffline(command, state)];
  }
}

function allocateGpus(command: AllocateGpus, state: SiteCapacityState): SiteGpusAllocated[] {
  const { siteId, runId, allocations } = command.data;
  if (state.runIds.includes(runId)) {
    throw DomainError.conflict(`Matching run ${runId} already took GPUs of site ${siteId}`);
  }
  allocations.forEach((allocation, index) => {
    if (allocation.siteId !== siteId) {
      throw DomainError.invalid([
        { field: `allocations[${index}].siteId`, message: `must be ${siteId}` },
      ]);
    }
    if (!Number.isSafeInteger(allocation.gpus) || allocation.gpus < 1) {
      throw DomainError.invalid([
        { field: `allocations[${index}].gpus`, message: 'must be a whole number, at least 1' },
      ]);
    }
  });
  return allocations.length === 0 ? [] : [gpusAllocated(siteId, runId, allocations)];
}

/**
 * Maintenance goes offline on the capacity stream once. The window and GPUs were checked by the
 * site's ScheduleMaintenance decided in the same append; GPUs a run already took stay allocated
 * (the site's rule), what matters here is that no run read before it commits after it.
 */
function takeGpusOffline(command: TakeGpusOffline, state: SiteCapacityState): SiteGpusTakenOffline {
  const { siteId, maintenanceId, from, to, gpusOffline } = command.data;
  if (state.maintenanceIds.includes(maintenanceId)) {
    throw DomainError.conflict(`Maintenance ${maintenanceId} already took GPUs of site ${siteId}`);
  }
  if (!Number.isSafeInteger(gpusOffline) || gpusOffline < 1) {
    throw DomainError.invalid([
      { field: 'gpusOffline', message: 'must be a whole number, at least 1' },
    ]);
  }
  return {
    type: 'SiteGpusTakenOffline',
    schemaVersion: 1,
    data: { siteId, maintenanceId, from, to, gpusOffline },
  };
}

export function evolveSiteCapacity(
  state: SiteCapacityState,
  event: SiteCapacityEvent,
): SiteCapacityState {
  switch (event.type) {
    case 'SiteGpusAllocated':
      return { ...state, runIds: [...state.runIds, event.data.runId] };
    case 'SiteGpusTakenOffline':
      return { ...state, maintenanceIds: [...state.maintenanceIds, event.data.maintenanceId] };
  }
}

export const siteCapacityDecider: Decider<
  SiteCapacityState,
  SiteCapacityCommand,
  SiteCapacityEvent
> = {
  name: 'site-capacity',
  initialState: initialSiteCapacityState,
  decide: decideSiteCapacity,
  evolve: evolveSiteCapacity,
};

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function gpusAllocated(
  siteId: string,
  runId: string,
  allocations: readonly GpuAllocation[],
): SiteGpusAllocated {
  const slots = new Map<string, number>();
  for (const { slot, gpus } of allocations) slots.set(slot, (slots.get(slot) ?? 0) + gpus);
  return {
    type: 'SiteGpusAllocated',
    schemaVersion: 1,
    data: {
      siteId,
      runId,
      slots: [...slots.keys()]
        .sort(byCodeUnit)
        .map((slot): SlotGpus => ({ slot, gpus: slots.get(slot)! })),
    },
  };
}

/**
 * The AllocateGpus command of each site a run allocates on, sites sorted (code-unit order): what
 * a run decides on the capacity streams. Pure.
 */
export function allocateGpusBySite(
  runId: string,
  allocations: readonly GpuAllocation[],
): AllocateGpus[] {
  const bySite = new Map<string, GpuAllocation[]>();
  for (const { siteId, slot, gpus } of allocations) {
    const list = bySite.get(siteId) ?? [];
    list.push({ siteId, slot, gpus });
    bySite.set(siteId, list);
  }
  return [...bySite.keys()].sort(byCodeUnit).map((siteId) => ({
    type: 'AllocateGpus',
    data: { siteId, runId, allocations: bySite.get(siteId)! },
  }));
}
