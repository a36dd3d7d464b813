import { DataSource, EntityManager } from 'typeorm';
import type { ComputeOrder, EnergyOffer, Site, SiteCapacityState } from '@policloud/domain';
import type { Versioned } from '../history/market-history';

/**
 * The market a matching run needs, as of one global position: the live sites, the offers and
 * open orders it may match (each with the revision to append at), the sites' capacity streams.
 * Folding the log (`MarketHistory`) gives a superset of it; the read models give it by slot
 * window, with `gpusHeld` standing for the fills of orders that are not open any more.
 */
export interface MarketState {
  position: number;
  sites: ReadonlyMap<string, Versioned<Site>>;
  offers: ReadonlyMap<string, Versioned<EnergyOffer>>;
  orders: ReadonlyMap<string, Versioned<ComputeOrder>>;
  capacity: ReadonlyMap<string, Versioned<SiteCapacityState>>;
  /**
   * GPUs held by all fills per `siteId|slot` in the horizon, when `orders` holds only the open
   * orders; absent when `orders` holds every order (the fills then say it).
   */
  gpusHeld?: ReadonlyMap<string, number>;
}

/** `[from, to)` in stored slots. */
export interface SlotWindow {
  from: string;
  to: string;
}

/** What a read from the read models cost: the rows each query returned. */
export interface MarketStateRead {
  market: MarketState;
  rowsRead: { sites: number; offers: number; orders: number; capacity: number; gpusHeld: number };
}

/** The projections the market state is made of: one of them halted makes the read refuse. */
export const MARKET_STATE_SOURCES = [
  'rm_sites',
  'rm_energy_offers',
  'rm_compute_orders',
  'rm_site_capacity',
  'rm_gpus_held',
];

interface StateRow<State> {
  id: string;
  revision: number;
  created_position: string | number | null;
  state: State;
}

/**
 * The market at the read models' checkpoint, read in one snapshot transaction: only offers with
 * energy left in the window, only open orders, only the window's held GPUs, so the cost follows
 * the market in the window, not the length of the history. Undefined when the read models cannot
 * stand for the log (a source projection is halted behind the checkpoint, or rows predate the
 * creation positions): the caller folds the log instead.
 */
export async function readMarketState(
  readModels: DataSource,
  window: SlotWindow,
  checkpointName = 'read-models',
): Promise<MarketStateRead | undefined> {
  return readModels.transaction('REPEATABLE READ', async (manager) => {
    const checkpoints: { name: string; position: string | number }[] = await manager.query(
      'SELECT name, position FROM projection_checkpoints WHERE name = $1 OR name = ANY($2)',
      [checkpointName, MARKET_STATE_SOURCES.map((source) => `${checkpointName}/${source}`)],
    );
    const global = checkpoints.find((row) => row.name === checkpointName);
    if (!global || checkpoints.length > 1) return undefined;

    const sites = await stateRows<Site>(
      manager,
      `SELECT id, revision, created_position, state FROM rm_sites
       WHERE status <> 'decommissioned' ORDER BY created_position, id`,
    );
    const offers = await stateRows<EnergyOffer>(
      manager,
      `SELECT id, revision, created_position, state FROM rm_energy_offers
       WHERE status = 'open' AND id IN (
         SELECT offer_id FROM rm_energy_offer_slots
         WHERE slot >= $1 AND slot < $2 AND remaining_wh > 0)
       ORDER BY created_position, id`,
      [window.from, window.to],
    );
    const orders = await stateRows<ComputeOrder>(
      manager,
      `SELECT id, revision, created_position, state FROM rm_compute_orders
       WHERE status IN ('open', 'partially_filled') ORDER BY created_position, id`,
    );
    if ([sites, offers, orders].some((rows) => rows.some((row) => row.created_position === null))) {
      return undefined;
    }
    const capacity = await stateRows<SiteCapacityState>(
      manager,
      'SELECT id, revision, NULL AS created_position, state FROM rm_site_capacity',
    );
    const held: { site_id: string; slot: string; gpus: number }[] = await manager.query(
      'SELECT site_id, slot, gpus FROM rm_gpus_held WHERE slot >= $1 AND slot < $2',
      [window.from, window.to],
    );
    return {
      market: {
        position: Number(global.position),
        sites: versioned(sites),
        offers: versioned(offers),
        orders: versioned(orders),
        capacity: versioned(capacity),
        gpusHeld: new Map(held.map((row) => [`${row.site_id}|${row.slot}`, Number(row.gpus)])),
      },
      rowsRead: {
        sites: sites.length,
        offers: offers.length,
        orders: orders.length,
        capacity: capacity.length,
        gpusHeld: held.length,
      },
    };
  });
}

function stateRows<State>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<StateRow<State>[]> {
  return manager.query(sql, parameters);
}

function versioned<State>(rows: StateRow<State>[]): Map<string, Versioned<State>> {
  return new Map(rows.map((row) => [row.id, { state: row.state, revision: row.revision }]));
}
