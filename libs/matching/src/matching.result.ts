/** The engine's state turned into the canonical, hash-friendly `MatchingResult`. */
import { CurrencyCode } from '@policloud/domain';
import { EngineAllocation, MatchingEngine } from './matching.engine';
import { compareText } from './matching.model';
import {
  Allocation,
  ClearingPrice,
  EnergyDraw,
  MatchingResult,
  UnfilledOrder,
  WelfareLine,
} from './matching.types';

export function buildResult(engine: MatchingEngine): MatchingResult {
  const { m, T } = engine;

  // Clearing price of (site, slot): the highest reserve accepted there. The engine never puts
  // an allocation where its reserve exceeds a bid, or its bid falls below a reserve, so this
  // price is ≤ every accepted bid and ≥ the reserve of all the energy used there.
  // Canonical order: slot, site id, order id (sites are indexed by id, slots by time), read
  // cell by cell from the engine's per-cell lists rather than sorted as a whole.
  const live: EngineAllocation[] = [];
  const cellPrice = new Float64Array(m.sites.length * T);
  const cellGpus = new Int32Array(m.sites.length * T);
  const byOrderId = (x: EngineAllocation, y: EngineAllocation) =>
    m.orders[x.o].idRank - m.orders[y.o].idRank;
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < m.sites.length; s++) {
      const cell = s * T + t;
      const ids = engine.cellAllocs[cell];
      if (ids.length === 0) continue;
      const here = ids.map((id) => engine.allocs[id]).sort(byOrderId);
      for (const a of here) {
        live.push(a);
        if (a.reserve > cellPrice[cell]) cellPrice[cell] = a.reserve;
        cellGpus[cell] += m.orders[a.o].gpus;
      }
    }
  }
  // One frozen facts record per site, shared by its allocations.
  const siteFacts = m.sites.map((site) =>
    Object.freeze({
      country: site.country,
      operatorJurisdiction: site.operatorJurisdiction,
      certifications: Object.freeze([...site.certifications].sort(compareText)) as string[],
      energyPerGpuHourWh: site.energyPerGpuHourWh,
    }),
  );
  const allocations: Allocation[] = live.map((a) => {
    const compiled = m.orders[a.o];
    const order = compiled.order;
    const site = m.sites[a.s];
    const slot = m.slots[a.t];
    const energy: EnergyDraw[] = [];
    for (let i = 0; i < a.draws.length; i += 2) {
      const offer = m.offers[a.draws[i]];
      energy.push({
        offerId: offer.offerId,
        producerId: offer.producerId,
        wh: a.draws[i + 1],
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
      pricePerGpuHour: cellPrice[a.s * T + a.t],
      bidPerGpuHour: compiled.bid,
      reservePerGpuHour: a.reserve,
      energy,
      site: siteFacts[a.s],
    };
  });

  const clearingPrices: ClearingPrice[] = [];
  // Cell order (site, then slot) is the canonical order of clearing prices.
  for (let cell = 0; cell < cellGpus.length; cell++) {
    if (cellGpus[cell] === 0) continue;
    const site = m.sites[Math.floor(cell / T)];
    clearingPrices.push({
      siteId: site.siteId,
      slot: m.slots[cell % T],
      currency: site.currency,
      pricePerGpuHour: cellPrice[cell],
      gpus: cellGpus[cell],
    });
  }

  const welfareByCurrency = new Map<CurrencyCode, WelfareLine>();
  for (const a of live) {
    const order = m.orders[a.o];
    const line = welfareByCurrency.get(order.order.currency) ?? {
      currency: order.order.currency,
      welfare: 0,
      gpuHours: 0,
    };
    line.welfare += order.gpus * (order.bid - a.reserve);
    line.gpuHours += order.gpus;
    welfareByCurrency.set(order.order.currency, line);
  }
  const welfare = [...welfareByCurrency.values()].sort((x, y) =>
    compareText(x.currency, y.currency),
  );

  const unfilled: UnfilledOrder[] = [];
  m.orders.forEach((order, o) => {
    const slotsFilled = engine.filled[o];
    if (slotsFilled >= order.wanted) return;
    unfilled.push({
      orderId: order.order.orderId,
      slotsRequested: order.wanted,
      slotsFilled,
      unfilledGpuHours: (order.wanted - slotsFilled) * order.gpus,
      reason: order.staticReason ?? 'capacity',
    });
  });
  unfilled.sort((x, y) => compareText(x.orderId, y.orderId));

  return {
    allocations,
    clearingPrices,
    welfare,
    totalWelfare: welfare.reduce((sum, line) => sum + line.welfare, 0),
    unfilled,
  };
}
