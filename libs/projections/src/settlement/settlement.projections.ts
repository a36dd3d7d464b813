import { eventOfType, expectEvent } from '@policloud/domain';
import { EntityManager, In } from 'typeorm';
import { RecordedEvent } from '@policloud/event-store';
import { Projection } from '../projection';
import { upsertRows } from '../upsert-rows';
import { AllocationRow } from '../matching/allocation.entity';
import { RunningChargeRow, SettlementStatementRow } from './settlement.entities';

function statementRow(event: RecordedEvent): SettlementStatementRow {
  const { data } = expectEvent(event, 'SettlementStatementIssued');
  return {
    statementId: data.statementId,
    period: data.period,
    partyId: data.partyId,
    role: data.role,
    currency: data.currency,
    total: data.total,
    data: event.data,
  };
}

const statements: Projection = {
  name: 'rm_settlement_statements',
  eventTypes: ['SettlementStatementIssued'],
  tables: ['rm_settlement_statements'],
  apply: (event, manager) => runStatements([event], manager),
  applyBatch: (events, manager) => runStatements(events, manager),
};

function runStatements(events: RecordedEvent[], manager: EntityManager) {
  return upsertRows(manager.getRepository(SettlementStatementRow), events.map(statementRow), [
    'statementId',
  ]);
}

/** A usage report or amendment, as the event of its type. */
function usageOf(event: RecordedEvent) {
  return (eventOfType(event, 'UsageReported') ?? expectEvent(event, 'UsageAmended')).data;
}

/** Adds each report (or the change an amendment makes) to its buyer's running figures. */
async function addUsage(events: RecordedEvent[], manager: EntityManager): Promise<void> {
  const usages = events.map(usageOf);
  const allocationIds = [...new Set(usages.map((usage) => usage.allocationId))];
  const allocations = new Map(
    (await manager.getRepository(AllocationRow).findBy({ allocationId: In(allocationIds) })).map(
      (row) => [row.allocationId, row.data],
    ),
  );
  const totals = new Map<string, RunningChargeRow>();
  const keyOf = (row: Pick<RunningChargeRow, 'period' | 'buyerId' | 'currency'>) =>
    `${row.period}|${row.buyerId}|${row.currency}`;
  const repository = manager.getRepository(RunningChargeRow);
  for (const usage of usages) {
    const allocation = allocations.get(usage.allocationId)!;
    const key = {
      period: usage.slot.slice(0, 7),
      buyerId: usage.buyerId,
      currency: allocation.currency,
    };
    if (!totals.has(keyOf(key))) {
      totals.set(
        keyOf(key),
        (await repository.findOneBy(key)) ?? {
          ...key,
          gpuHoursDelivered: 0,
          whConsumed: 0,
          charge: 0,
        },
      );
    }
    const row = totals.get(keyOf(key))!;
    const previous = 'previous' in usage ? usage.previous : { gpuHoursDelivered: 0, whConsumed: 0 };
    const gpuHours = usage.gpuHoursDelivered - previous.gpuHoursDelivered;
    row.gpuHoursDelivered += gpuHours;
    row.whConsumed += usage.whConsumed - previous.whConsumed;
    row.charge += gpuHours * allocation.pricePerGpuHour;
  }
  await upsertRows(repository, [...totals.values()], ['period', 'buyerId', 'currency']);
}

const runningCharges: Projection = {
  name: 'rm_running_charges',
  eventTypes: ['UsageReported', 'UsageAmended'],
  tables: ['rm_running_charges'],
  apply: (event, manager) => addUsage([event], manager),
  applyBatch: addUsage,
};

export const SETTLEMENT_PROJECTIONS: Projection[] = [statements, runningCharges];
export const SETTLEMENT_ENTITIES = [SettlementStatementRow, RunningChargeRow];
