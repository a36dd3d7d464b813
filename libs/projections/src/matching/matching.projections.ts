import type { AllocationMade, MatchingRunCompleted } from '@policloud/domain';
import { Projection } from '../projection';
import { AllocationRow, MatchingRunRow } from './allocation.entity';

const allocations: Projection = {
  name: 'rm_allocations',
  eventTypes: ['AllocationMade'],
  tables: ['rm_allocations'],
  async apply(event, manager) {
    const data = event.data as AllocationMade['data'];
    await manager.getRepository(AllocationRow).upsert(
      {
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
      },
      ['allocationId'],
    );
  },
};

const runs: Projection = {
  name: 'rm_matching_runs',
  eventTypes: ['MatchingRunCompleted'],
  tables: ['rm_matching_runs'],
  async apply(event, manager) {
    const data = event.data as MatchingRunCompleted['data'];
    await manager.getRepository(MatchingRunRow).upsert({ runId: data.runId, summary: data }, ['runId']);
  },
};

export const MATCHING_PROJECTIONS: Projection[] = [allocations, runs];
export const MATCHING_ENTITIES = [AllocationRow, MatchingRunRow];
