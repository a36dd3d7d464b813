import { allocationMade, allocationRecord, completed } from '../../../domain/src/testing/examples';
import { ProjectionCheckpointEntity } from '../projection-checkpoint.entity';
import { ProjectionCheckpointsMigration } from '../projection-checkpoints.migration';
import { ProjectionSpec } from '../testing/projection-spec';
import { AllocationListsMigration } from './allocation-lists.migration';
import { MatchingReadModelsMigration } from './matching-read-models.migration';
import { MATCHING_ENTITIES, MATCHING_PROJECTIONS } from './matching.projections';

const spec = ProjectionSpec.for(MATCHING_PROJECTIONS, {
  entities: [...MATCHING_ENTITIES, ProjectionCheckpointEntity],
  migrations: [
    ProjectionCheckpointsMigration,
    MatchingReadModelsMigration,
    AllocationListsMigration,
  ],
});

const allocations = {
  table: 'rm_allocations',
  columns: 'allocation_id, run_id, order_id, buyer_id, site_id, host_id, producer_ids, slot, gpus',
  orderBy: 'allocation_id',
};

describe('matching projections', () => {
  it('an allocation is listed with its host and distinct producers, sorted', () =>
    spec
      .given({
        streamId: 'MatchingRun-run-1',
        events: [
          allocationMade(),
          allocationMade({
            allocationId: 'alloc-2',
            slot: '2026-03-01T11:00:00Z',
            energy: [
              { ...allocationRecord().energy[0], producerId: 'producer-2' },
              { ...allocationRecord().energy[0], producerId: 'producer-1' },
              { ...allocationRecord().energy[0], producerId: 'producer-2' },
            ],
          }),
        ],
      })
      .then({
        ...allocations,
        rows: [
          row('alloc-1', '2026-03-01T10:00:00Z', ['producer-1']),
          row('alloc-2', '2026-03-01T11:00:00Z', ['producer-1', 'producer-2']),
        ],
      }));
});

describe('matching run projection', () => {
  const runs = {
    table: 'rm_matching_runs',
    columns: `run_id, summary->>'inputHash' AS input_hash, (summary->>'welfare')::int AS welfare, summary->'unfilledOrderIds' AS unfilled`,
    orderBy: 'run_id',
  };

  it('a completed run is listed with its input hash, welfare and unfilled orders', () =>
    spec.given({ streamId: 'MatchingRun-run-1', events: [allocationMade(), completed()] }).then(
      {
        ...runs,
        rows: [
          {
            run_id: 'run-1',
            input_hash: completed().data.inputHash,
            welfare: 1_600,
            unfilled: ['order-2'],
          },
        ],
      },
      { ...allocations, rows: [row('alloc-1', '2026-03-01T10:00:00Z', ['producer-1'])] },
    ));

  it('each run has its own row, whatever the order runs complete in', () =>
    spec
      .given(
        { streamId: 'MatchingRun-run-2', events: [completed({ runId: 'run-2', welfare: 0 })] },
        { streamId: 'MatchingRun-run-1', events: [completed()] },
      )
      .then({
        ...runs,
        rows: [
          expect.objectContaining({ run_id: 'run-1', welfare: 1_600 }),
          expect.objectContaining({ run_id: 'run-2', welfare: 0 }),
        ],
      }));
});

function row(allocationId: string, slot: string, producerIds: string[]) {
  return {
    allocation_id: allocationId,
    run_id: 'run-1',
    order_id: 'order-1',
    buyer_id: 'buyer-1',
    site_id: 'site-1',
    host_id: 'host-1',
    producer_ids: producerIds,
    slot,
    gpus: 8,
  };
}
