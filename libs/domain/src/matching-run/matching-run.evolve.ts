import { CorruptStreamError } from '../shared/aggregate';
import { AllocationRecord, MatchingRunCompleted, MatchingRunEvent } from './matching-run.events';
import { allocationsIn } from './matching-run.queries';
import type { UnfilledOrderReason } from './unfilled-orders';

export type Allocation = AllocationRecord;
export type MatchingRunSummary = MatchingRunCompleted['data'];

interface RecordedAllocations {
  runId: string;
  /** Keyed by allocation id (read with Object.hasOwn: an id may be `constructor`). */
  allocations: Record<string, Allocation>;
  /** Allocation ids in the order the run recorded them (JSON stores may reorder object keys). */
  allocationIds: string[];
  /** Why each unfilled order got less than it wanted (runs recorded before reasons: none). */
  unfilled?: UnfilledOrderReason[];
}

/**
 * `recording` exists only between a run's AllocationMade events and its MatchingRunCompleted,
 * which are appended together: a stored stream always ends `completed`.
 */
export type MatchingRun =
  | (RecordedAllocations & { status: 'recording' })
  | (RecordedAllocations & { status: 'completed'; summary: MatchingRunSummary });

export type MatchingRunState = { status: 'absent' } | MatchingRun;

export const initialMatchingRunState = (): MatchingRunState => ({ status: 'absent' });

export function evolveMatchingRun(
  state: MatchingRunState,
  event: MatchingRunEvent,
): MatchingRunState {
  return evolveMatchingRunAll(state, [event]);
}

/**
 * The same state as folding `evolveMatchingRun`, in one pass: a run of many allocations would
 * otherwise copy its allocation map once per event. Only fresh copies are changed.
 */
export function evolveMatchingRunAll(
  state: MatchingRunState,
  events: readonly MatchingRunEvent[],
): MatchingRunState {
  if (events.length === 0) return state;
  let draft: MatchingRun =
    state.status === 'absent'
      ? { status: 'recording', runId: runIdOf(events[0]), allocations: {}, allocationIds: [] }
      : {
          ...state,
          allocations: { ...state.allocations },
          allocationIds: [...state.allocationIds],
        };
  for (const event of events) {
    if (draft.status === 'completed') {
      throw new CorruptStreamError('matching-run', `${event.type} after MatchingRunCompleted`);
    }
    if (event.data.runId !== draft.runId) {
      throw new CorruptStreamError(
        'matching-run',
        `${event.type} of run ${event.data.runId} in run ${draft.runId}`,
      );
    }
    switch (event.type) {
      case 'AllocationMade': {
        for (const allocation of allocationsIn(event.data)) {
          const { allocationId } = allocation;
          if (Object.hasOwn(draft.allocations, allocationId)) {
            throw new CorruptStreamError('matching-run', `allocation ${allocationId} made twice`);
          }
          draft.allocations[allocationId] = allocation;
          draft.allocationIds.push(allocationId);
        }
        break;
      }
      case 'OrdersLeftUnfilled':
        draft.unfilled = event.data.orders;
        break;
      case 'MatchingRunCompleted':
        if (event.data.allocationCount !== draft.allocationIds.length) {
          throw new CorruptStreamError(
            'matching-run',
            `run ${draft.runId} counts ${event.data.allocationCount} allocations, the stream has ${draft.allocationIds.length}`,
          );
        }
        draft = { ...draft, status: 'completed', summary: event.data };
        break;
    }
  }
  return draft;
}

function runIdOf(event: MatchingRunEvent): string {
  return event.data.runId;
}
