import { AllocationMade, AllocationRecord } from './matching-run.events';
import { Allocation, MatchingRunState } from './matching-run.evolve';

/** The run's allocations in the order it recorded them; none before the run is recorded. */
export function allocationsOf(state: MatchingRunState): Allocation[] {
  return state.status === 'absent' ? [] : state.allocationIds.map((id) => state.allocations[id]);
}

/** One allocation of the run, or undefined. */
export function allocationById(
  state: MatchingRunState,
  allocationId: string,
): Allocation | undefined {
  return state.status !== 'absent' && Object.hasOwn(state.allocations, allocationId)
    ? state.allocations[allocationId]
    : undefined;
}

/** The allocations (one per slot) an AllocationMade records, in slot order. Pure. */
export function allocationsIn(range: AllocationMade['data']): AllocationRecord[] {
  const { slots, from: _from, to: _to, ...shared } = range;
  return slots.map((slot) => ({
    ...shared,
    ...slot,
    site: { ...shared.site, certifications: [...shared.site.certifications] },
  }));
}
