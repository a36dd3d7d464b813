import { expectEvent } from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';
import { Projection } from '../projection';
import { upsertRows } from '../upsert-rows';
import { AllocationRow, MatchingRunRow } from './allocation.entity';

function allocationRow(event: RecordedEvent): AllocationRow {
  const { data } = expectEvent(event, 'AllocationMade');
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

const allocations: Projection = {
  name: 'rm_allocations',
  eventTypes: ['AllocationMade'],
  tables: ['rm_allocations'],
  apply: (event, manager) =>
    upsertRows(manager.getRepository(AllocationRow), [allocationRow(event)], ['allocationId']),
  applyBatch: (events, manager) =>
    upsertRows(manager.getRepository(AllocationRow), events.map(allocationRow), ['allocationId']),
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
export const MATCHING_ENTITIES = [AllocationRow, MatchingRunRow];
