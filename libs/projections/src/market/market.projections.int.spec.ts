import { allocationMade, completed } from '../../../domain/src/testing/examples';
import { ProjectionCheckpointEntity } from '../projection-checkpoint.entity';
import { ProjectionCheckpointsMigration } from '../projection-checkpoints.migration';
import { ProjectionSpec } from '../testing/projection-spec';
import { MarketReadModelsMigration } from './market-read-models.migration';
import { MARKET_ENTITIES, MARKET_PROJECTIONS } from './market.projections';

const spec = ProjectionSpec.for(MARKET_PROJECTIONS, {
  entities: [...MARKET_ENTITIES, ProjectionCheckpointEntity],
  migrations: [ProjectionCheckpointsMigration, MarketReadModelsMigration],
});

const TEN = '2026-03-01T10:00:00Z';
const ELEVEN = '2026-03-01T11:00:00Z';

const prices = {
  table: 'rm_market_prices',
  columns: 'site_id, slot, run_id, currency, price_per_gpu_hour::int AS price, gpu_hours',
  orderBy: 'site_id, slot, run_id',
};

/** A clearing price of site-1 in EUR, as the prices table lists it. */
const priceRow = (slot: string, runId: string, price: number, gpuHours: number) => ({
  site_id: 'site-1',
  slot,
  run_id: runId,
  currency: 'EUR',
  price,
  gpu_hours: gpuHours,
});

const unfilled = {
  table: 'rm_unfilled_orders',
  columns: 'run_id, order_id, reason',
  orderBy: 'run_id, order_id',
};

const outbid = {
  orderId: 'order-2',
  reason: 'outbid',
  message: 'Outbid: the GPUs it could use went to higher bids.',
  slotsRequested: 1,
  slotsFilled: 0,
  unfilledGpuHours: 8,
  clearingPricePerGpuHour: 180,
};

describe('market projections', () => {
  it('a run’s clearing prices are listed per site-hour with the GPU-hours it allocated there', () =>
    spec
      .given({
        streamId: 'matchingrun-run-1',
        events: [
          allocationMade(),
          allocationMade({ allocationId: 'alloc-2', orderId: 'order-3', gpus: 4 }),
          allocationMade({ allocationId: 'alloc-3', slot: ELEVEN }),
          completed(),
        ],
      })
      .then({
        ...prices,
        rows: [priceRow(TEN, 'run-1', 180, 12), priceRow(ELEVEN, 'run-1', 190, 8)],
      }));

  it('two runs clearing one site-hour give a line each', () =>
    spec
      .given(
        { streamId: 'matchingrun-run-1', events: [allocationMade(), completed()] },
        {
          streamId: 'matchingrun-run-2',
          events: [
            allocationMade({ runId: 'run-2', allocationId: 'alloc-9', gpus: 2 }),
            completed({
              runId: 'run-2',
              prices: [{ siteId: 'site-1', slot: TEN, currency: 'EUR', pricePerGpuHour: 210 }],
            }),
          ],
        },
      )
      .then({
        ...prices,
        rows: [
          priceRow(TEN, 'run-1', 180, 8),
          priceRow(TEN, 'run-2', 210, 2),
          // run-1's price of 11:00 had no allocation in these events: listed with 0 GPU-hours.
          priceRow(ELEVEN, 'run-1', 190, 0),
        ],
      }));

  it('why each order was left unfilled is kept per run and order', () =>
    spec
      .given({
        streamId: 'matchingrun-run-1',
        events: [
          allocationMade(),
          {
            type: 'OrdersLeftUnfilled',
            schemaVersion: 1,
            data: { runId: 'run-1', orders: [outbid] },
          },
          completed(),
        ],
      })
      .then({ ...unfilled, rows: [{ run_id: 'run-1', order_id: 'order-2', reason: outbid }] }));
});
