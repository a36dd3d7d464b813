import { AllocationRecord, allocationsIn, expectEvent } from '@policloud/domain';
import { EntityManager } from 'typeorm';
import { RecordedEvent } from '@policloud/event-store';
import { Projection } from '../projection';
import { upsertRows } from '../upsert-rows';
import { AllocationProducerRow, AllocationRow, MatchingRunRow } from './allocation.entity';

/** One row per slot an AllocationMade records: the lists and reports read allocations by slot. */
function allocationRows(event: RecordedEvent): AllocationRow[] {
  return allocationsIn(expectEvent(event, 'AllocationMade').data).map(allocationRow);
}

function allocationRow(data: AllocationRecord): AllocationRow {
  return {
    allocationId: data.allocationId,
    runId: data.runId,
    orderId: data.orderId,
    buyerId: data.buyerId,
    siteId: data.siteId,
    hostId: data.site.hostParticipantId,
    producerIds: [...new Set(data.energy.map((draw) => draw.producerId))].sort(),
    slot: data.slot,
    gpus: data.gpus,
    data,
  };
}

function producerRows(row: AllocationRow): AllocationProducerRow[] {
  const { allocationId, slot, siteId, orderId } = row;
  return row.producerIds.map((producerId) => ({ producerId, allocationId, slot, siteId, orderId }));
}

async function writeAllocations(events: RecordedEvent[], manager: EntityManager): Promise<void> {
  const rows = events.flatMap(allocationRows);
  await upsertRows(manager.getRepository(AllocationRow), rows, ['allocationId']);
  await upsertRows(manager.getRepository(AllocationProducerRow), rows.flatMap(producerRows), [
    'producerId',
    'allocationId',
  ]);
}

const allocations: Projection = {
  name: 'rm_allocations',
  eventTypes: ['AllocationMade'],
  tables: ['rm_allocations', 'rm_allocation_producers'],
  apply: (event, manager) => writeAllocations([event], manager),
  applyBatch: writeAllocations,
};

const runs: Projection = {
  name: 'rm_matching_runs',
  eventTypes: ['MatchingRunCompleted'],
  tables: ['rm_matching_runs'],
  async apply(event, manager) {
    const { data } = expectEvent(event, 'MatchingRunCompleted');
    await manager
      .getRepository(MatchingRunRow)
      .upsert({ runId: data.runId, summary: data }, ['runId']);
  },
};

export const MATCHING_PROJECTIONS: Projection[] = [allocations, runs];
export const MATCHING_ENTITIES = [AllocationRow, AllocationProducerRow, MatchingRunRow];
