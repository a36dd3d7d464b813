import { DomainError } from '../shared/domain-error';
import { addHours } from '../shared/slots';
import { MatchingRunCommand, RecordedAllocation, RecordMatchingRun } from './matching-run.commands';
import {
  AllocationMade,
  MatchingRunCompleted,
  MatchingRunEvent,
  OrdersLeftUnfilled,
} from './matching-run.events';
import { MatchingRunState } from './matching-run.evolve';

export function decideMatchingRun(
  command: MatchingRunCommand,
  state: MatchingRunState,
): MatchingRunEvent[] {
  switch (command.type) {
    case 'RecordMatchingRun':
      return recordMatchingRun(command.data, state);
  }
}

/**
 * A run is recorded once, whole: its allocations in the engine's order, then the summary. The
 * record arrives consistent (parseRecordMatchingRun checks the engine's output).
 */
function recordMatchingRun(
  input: RecordMatchingRun['data'],
  state: MatchingRunState,
): MatchingRunEvent[] {
  if (state.status !== 'absent') {
    throw DomainError.conflict(`Matching run ${state.runId} is already recorded`);
  }
  const { runId, allocations } = input;
  const completed: MatchingRunCompleted = {
    type: 'MatchingRunCompleted',
    schemaVersion: 1,
    data: {
      runId,
      requestedBy: input.requestedBy,
      completedAt: input.completedAt,
      horizon: input.horizon,
      inputPosition: input.inputPosition,
      inputHash: input.inputHash,
      platformFeeBps: input.platformFeeBps,
      welfare: input.welfare,
      allocationCount: allocations.length,
      filledGpuHours: allocations.reduce((sum, allocation) => sum + allocation.gpus, 0),
      prices: input.prices,
      unfilledOrderIds: input.unfilledOrderIds,
    },
  };
  return [
    ...allocationRanges(runId, allocations).map((range): AllocationMade => ({
      type: 'AllocationMade',
      schemaVersion: 2,
      data: range,
    })),
    ...unfilledEvent(runId, input.unfilled),
    completed,
  ];
}

/**
 * The run's allocations as ranges: one per order, site and run of consecutive slots with the same
 * GPUs (and the same site facts), in the order their first slots come. Allocations arrive in the
 * engine's order (slot, site, order), so an order's hours on one site chain into one range.
 */
export function allocationRanges(
  runId: string,
  allocations: readonly RecordedAllocation[],
): AllocationMade['data'][] {
  const ranges: AllocationMade['data'][] = [];
  const latest = new Map<string, AllocationMade['data']>();
  for (const allocation of allocations) {
    const { allocationId, slot, pricePerGpuHour, reservePerGpuHour, energy, ...shared } =
      allocation;
    const key = `${shared.orderId}\u0000${shared.siteId}`;
    const range = latest.get(key);
    const allocated = { allocationId, slot, pricePerGpuHour, reservePerGpuHour, energy };
    if (range && range.to === slot && sameTerms(range, shared)) {
      range.slots.push(allocated);
      range.to = addHours(slot, 1);
      continue;
    }
    const fresh = { runId, ...shared, from: slot, to: addHours(slot, 1), slots: [allocated] };
    ranges.push(fresh);
    latest.set(key, fresh);
  }
  return ranges;
}

type RangeTerms = Omit<
  RecordedAllocation,
  'allocationId' | 'slot' | 'pricePerGpuHour' | 'reservePerGpuHour' | 'energy'
>;

/** Whether an allocation continues a range: the same GPUs, buyer, currency, `e` and site facts. */
function sameTerms(range: AllocationMade['data'], next: RangeTerms): boolean {
  return (
    range.gpus === next.gpus &&
    range.buyerId === next.buyerId &&
    range.currency === next.currency &&
    range.energyPerGpuHourWh === next.energyPerGpuHourWh &&
    JSON.stringify(range.site) === JSON.stringify(next.site)
  );
}

function unfilledEvent(
  runId: string,
  unfilled: RecordMatchingRun['data']['unfilled'],
): OrdersLeftUnfilled[] {
  if (!unfilled || unfilled.length === 0) return [];
  return [{ type: 'OrdersLeftUnfilled', schemaVersion: 1, data: { runId, orders: unfilled } }];
}
