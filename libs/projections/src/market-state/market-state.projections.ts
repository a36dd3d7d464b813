import { EntityManager } from 'typeorm';
import { expectEvent, SiteCapacityState, siteCapacityDecider } from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';
import { aggregateStateProjection } from '../marketplace/aggregate-state.projection';
import { Projection } from '../projection';
import { GpusHeldRow, SiteCapacityRow } from './market-state.entities';

const siteCapacity = aggregateStateProjection<SiteCapacityState, SiteCapacityRow>({
  decider: siteCapacityDecider as never,
  entity: SiteCapacityRow,
  table: 'rm_site_capacity',
  columns: () => ({}),
});

/** The GPUs each fill of a page holds, summed per site and slot. */
function heldBy(events: RecordedEvent[]): GpusHeldRow[] {
  const held = new Map<string, GpusHeldRow>();
  for (const event of events) {
    for (const fill of expectEvent(event, 'ComputeOrderFilled').data.fills) {
      const key = `${fill.siteId}|${fill.slot}`;
      const row = held.get(key) ?? { siteId: fill.siteId, slot: fill.slot, gpus: 0 };
      row.gpus += fill.gpus;
      held.set(key, row);
    }
  }
  return [...held.values()];
}

/** Adds to what is held: each fill is applied once (the runner moves the checkpoint with it). */
async function addHeld(events: RecordedEvent[], manager: EntityManager): Promise<void> {
  const rows = heldBy(events);
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO rm_gpus_held (site_id, slot, gpus)
     SELECT site_id, slot, gpus FROM json_populate_recordset(NULL::rm_gpus_held, $1::json)
     ON CONFLICT (site_id, slot) DO UPDATE SET gpus = rm_gpus_held.gpus + excluded.gpus`,
    [JSON.stringify(rows.map(({ siteId, slot, gpus }) => ({ site_id: siteId, slot, gpus })))],
  );
}

const gpusHeld: Projection = {
  name: 'rm_gpus_held',
  eventTypes: ['ComputeOrderFilled'],
  tables: ['rm_gpus_held'],
  apply: (event, manager) => addHeld([event], manager),
  applyBatch: addHeld,
};

export const MARKET_STATE_PROJECTIONS: Projection[] = [siteCapacity, gpusHeld];
