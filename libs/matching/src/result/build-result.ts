/** The engine's state turned into the canonical, hash-friendly `MatchingResult`. */
import { CurrencyCode } from '@policloud/domain';
import { EngineAllocation } from '../engine-state/engine-allocation';
import { MatchingEngine } from '../engine-state/matching-engine';
import { compareText } from '../model/compiled-model';
import { clearingPricesOf } from './clearing-prices';
import { unfilledOrdersOf } from './unfilled-reasons';
import { Allocation, ClearingPrice, EnergyDraw, MatchingResult, WelfareLine } from '../model/types';

export function buildResult(engine: MatchingEngine): MatchingResult {
  const model = engine.model;
  const slotCount = engine.slotCount;

  // Clearing price of (site, slot): see clearing-prices.ts. Canonical order: slot, site id, order id (sites are indexed by id, slots by time), read
  // cell by cell from the engine's per-cell lists rather than sorted as a whole.
  const live: EngineAllocation[] = [];
  // The market as it stood before the run: what each order could have had alone.
  const before = new MatchingEngine(model);
  const cellPrice = clearingPricesOf(engine, before);
  const cellGpus = new Int32Array(model.sites.length * slotCount);
  const byOrderId = (x: EngineAllocation, y: EngineAllocation) =>
    model.orders[x.order].idRank - model.orders[y.order].idRank;
  for (let slot = 0; slot < slotCount; slot++) {
    for (let site = 0; site < model.sites.length; site++) {
      const cell = site * slotCount + slot;
      const ids = engine.cellAllocations[cell];
      if (ids.length === 0) continue;
      const here = ids.map((id) => engine.allocations[id]).sort(byOrderId);
      for (const allocation of here) {
        live.push(allocation);
        cellGpus[cell] += model.orders[allocation.order].gpus;
      }
    }
  }
  // One frozen facts record per site, shared by its allocations.
  const siteFacts = model.sites.map((site) =>
    Object.freeze({
      country: site.country,
      operatorJurisdiction: site.operatorJurisdiction,
      certifications: Object.freeze([...site.certifications].sort(compareText)) as string[],
      energyPerGpuHourWh: site.energyPerGpuHourWh,
    }),
  );
  const allocations: Allocation[] = live.map((allocation) => {
    const compiled = model.orders[allocation.order];
    const order = compiled.order;
    const site = model.sites[allocation.site];
    const slot = model.slots[allocation.slot];
    const energy: EnergyDraw[] = [];
    for (let i = 0; i < allocation.draws.length; i += 2) {
      const offer = model.offers[allocation.draws[i]];
      energy.push({
        offerId: offer.offerId,
        producerId: offer.producerId,
        wh: allocation.draws[i + 1],
        source: offer.source,
        carbonGPerKwh: offer.carbonGPerKwh,
        floorPricePerMwh: offer.floorPricePerMwh,
      });
    }
    // Offers are indexed by id, so index order is id order.
    if (energy.length > 1) energy.sort((x, y) => compareText(x.offerId, y.offerId));
    return {
      allocationId: `${order.orderId}@${slot}`,
      orderId: order.orderId,
      buyerId: order.buyerId,
      siteId: site.siteId,
      slot,
      gpus: compiled.gpus,
      currency: order.currency,
      pricePerGpuHour: cellPrice[allocation.site * slotCount + allocation.slot],
      bidPerGpuHour: compiled.bid,
      reservePerGpuHour: allocation.reserve,
      energy,
      site: siteFacts[allocation.site],
    };
  });

  const clearingPrices: ClearingPrice[] = [];
  // Cell order (site, then slot) is the canonical order of clearing prices.
  for (let cell = 0; cell < cellGpus.length; cell++) {
    if (cellGpus[cell] === 0) continue;
    const site = model.sites[Math.floor(cell / slotCount)];
    clearingPrices.push({
      siteId: site.siteId,
      slot: model.slots[cell % slotCount],
      currency: site.currency,
      pricePerGpuHour: cellPrice[cell],
      gpus: cellGpus[cell],
    });
  }

  const welfareByCurrency = new Map<CurrencyCode, WelfareLine>();
  for (const allocation of live) {
    const order = model.orders[allocation.order];
    const line = welfareByCurrency.get(order.order.currency) ?? {
      currency: order.order.currency,
      welfare: 0,
      gpuHours: 0,
    };
    line.welfare += order.gpus * (order.bid - allocation.reserve);
    line.gpuHours += order.gpus;
    welfareByCurrency.set(order.order.currency, line);
  }
  const welfare = [...welfareByCurrency.values()].sort((x, y) =>
    compareText(x.currency, y.currency),
  );

  const unfilled = unfilledOrdersOf(engine, before, cellPrice);

  return {
    allocations,
    clearingPrices,
    welfare,
    totalWelfare: welfare.reduce((sum, line) => sum + line.welfare, 0),
    unfilled,
  };
}
