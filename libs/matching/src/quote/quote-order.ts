/**
 * What one order would get from a run on the current market, without changing it: the order is
 * placed alone on the residual capacity and energy (the snapshot's, after earlier runs), each
 * slot of its window at its best site by the engine's own rules (eligibility, energy draw
 * order, reserve), the slots of most surplus first, all-or-none whole or not at all; then every
 * cell it takes is priced by the run's clearing rule with the other open orders of the snapshot
 * as the competing demand. Indicative: a run matches all orders together and may place them
 * differently. Pure and deterministic.
 */
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
  const model = compileSnapshot(snapshot);
  const index = model.orders.findIndex((order) => order.order.orderId === orderId);
  if (index < 0) throw new MatchingInputError(`order ${orderId} is not in the snapshot`);
  const compiled = model.orders[index];
  const engine = new MatchingEngine(model);
  const before = new MatchingEngine(model);

  if (compiled.staticReason === undefined) {
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
    if (!compiled.allOrNone || taken.length === compiled.wanted) {
      taken.sort((a, b) => a.slot - b.slot);
      for (const { slot, site } of taken) engine.place(index, site, slot);
    }
  }

  const price = clearingPricesOf(engine, before);
  const slots: QuotedSlot[] = [];
  for (const id of engine.allocations.keys()) {
    const allocation = engine.allocations[id];
    if (!allocation.alive) continue;
    let wh = 0;
    let grams = 0;
    for (let i = 0; i < allocation.draws.length; i += 2) {
      const drawn = allocation.draws[i + 1];
      wh += drawn;
      grams += (drawn * model.offers[allocation.draws[i]].carbonGPerKwh) / 1000;
    }
    slots.push({
      siteId: model.sites[allocation.site].siteId,
      slot: model.slots[allocation.slot],
      gpus: compiled.gpus,
      pricePerGpuHour: price[allocation.site * model.slotCount + allocation.slot],
      reservePerGpuHour: allocation.reserve,
      carbonGPerGpuHour: wh === 0 ? 0 : grams / compiled.gpus,
    });
  }
  slots.sort((a, b) => (a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : 0));
  const unfilled = unfilledLineOf(engine, before, price, index);
  return {
    orderId,
    slotsRequested: compiled.wanted,
    slots,
    ...(unfilled ? { unfilled } : {}),
  };
}
