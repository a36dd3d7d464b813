import { EntityManager } from 'typeorm';
import { expectEvent } from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';
import { Projection } from '../projection';
import { upsertRows } from '../upsert-rows';
import { MarketPriceRow, UnfilledOrderRow } from './market.entities';

/**
 * Clearing prices per (site, slot, run) with the GPU-hours the run allocated there. A run's
 * AllocationMade events precede its MatchingRunCompleted in one append, possibly split over
 * pages: each allocation adds its GPUs to its row (no price yet), and the completion sets the
 * prices. An allocation counts once: a row remembers the position of the last one it counted
 * (`counted_through`), and one at or before it is skipped, so a page applied twice changes
 * nothing.
 */
async function applyMarketPrices(events: RecordedEvent[], manager: EntityManager): Promise<void> {
  const allocated: Record<string, unknown>[] = [];
  const priced: Record<string, unknown>[] = [];
  for (const event of events) {
    if (event.type === 'AllocationMade') {
      const { runId, siteId, slots, gpus, currency } = expectEvent(event, 'AllocationMade').data;
      for (const { slot } of slots) {
        allocated.push({
          site_id: siteId,
          slot,
          run_id: runId,
          currency,
          gpu_hours: gpus,
          counted_through: event.globalPosition,
        });
      }
      continue;
    }
    const { runId, prices } = expectEvent(event, 'MatchingRunCompleted').data;
    for (const price of prices) {
      priced.push({
        site_id: price.siteId,
        slot: price.slot,
        run_id: runId,
        currency: price.currency,
        price_per_gpu_hour: price.pricePerGpuHour,
        gpu_hours: 0,
        position: event.globalPosition,
      });
    }
  }
  for (const rows of chunks(allocated)) {
    await manager.query(
      `INSERT INTO rm_market_prices (site_id, slot, run_id, currency, gpu_hours, counted_through)
       SELECT a.site_id, a.slot, a.run_id, MIN(a.currency), SUM(a.gpu_hours), MAX(a.counted_through)
       FROM json_populate_recordset(NULL::rm_market_prices, $1::json) a
       LEFT JOIN rm_market_prices p USING (site_id, slot, run_id)
       WHERE p.counted_through IS NULL OR a.counted_through > p.counted_through
       GROUP BY a.site_id, a.slot, a.run_id
       ON CONFLICT (site_id, slot, run_id) DO UPDATE SET
         gpu_hours = rm_market_prices.gpu_hours + excluded.gpu_hours,
         counted_through = excluded.counted_through`,
      [JSON.stringify(rows)],
    );
  }
  for (const rows of chunks(priced)) {
    await manager.query(
      `INSERT INTO rm_market_prices (site_id, slot, run_id, currency, price_per_gpu_hour, gpu_hours, position)
       SELECT site_id, slot, run_id, currency, price_per_gpu_hour, gpu_hours, position
       FROM json_populate_recordset(NULL::rm_market_prices, $1::json)
       ON CONFLICT (site_id, slot, run_id) DO UPDATE SET
         price_per_gpu_hour = excluded.price_per_gpu_hour, position = excluded.position`,
      [JSON.stringify(rows)],
    );
  }
}

const ROWS_PER_STATEMENT = 2_000;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    out.push(rows.slice(start, start + ROWS_PER_STATEMENT));
  }
  return out;
}

const marketPrices: Projection = {
  name: 'rm_market_prices',
  eventTypes: ['AllocationMade', 'MatchingRunCompleted'],
  tables: ['rm_market_prices'],
  apply: (event, manager) => applyMarketPrices([event], manager),
  applyBatch: applyMarketPrices,
};

function unfilledRows(event: RecordedEvent): UnfilledOrderRow[] {
  const { runId, orders } = expectEvent(event, 'OrdersLeftUnfilled').data;
  return orders.map((reason) => ({
    runId,
    orderId: reason.orderId,
    position: event.globalPosition,
    reason,
  }));
}

const unfilledOrders: Projection = {
  name: 'rm_unfilled_orders',
  eventTypes: ['OrdersLeftUnfilled'],
  tables: ['rm_unfilled_orders'],
  apply: (event, manager) =>
    upsertRows(manager.getRepository(UnfilledOrderRow), unfilledRows(event), ['runId', 'orderId']),
  applyBatch: (events, manager) =>
    upsertRows(manager.getRepository(UnfilledOrderRow), events.flatMap(unfilledRows), [
      'runId',
      'orderId',
    ]),
};

export const MARKET_PROJECTIONS: Projection[] = [marketPrices, unfilledOrders];
export const MARKET_ENTITIES = [MarketPriceRow, UnfilledOrderRow];
