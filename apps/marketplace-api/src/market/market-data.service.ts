import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@policloud/config';
import {
  addHours,
  ComputeOrder,
  DomainError,
  EnergyOffer,
  gpusAvailableAt,
  orderedGpuHours,
  reservePricePerGpuHour,
  Site,
  slotHour,
  slotRange,
} from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import {
  AllocationRow,
  ComputeOrderRow,
  EnergyOfferRow,
  EnergyOfferSlotRow,
  MarketPriceRow,
  SiteRow,
} from '@policloud/projections';
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
    const [siteRows, offerRows, offerSlots, allocated, orderRows] = await Promise.all([
      this.readModels.getRepository(SiteRow).find(),
      this.readModels.getRepository(EnergyOfferRow).findBy({ status: 'open' }),
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
      this.readModels
        .getRepository(ComputeOrderRow)
        .createQueryBuilder('o')
        .where('o.status IN (:...open)', { open: ['open', 'partially_filled'] })
        .getMany(),
    ]);
    const held = new Map(allocated.map((a) => [`${a.siteId}|${a.slot}`, Number(a.gpus)]));
    const offers = new Map<string, EnergyOffer>(offerRows.map((row) => [row.id, row.state]));
    const whLeft = new Map<string, number>();
    for (const row of offerSlots) {
      if (offers.has(row.offerId)) whLeft.set(`${row.offerId}|${row.slot}`, row.remainingWh);
    }
    const feeding = new Map<string, EnergyOffer[]>();
    for (const offer of offers.values()) {
      for (const siteId of offer.siteIds)
        feeding.set(siteId, [...(feeding.get(siteId) ?? []), offer]);
    }
    const sites: Site[] = siteRows
      .map((row) => row.state)
      .filter((site) => site.status !== 'decommissioned');
    const orders: ComputeOrder[] = orderRows.map((row) => row.state);

    const depth: SlotDepth[] = [];
    for (const slot of slots) {
      const supply = new Map<string, Map<number, number>>();
      const demand = new Map<string, Map<number, number>>();
      const add = (
        curves: Map<string, Map<number, number>>,
        currency: string,
        price: number,
        gpuHours: number,
      ) => {
        const curve = curves.get(currency) ?? new Map<number, number>();
        curve.set(price, (curve.get(price) ?? 0) + gpuHours);
        curves.set(currency, curve);
      };
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
          cheapest = Math.min(cheapest, offer.floorPricePerMwh);
        }
        const gpus = Math.min(free, Math.floor(wh / site.energyPerGpuHourWh));
        if (gpus <= 0) continue;
        const reserve = reservePricePerGpuHour({
          siteReservePerGpuHour: site.reservePricePerGpuHour,
          energyPerGpuHourWh: site.energyPerGpuHourWh,
          energyFloorPricePerMwh: cheapest,
          platformFeeBps: this.config.platformFeeBps,
        });
        add(supply, site.currency, reserve, gpus);
      }
      for (const order of orders) {
        if (slot < order.earliestStart || slot >= order.deadline) continue;
        if (orderedGpuHours(order) - order.filledGpuHours < order.gpus) continue;
        if (order.fills.some((fill) => fill.slot === slot)) continue;
        add(demand, order.currency, order.maxPricePerGpuHour, order.gpus);
      }
      const currencies = [...new Set([...supply.keys(), ...demand.keys()])].sort();
      for (const currency of currencies) {
        depth.push({
          slot,
          currency,
          supply: levels(supply.get(currency), 1),
          demand: levels(demand.get(currency), -1),
        });
      }
    }
    return { from, to, platformFeeBps: this.config.platformFeeBps, slots: depth };
  }
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
