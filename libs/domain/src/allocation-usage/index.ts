import { Decider } from '../shared/aggregate';
import { AllocationUsageCommand } from './allocation-usage.commands';
import { AllocationUsageContext, decideAllocationUsage } from './allocation-usage.decide';
import { AllocationUsageEvent } from './allocation-usage.events';
import {
  AllocationUsageState,
  evolveAllocationUsage,
  initialAllocationUsageState,
} from './allocation-usage.evolve';

export * from './allocation-usage.commands';
export * from './allocation-usage.decide';
export * from './allocation-usage.events';
export * from './allocation-usage.evolve';
export * from './allocation-usage.parse';

export const allocationUsageDecider: Decider<
  AllocationUsageState,
  AllocationUsageCommand,
  AllocationUsageEvent,
  AllocationUsageContext
> = {
  name: 'allocation-usage',
  initialState: initialAllocationUsageState,
  decide: decideAllocationUsage,
  evolve: evolveAllocationUsage,
};

/** No dash in the prefix: the Kafka relay names topics after the stream id up to its first dash. */
export const allocationUsageStreamId = (allocationId: string): string => `usage-${allocationId}`;
