import type { UsageAmended, UsageReported } from '@policloud/domain';
import { Projection } from '../projection';
import { AllocationRow } from '../matching/allocation.entity';
import { RunningChargeRow, SettlementStatementRow } from './settlement.entities';

const statements: Projection = {
  name: 'rm_settlement_statements',
  eventTypes: ['SettlementStatementIssued'],
  tables: ['rm_settlement_statements'],
  async apply(event, manager) {
    const data = event.data as {
      statementId: string;
      period: string;
      partyId: string;
      role: string;
      currency: string;
      total: number;
    };
    await manager.getRepository(SettlementStatementRow).upsert(
      {
        statementId: data.statementId,
        period: data.period,
        partyId: data.partyId,
        role: data.role,
        currency: data.currency,
        total: data.total,
        data: event.data as never,
      },
      ['statementId'],
    );
  },
};

/** Adds each report (or the change an amendment makes) to its buyer's running figures. */
const runningCharges: Projection = {
  name: 'rm_running_charges',
  eventTypes: ['UsageReported', 'UsageAmended'],
  tables: ['rm_running_charges'],
  async apply(event, manager) {
    const usage = event.data as unknown as UsageReported["data"] | UsageAmended["data"];
    const allocation = await manager.getRepository(AllocationRow).findOneByOrFail({ allocationId: usage.allocationId });
    const previous = 'previous' in usage ? usage.previous : { gpuHoursDelivered: 0, whConsumed: 0 };
    const gpuHours = usage.gpuHoursDelivered - previous.gpuHoursDelivered;
    const wh = usage.whConsumed - previous.whConsumed;
    const key = { period: usage.slot.slice(0, 7), buyerId: usage.buyerId, currency: allocation.data.currency };
    const repository = manager.getRepository(RunningChargeRow);
    const current = await repository.findOneBy(key);
    await repository.upsert(
      {
        ...key,
        gpuHoursDelivered: (current?.gpuHoursDelivered ?? 0) + gpuHours,
        whConsumed: (current?.whConsumed ?? 0) + wh,
        charge: (current?.charge ?? 0) + gpuHours * allocation.data.pricePerGpuHour,
      },
      ['period', 'buyerId', 'currency'],
    );
  },
};

export const SETTLEMENT_PROJECTIONS: Projection[] = [statements, runningCharges];
export const SETTLEMENT_ENTITIES = [SettlementStatementRow, RunningChargeRow];
