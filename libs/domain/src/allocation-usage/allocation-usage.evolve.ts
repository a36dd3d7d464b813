import { CorruptStreamError } from '../shared/aggregate';
import { AllocationUsageEvent, UsageReported } from './allocation-usage.events';

export type AllocationUsage = UsageReported['data'] & {
  status: 'reported';
  /** Amendments so far; the figures are the latest ones. */
  amendmentCount: number;
  /** When the current figures were recorded: `reportedAt`, then each `amendedAt`. */
  recordedAt: string;
};

export type AllocationUsageState = { status: 'absent' } | AllocationUsage;

export const initialAllocationUsageState = (): AllocationUsageState => ({ status: 'absent' });

export function evolveAllocationUsage(
  state: AllocationUsageState,
  event: AllocationUsageEvent,
): AllocationUsageState {
  switch (event.type) {
    case 'UsageReported':
      if (state.status !== 'absent') {
        throw new CorruptStreamError('allocation-usage', 'UsageReported twice');
      }
      return {
        ...event.data,
        status: 'reported',
        amendmentCount: 0,
        recordedAt: event.data.reportedAt,
      };
    case 'UsageAmended': {
      if (state.status === 'absent') {
        throw new CorruptStreamError('allocation-usage', 'UsageAmended before UsageReported');
      }
      const { gpuHoursDelivered, whConsumed, heatWhRecovered, amendedAt } = event.data;
      return {
        ...state,
        gpuHoursDelivered,
        whConsumed,
        heatWhRecovered,
        amendmentCount: state.amendmentCount + 1,
        recordedAt: amendedAt,
      };
    }
  }
}
