import { computeOrderFilled } from '../../../domain/src/testing/examples';
import { ProjectionCheckpointEntity } from '../projection-checkpoint.entity';
import { ProjectionCheckpointsMigration } from '../projection-checkpoints.migration';
import { ProjectionSpec } from '../testing/projection-spec';
import { MARKET_STATE_ENTITIES } from './market-state.entities';
import { MarketStateReadModelsMigration } from './market-state.migration';
import { MARKET_STATE_PROJECTIONS } from './market-state.projections';
import { MarketplaceReadModelsMigration } from '../marketplace/marketplace-read-models.migration';

const spec = ProjectionSpec.for(MARKET_STATE_PROJECTIONS, {
  entities: [...MARKET_STATE_ENTITIES, ProjectionCheckpointEntity],
  migrations: [
    ProjectionCheckpointsMigration,
    MarketplaceReadModelsMigration,
    MarketStateReadModelsMigration,
  ],
});

const fill = (slot: string, gpus: number) => ({
  allocationId: `alloc-${slot}`,
  siteId: 'site-1',
  slot,
  gpus,
  pricePerGpuHour: 180,
});

describe('market state projections', () => {
  it("the GPUs held per site and slot add up every order's fills, stored per slot (v1) or per run", () =>
    spec
      .given(
        {
          streamId: 'computeorder-order-1',
          events: [
            // Written before a run's fills made one event: one slot each.
            {
              type: 'ComputeOrderFilled',
              schemaVersion: 1,
              data: { orderId: 'order-1', ...fill('2026-03-01T10:00:00Z', 8) },
            },
            computeOrderFilled({ ...fill('2026-03-01T11:00:00Z', 8) }),
          ],
        },
        {
          streamId: 'computeorder-order-2',
          events: [
            computeOrderFilled(
              { orderId: 'order-2', ...fill('2026-03-01T10:00:00Z', 4) },
              fill('2026-03-01T11:00:00Z', 4),
            ),
          ],
        },
      )
      .then({
        table: 'rm_gpus_held',
        columns: 'site_id, slot, gpus',
        orderBy: 'site_id, slot',
        rows: [
          { site_id: 'site-1', slot: '2026-03-01T10:00:00Z', gpus: 12 },
          { site_id: 'site-1', slot: '2026-03-01T11:00:00Z', gpus: 12 },
        ],
      }));
});
