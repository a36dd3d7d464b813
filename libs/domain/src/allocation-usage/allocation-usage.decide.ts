import type { AllocationRecord } from '../matching-run/matching-run.events';
import { DomainError, FieldError } from '../shared/domain-error';
import { slotHasStarted } from '../shared/slots';
import { throwIfInvalid } from '../shared/validation';
import { AllocationUsageCommand, AmendUsage, ReportUsage } from './allocation-usage.commands';
import {
  AllocationUsageEvent,
  UsageAmended,
  UsageFigures,
  UsageReported,
} from './allocation-usage.events';
import { AllocationUsageState } from './allocation-usage.evolve';

/** The allocation (recorded by a matching run) the usage is metered against. */
export interface AllocationUsageContext {
  findAllocation(allocationId: string): AllocationRecord | undefined;
}

type Allocation = AllocationRecord;

/** Commands arrive typed (parseReportUsage, parseAmendUsage): these rules read the allocation and the stream. */
export function decideAllocationUsage(
  command: AllocationUsageCommand,
  state: AllocationUsageState,
  context: AllocationUsageContext,
): AllocationUsageEvent[] {
  switch (command.type) {
    case 'ReportUsage':
      return [reportUsage(command.data, state, context)];
    case 'AmendUsage':
      return amendUsage(command.data, state, context);
  }
}

function reportUsage(
  input: ReportUsage['data'],
  state: AllocationUsageState,
  context: AllocationUsageContext,
): UsageReported {
  const allocation = allocationOfSite(input.allocationId, input.siteId, context);
  throwIfInvalid([
    ...(input.slot !== allocation.slot
      ? [{ field: 'slot', message: `must be ${allocation.slot}, the slot of the allocation` }]
      : []),
    ...figureErrors(input, allocation),
    ...(slotHasStarted(allocation.slot, input.reportedAt)
      ? []
      : [
          {
            field: 'reportedAt',
            message: `must not be before the slot starts, ${allocation.slot}`,
          },
        ]),
  ]);
  if (state.status !== 'absent') {
    throw DomainError.conflict(
      `Usage of allocation ${allocation.allocationId} in ${allocation.slot} is already reported: amend it instead`,
    );
  }
  return {
    type: 'UsageReported',
    schemaVersion: 1,
    data: {
      allocationId: allocation.allocationId,
      siteId: allocation.siteId,
      slot: allocation.slot,
      buyerId: allocation.buyerId,
      orderId: allocation.orderId,
      gpuHoursDelivered: input.gpuHoursDelivered,
      whConsumed: input.whConsumed,
      heatWhRecovered: input.heatWhRecovered,
      reportedAt: input.reportedAt,
    },
  };
}

function amendUsage(
  input: AmendUsage['data'],
  state: AllocationUsageState,
  context: AllocationUsageContext,
): UsageAmended[] {
  const allocation = allocationOfSite(input.allocationId, input.siteId, context);
  if (state.status === 'absent') {
    throw DomainError.conflict(
      `No usage of allocation ${allocation.allocationId} is reported yet: report it first`,
    );
  }
  throwIfInvalid([
    ...figureErrors(input, allocation),
    ...(Date.parse(input.amendedAt) < Date.parse(state.recordedAt)
      ? [
          {
            field: 'amendedAt',
            message: `must not be before the figures it corrects, recorded at ${state.recordedAt}`,
          },
        ]
      : []),
  ]);
  const previous: UsageFigures = {
    gpuHoursDelivered: state.gpuHoursDelivered,
    whConsumed: state.whConsumed,
    heatWhRecovered: state.heatWhRecovered,
  };
  if (
    input.gpuHoursDelivered === previous.gpuHoursDelivered &&
    input.whConsumed === previous.whConsumed &&
    input.heatWhRecovered === previous.heatWhRecovered
  ) {
    return [];
  }
  return [
    {
      type: 'UsageAmended',
      schemaVersion: 1,
      data: {
        allocationId: state.allocationId,
        siteId: state.siteId,
        slot: state.slot,
        buyerId: state.buyerId,
        orderId: state.orderId,
        gpuHoursDelivered: input.gpuHoursDelivered,
        whConsumed: input.whConsumed,
        heatWhRecovered: input.heatWhRecovered,
        reason: input.reason,
        amendedAt: input.amendedAt,
        previous,
      },
    },
  ];
}

// ---------------------------------------------------------------- shared rules

/** Only the site an allocation runs on reports its usage. */
function allocationOfSite(
  allocationId: string,
  siteId: string,
  context: AllocationUsageContext,
): Allocation {
  const allocation = context.findAllocation(allocationId);
  if (!allocation) throw DomainError.notFound('Allocation', allocationId);
  if (allocation.siteId !== siteId) {
    throw DomainError.forbidden(`Allocation ${allocationId} runs on another site than ${siteId}`);
  }
  return allocation;
}

/** One GPU-hour per GPU allocated in the one-hour slot, at most. */
function figureErrors(figures: UsageFigures, allocation: Allocation): FieldError[] {
  return figures.gpuHoursDelivered > allocation.gpus
    ? [
        {
          field: 'gpuHoursDelivered',
          message: `must be at most ${allocation.gpus}, the GPUs allocated for the slot`,
        },
      ]
    : [];
}
