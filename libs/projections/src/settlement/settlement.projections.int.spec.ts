import {
  allocationMade,
  buyerStatement,
  hostStatement,
} from '../../../domain/src/testing/examples';
import { MATCHING_ENTITIES, MATCHING_PROJECTIONS } from '../matching/matching.projections';
import { AllocationListsMigration } from '../matching/allocation-lists.migration';
import { MatchingReadModelsMigration } from '../matching/matching-read-models.migration';
import { ProjectionCheckpointEntity } from '../projection-checkpoint.entity';
import { ProjectionCheckpointsMigration } from '../projection-checkpoints.migration';
import { ProjectionSpec } from '../testing/projection-spec';
import { SettlementReadModelsMigration } from './settlement-read-models.migration';
import { SETTLEMENT_ENTITIES, SETTLEMENT_PROJECTIONS } from './settlement.projections';

// Running charges price usage with the allocation's read model, so it is projected too.
const spec = ProjectionSpec.for([...MATCHING_PROJECTIONS, ...SETTLEMENT_PROJECTIONS], {
  entities: [...MATCHING_ENTITIES, ...SETTLEMENT_ENTITIES, ProjectionCheckpointEntity],
  migrations: [
    ProjectionCheckpointsMigration,
    MatchingReadModelsMigration,
    AllocationListsMigration,
    SettlementReadModelsMigration,
  ],
});

const usage = {
  allocationId: 'alloc-1',
  siteId: 'site-1',
  slot: '2026-03-01T10:00:00Z',
  buyerId: 'buyer-1',
  orderId: 'order-1',
  gpuHoursDelivered: 8,
  whConsumed: 6_100,
  heatWhRecovered: 3_600,
};
const reported = {
  type: 'UsageReported',
  schemaVersion: 1,
  data: { ...usage, reportedAt: '2026-03-01T11:00:30.000Z' },
};
const amended = {
  type: 'UsageAmended',
  schemaVersion: 1,
  data: {
    ...usage,
    gpuHoursDelivered: 7,
    whConsumed: 5_400,
    heatWhRecovered: 3_100,
    reason: 'GPU 3 failed at 10:05; meter re-read',
    amendedAt: '2026-03-01T12:00:00.000Z',
    previous: { gpuHoursDelivered: 8, whConsumed: 6_100, heatWhRecovered: 3_600 },
  },
};
const run = { streamId: 'MatchingRun-run-1', events: [allocationMade()] };

const charges = {
  table: 'rm_running_charges',
  columns: 'period, buyer_id, currency, gpu_hours_delivered::int, wh_consumed::int, charge::int',
  orderBy: 'period, buyer_id, currency',
};

function issued(statement: ReturnType<typeof buyerStatement>) {
  return {
    type: 'SettlementStatementIssued',
    schemaVersion: 1,
    data: {
      ...statement,
      closedAt: '2026-04-02T06:00:00.000Z',
      inputPosition: 1_234,
    },
  };
}

describe('settlement projections', () => {
  it('usage adds to the running charges once, at the allocation price', () =>
    spec.given(run, { streamId: 'AllocationUsage-alloc-1', events: [reported] }).then({
      ...charges,
      rows: [
        {
          period: '2026-03',
          buyer_id: 'buyer-1',
          currency: 'EUR',
          gpu_hours_delivered: 8,
          wh_consumed: 6_100,
          charge: 1_440,
        },
      ],
    }));

  it('an amendment adds only its change to the running charges', () =>
    spec.given(run, { streamId: 'AllocationUsage-alloc-1', events: [reported, amended] }).then({
      ...charges,
      rows: [
        {
          period: '2026-03',
          buyer_id: 'buyer-1',
          currency: 'EUR',
          gpu_hours_delivered: 7,
          wh_consumed: 5_400,
          charge: 1_260,
        },
      ],
    }));

  it('a statement row per party, with its total', () =>
    spec
      .given({
        streamId: 'SettlementPeriod-2026-03',
        events: [issued(buyerStatement()), issued(hostStatement())],
      })
      .then({
        table: 'rm_settlement_statements',
        columns: 'statement_id, period, party_id, role, currency, total::int',
        orderBy: 'statement_id',
        rows: [
          {
            statement_id: 'st-2026-03-buyer-1-EUR',
            period: '2026-03',
            party_id: 'buyer-1',
            role: 'buyer',
            currency: 'EUR',
            total: -1_440,
          },
          {
            statement_id: 'st-2026-03-host-1-EUR',
            period: '2026-03',
            party_id: 'host-1',
            role: 'host',
            currency: 'EUR',
            total: 382,
          },
        ],
      }));
});
