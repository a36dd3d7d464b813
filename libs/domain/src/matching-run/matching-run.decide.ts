import { DomainError } from '../shared/domain-error';
import { MatchingRunCommand, RecordMatchingRun } from './matching-run.commands';
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
    ...allocations.map((allocation): AllocationMade => ({
      type: 'AllocationMade',
      schemaVersion: 1,
      data: { runId, ...allocation },
    })),
    ...unfilledEvent(runId, input.unfilled),
    completed,
  ];
}

function unfilledEvent(
  runId: string,
  unfilled: RecordMatchingRun['data']['unfilled'],
): OrdersLeftUnfilled[] {
  if (!unfilled || unfilled.length === 0) return [];
  return [{ type: 'OrdersLeftUnfilled', schemaVersion: 1, data: { runId, orders: unfilled } }];
}
