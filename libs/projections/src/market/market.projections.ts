import { EntityManager } from 'typeorm';
import { expectEvent } from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';
import { Projection } from '../projection';
import { upsertRows } from '../upsert-rows';
import { MarketPriceRow, UnfilledOrderRow } from './market.entities';

/**
 * Clearing prices per (site, slot, run) with the GPU-hours the run allocated there. A run's
 * AllocationMade events precede its MatchingRunCompleted in one append, possibly split over
 * pages: each page adds its GPU-hours to the rows (no price yet), and the completion sets the
 * prices. Increments are safe: a page and its checkpoint commit together, exactly once.
 */
async function applyMarketPrices(events: RecordedEvent[], manager: EntityManager): Promise<void> {
  const added = new Map<
    string,
    { site_id: string; slot: string; run_id: string; currency: string; gpu_hours: number }
  >();
  const priced: Record<string, unknown>[] = [];
  for (const event of events) {
    if (event.type === 'AllocationMade') {
      const { runId, siteId, slot, gpus, currency } = expectEvent(event, 'AllocationMade').data;
      const key = `${runId}\u0000${siteId}\u0000${slot}`;
      const row = added.get(key);
      if (row) row.gpu_hours += gpus;
      else added.set(key, { site_id: siteId, slot, run_id: runId, currency, gpu_hours: gpus });
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
  const upsert = async (rows: unknown[], update: string) => {
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      await manager.query(
        `INSERT INTO rm_market_prices (${COLUMNS}) SELECT ${COLUMNS} FROM ` +
          `json_populate_recordset(NULL::rm_market_prices, $1::json) ` +
          `ON CONFLICT (site_id, slot, run_id) DO UPDATE SET ${update}`,
        [JSON.stringify(rows.slice(start, start + ROWS_PER_STATEMENT))],
      );
    }
  };
  await upsert([...added.values()], 'gpu_hours = rm_market_prices.gpu_hours + excluded.gpu_hours');
  await upsert(
    priced,
    'price_per_gpu_hour = excluded.price_per_gpu_hour, position = excluded.position',
  );
}

const COLUMNS = 'site_id, slot, run_id, currency, price_per_gpu_hour, gpu_hours, position';
const ROWS_PER_STATEMENT = 2_000;

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
