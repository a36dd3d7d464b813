import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@policloud/config';
import {
  addHours,
  DomainError,
  gpusAvailableAt,
  orderedGpuHours,
  reservePricePerGpuHour,
  Site,
  slotHour,
  slotRange,
} from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import { AllocationRow, EnergyOfferSlotRow, MarketPriceRow, SiteRow } from '@policloud/projections';
import { APP_CONFIG } from '@policloud/runtime';
import { MarketDepthQuery, MarketPricesQuery } from './market.dto';

/** At most a month of prices, and a week of depth (every slot is a pair of curves). */
export const MAX_PRICE_SLOTS = 24 * 31;
export const MAX_DEPTH_SLOTS = 24 * 7;

/** GPU-hours at one price level, and from the best level down to it. */
export interface DepthLevel {
  pricePerGpuHour: number;
  gpuHours: number;
  cumulativeGpuHours: number;
}

export interface SlotDepth {
  slot: string;
  currency: string;
  /** Cheapest first: what sites could still supply at or above each reserve. */
  supply: DepthLevel[];
  /** Dearest first: what open orders bid for the slot. */
  demand: DepthLevel[];
}

/** Clearing prices and market depth, from the read models the projector fills. */
@Injectable()
export class MarketDataService {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async prices(query: MarketPricesQuery) {
    const { from, to } = window(query, MAX_PRICE_SLOTS);
    const builder = this.readModels
      .getRepository(MarketPriceRow)
      .createQueryBuilder('p')
      .where('p.slot >= :from AND p.slot < :to AND p.price_per_gpu_hour IS NOT NULL', { from, to });
    if (query.site !== undefined) builder.andWhere('p.site_id = :site', { site: query.site });
    const rows = await builder
      .orderBy('p.site_id')
      .addOrderBy('p.slot')
      .addOrderBy('p.position')
      .getMany();
    return {
      from,
      to,
      ...(query.site !== undefined ? { siteId: query.site } : {}),
      prices: rows.map((row) => ({
        siteId: row.siteId,
        slot: row.slot,
        runId: row.runId,
        currency: row.currency,
        pricePerGpuHour: row.pricePerGpuHour,
        gpuHours: row.gpuHours,
      })),
    };
  }

  /**
   * Per slot and currency, the supply curve (each live site's capacity left — free GPUs capped by
   * the energy of the offers feeding it — at its lowest reserve in that slot) and the demand
   * curve (each open order still wanting GPUs, whose window holds the slot and which holds no
   * fill in it, at its bid). An offer feeding several sites counts for each, as in capacity.
   */
  async depth(query: MarketDepthQuery) {
    const { from, to } = window(query, MAX_DEPTH_SLOTS);
    const slots = Array.from({ length: slotHour(to) - slotHour(from) }, (_, i) =>
      addHours(from, i),
    );
    const [supply, demand] = await Promise.all([
      this.supplyBySlot(slots, from, to),
      this.demandBySlot(slots, from, to),
    ]);
    const depth: SlotDepth[] = [];
    slots.forEach((slot, index) => {
      const currencies = [...new Set([...supply[index].keys(), ...demand[index].keys()])].sort();
      for (const currency of currencies) {
        depth.push({
          slot,
          currency,
          supply: levels(supply[index].get(currency), 1),
          demand: levels(demand[index].get(currency), -1),
        });
      }
    });
    return { from, to, platformFeeBps: this.config.platformFeeBps, slots: depth };
  }

  /** Per slot and currency: GPU-hours each site could still supply, at its lowest reserve. */
  private async supplyBySlot(slots: string[], from: string, to: string): Promise<Curves[]> {
    const [siteRows, offers, offerSlots, allocated] = await Promise.all([
      this.readModels.getRepository(SiteRow).find(),
      // The fields the curves need, not each offer's record of every slot it ever had.
      this.readModels.query<DepthOffer[]>(
        `SELECT id AS "offerId", state->'siteIds' AS "siteIds", state->>'currency' AS currency,
                (state->>'floorPricePerMwh')::bigint AS "floorPricePerMwh"
           FROM rm_energy_offers WHERE status = 'open'`,
      ),
      this.readModels
        .getRepository(EnergyOfferSlotRow)
        .createQueryBuilder('s')
        .where('s.slot >= :from AND s.slot < :to AND s.remaining_wh > 0', { from, to })
        .getMany(),
      this.readModels
        .getRepository(AllocationRow)
        .createQueryBuilder('a')
        .select('a.site_id', 'siteId')
        .addSelect('a.slot', 'slot')
        .addSelect('SUM(a.gpus)', 'gpus')
        .where('a.slot >= :from AND a.slot < :to', { from, to })
        .groupBy('a.site_id')
        .addGroupBy('a.slot')
        .getRawMany<{ siteId: string; slot: string; gpus: string }>(),
    ]);
    const held = new Map(allocated.map((a) => [`${a.siteId}|${a.slot}`, Number(a.gpus)]));
    const open = new Set(offers.map((offer) => offer.offerId));
    const whLeft = new Map<string, number>();
    for (const row of offerSlots) {
      if (open.has(row.offerId)) whLeft.set(`${row.offerId}|${row.slot}`, row.remainingWh);
    }
    const feeding = new Map<string, DepthOffer[]>();
    for (const offer of offers) {
      for (const siteId of offer.siteIds)
        feeding.set(siteId, [...(feeding.get(siteId) ?? []), offer]);
    }
    const sites: Site[] = siteRows
      .map((row) => row.state)
      .filter((site) => site.status !== 'decommissioned');
    const curves = slots.map((): Curves => new Map());
    for (const [index, slot] of slots.entries()) {
      for (const site of sites) {
        const free = gpusAvailableAt(site, slot) - (held.get(`${site.siteId}|${slot}`) ?? 0);
        if (free <= 0) continue;
        let wh = 0;
        let cheapest = Infinity;
        for (const offer of feeding.get(site.siteId) ?? []) {
          if (offer.currency !== site.currency) continue;
          const left = whLeft.get(`${offer.offerId}|${slot}`) ?? 0;
          if (left <= 0) continue;
          wh += left;
          cheapest = Math.min(cheapest, Number(offer.floorPricePerMwh));
        }
        const gpus = Math.min(free, Math.floor(wh / site.energyPerGpuHourWh));
        if (gpus <= 0) continue;
        const reserve = reservePricePerGpuHour({
          siteReservePerGpuHour: site.reservePricePerGpuHour,
          energyPerGpuHourWh: site.energyPerGpuHourWh,
          energyFloorPricePerMwh: cheapest,
          platformFeeBps: this.config.platformFeeBps,
        });
        addLevel(curves[index], site.currency, reserve, gpus);
      }
      // A week of a 1,000-site network: a turn of the event loop between slots.
      await nextTurn();
    }
    return curves;
  }

  /**
   * Per slot and currency: the GPUs open orders still want there, at their bids. Only orders
   * whose window meets [from, to) are read, with the few fields the curves need; each walks its
   * own slots of the window, a turn of the event loop between slices of orders.
   */
  private async demandBySlot(slots: string[], from: string, to: string): Promise<Curves[]> {
    const orders = await this.readModels.query<DepthOrder[]>(
      `SELECT state->>'currency' AS currency, (state->>'maxPricePerGpuHour')::bigint AS bid,
              (state->>'gpus')::bigint AS gpus, (state->>'hours')::bigint AS hours,
              (state->>'filledGpuHours')::bigint AS "filledGpuHours",
              state->>'earliestStart' AS "earliestStart", state->>'deadline' AS deadline,
              COALESCE(jsonb_path_query_array(state->'fills', '$[*].slot'), '[]'::jsonb)
                AS "filledSlots"
         FROM rm_compute_orders
        WHERE status IN ('open', 'partially_filled')
          AND state->>'earliestStart' < $2 AND state->>'deadline' > $1`,
      [from, to],
    );
    const first = slotHour(from);
    const curves = slots.map((): Curves => new Map());
    for (let start = 0; start < orders.length; start += ORDERS_PER_TURN) {
      for (const order of orders.slice(start, start + ORDERS_PER_TURN)) {
        const gpus = Number(order.gpus);
        const shape = { gpus, hours: Number(order.hours) };
        if (orderedGpuHours(shape) - Number(order.filledGpuHours) < gpus) continue;
        const filled = new Set(order.filledSlots);
        const begin = Math.max(0, slotHour(order.earliestStart) - first);
        const end = Math.min(slots.length, slotHour(order.deadline) - first);
        for (let index = begin; index < end; index++) {
          if (filled.has(slots[index])) continue;
          addLevel(curves[index], order.currency, Number(order.bid), gpus);
        }
      }
      await nextTurn();
    }
    return curves;
  }
}

/** Orders read per turn of the event loop when building the demand curves. */
const ORDERS_PER_TURN = 5_000;

/** Per currency, GPU-hours at each price. */
type Curves = Map<string, Map<number, number>>;

interface DepthOffer {
  offerId: string;
  siteIds: string[];
  currency: string;
  floorPricePerMwh: string | number;
}

/** An open order as the demand curve reads it (bigint columns come back as strings or numbers). */
interface DepthOrder {
  currency: string;
  bid: string | number;
  gpus: string | number;
  hours: string | number;
  filledGpuHours: string | number;
  earliestStart: string;
  deadline: string;
  filledSlots: string[];
}

function addLevel(curves: Curves, currency: string, price: number, gpuHours: number): void {
  const curve = curves.get(currency) ?? new Map<number, number>();
  curve.set(price, (curve.get(price) ?? 0) + gpuHours);
  curves.set(currency, curve);
}

/** Price levels in `direction` (1: cheapest first, -1: dearest first), with running totals. */
function levels(curve: Map<number, number> | undefined, direction: 1 | -1): DepthLevel[] {
  if (!curve) return [];
  let cumulative = 0;
  return [...curve.entries()]
    .sort(([a], [b]) => direction * (a - b))
    .map(([pricePerGpuHour, gpuHours]) => {
      cumulative += gpuHours;
      return { pricePerGpuHour, gpuHours, cumulativeGpuHours: cumulative };
    });
}

function window(query: { from?: string; to?: string }, maxSlots: number) {
  const { from, to } = slotRange(query) as { from: string; to: string };
  if (slotHour(to) - slotHour(from) > maxSlots) {
    throw DomainError.invalid([{ field: 'to', message: `at most ${maxSlots} slots per request` }]);
  }
  return { from, to };
}
