import { Upcaster } from '../shared/upcasters';
import { allocationRanges } from './matching-run.decide';
import { AllocationMade, AllocationMadeV1 } from './matching-run.events';

/** A v1 allocation was one slot: the v2 range of that one slot, with the same allocation id. */
export const allocationMadeV1ToV2: Upcaster = {
  type: 'AllocationMade',
  fromVersion: 1,
  upcast: (data): AllocationMade['data'] => {
    const { runId, ...allocation } = data as AllocationMadeV1['data'];
    return allocationRanges(runId, [allocation])[0];
  },
};

export const MATCHING_RUN_UPCASTERS: readonly Upcaster[] = [allocationMadeV1ToV2];
