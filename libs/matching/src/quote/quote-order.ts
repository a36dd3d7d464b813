/**
 * What one order would get from a run on the current market, without changing it: the order is
 * placed alone on the residual capacity and energy (the snapshot's, after earlier runs), each
 * slot of its window at its best site by the engine's own rules (eligibility, energy draw
 * order, reserve), the slots of most surplus first, all-or-none whole or not at all; then every
 * cell it takes is priced by the run's clearing rule with the other open orders of the snapshot
 * as the competing demand. Indicative: a run matches all orders together and may place them
 * differently. Pure and deterministic.
 */
import { slotAt, slotHour } from '@policloud/domain';
import { EngineAllocation } from '../engine-state/engine-allocation';
import { SiteChoice, MatchingEngine } from '../engine-state/matching-engine';
import { compileSnapshot } from '../model/compiled-model';
import { MatchingInputError } from '../model/input-error';
import { MatchingSnapshot, UnfilledOrder } from '../model/types';
import { clearingPricesOf } from '../result/clearing-prices';
import { unfilledLineOf } from '../result/unfilled-reasons';

/** One slot the quoted order would take. */
export interface QuotedSlot {
  siteId: string;
  slot: string;
  gpus: number;
  /** The cell's clearing price with this order in it. */
  pricePerGpuHour: number;
  /** Reserve of these GPU-hours with the energy they would draw. */
  reservePerGpuHour: number;
  /** Grams of CO2e per GPU-hour of the energy drawn (Wh-weighted, unrounded). */
  carbonGPerGpuHour: number;
}

export interface OrderQuote {
  orderId: string;
  slotsRequested: number;
  /** By slot. */
  slots: QuotedSlot[];
  /** Why it would not fill completely, if so. */
  unfilled?: UnfilledOrder;
}

/** Quotes `orderId`, one of the snapshot's orders; throws `MatchingInputError` if it is absent. */
export function quoteOrder(snapshot: MatchingSnapshot, orderId: string): OrderQuote {
  const quoted = snapshot.orders.find((order) => order.orderId === orderId);
  if (!quoted) throw new MatchingInputError(`order ${orderId} is not in the snapshot`);
  // 1. Where it goes: the order alone decides that (the others only price it).
  const alone = compileSnapshot({ ...snapshot, orders: [quoted] });
  const aloneEngine = new MatchingEngine(alone);
  placeAlone(aloneEngine, 0);
  const placed = liveAllocations(aloneEngine).map((allocation) => ({
    siteId: alone.sites[allocation.site].siteId,
    slot: alone.slots[allocation.slot],
  }));
  // Short of what it wants: explained on its whole window, as a run would.
  const noPrices = new Float64Array(alone.sites.length * alone.slotCount);
  const unfilled = unfilledLineOf(aloneEngine, new MatchingEngine(alone), noPrices, 0);
  const slotsRequested = alone.orders[0].wanted;
  if (placed.length === 0) {
    return { orderId, slotsRequested, slots: [], ...(unfilled ? { unfilled } : {}) };
  }

  // 2. At what price: the same placements on the slots they span, with the orders that could
  // bid there (same currency, window overlapping them). Cells outside the span have no
  // allocation and so no price; eligibility, reserves and room do not depend on the horizon, so
  // the prices are those of the whole snapshot.
  const from = placed[0].slot;
  const to = slotAt(slotHour(placed[placed.length - 1].slot) + 1);
  const competing = snapshot.orders.filter(
    (order) =>
      order === quoted ||
      (order.currency === quoted.currency && order.earliestStart < to && order.deadline > from),
  );
  const model = compileSnapshot({
    ...snapshot,
    horizon: { start: from, end: to },
    orders: competing,
  });
  const index = model.orders.findIndex((order) => order.order.orderId === orderId);
  const compiled = model.orders[index];
  const engine = new MatchingEngine(model);
  const before = new MatchingEngine(model);
  const siteIndex = new Map(model.sites.map((site, i) => [site.siteId, i]));
  const start = slotHour(from);
  for (const { siteId, slot } of placed) {
    engine.place(index, siteIndex.get(siteId)!, slotHour(slot) - start);
  }
  const price = clearingPricesOf(engine, before);
  const slots: QuotedSlot[] = liveAllocations(engine).map((allocation) => {
    let wh = 0;
    let grams = 0;
    for (let i = 0; i < allocation.draws.length; i += 2) {
      const drawn = allocation.draws[i + 1];
      wh += drawn;
      grams += (drawn * model.offers[allocation.draws[i]].carbonGPerKwh) / 1000;
    }
    return {
      siteId: model.sites[allocation.site].siteId,
      slot: model.slots[allocation.slot],
      gpus: compiled.gpus,
      pricePerGpuHour: price[allocation.site * model.slotCount + allocation.slot],
      reservePerGpuHour: allocation.reserve,
      carbonGPerGpuHour: wh === 0 ? 0 : grams / compiled.gpus,
    };
  });
  return { orderId, slotsRequested, slots, ...(unfilled ? { unfilled } : {}) };
}

/** The order's best site in each usable slot, most surplus first, as many slots as it wants. */
function placeAlone(engine: MatchingEngine, index: number): void {
  const compiled = engine.model.orders[index];
  if (compiled.staticReason !== undefined) return;
  const choice: SiteChoice = { site: 0, reserve: 0, slack: 0, open: 0 };
  const candidates: { slot: number; site: number; reserve: number; slack: number }[] = [];
  for (const slot of compiled.slots) {
    if (engine.bestSite(index, slot, choice)) {
      candidates.push({ slot, site: choice.site, reserve: choice.reserve, slack: choice.slack });
    }
  }
  // Most surplus first (lowest reserve), then most room left, then the earliest slot.
  candidates.sort((a, b) => a.reserve - b.reserve || b.slack - a.slack || a.slot - b.slot);
  const taken = candidates.slice(0, compiled.wanted);
  if (compiled.allOrNone && taken.length < compiled.wanted) return;
  taken.sort((a, b) => a.slot - b.slot);
  for (const { slot, site } of taken) engine.place(index, site, slot);
}

/** Live allocations by slot. */
function liveAllocations(engine: MatchingEngine): EngineAllocation[] {
  return engine.allocations
    .filter((allocation) => allocation.alive)
    .sort((a, b) => a.slot - b.slot || a.site - b.site);
}
