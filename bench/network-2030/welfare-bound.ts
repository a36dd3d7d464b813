/**
 * An upper bound of the welfare of a market too large for the MILP reference: per independent
 * region and GPU model, the LP relaxation of a looser problem, solved exactly as a fractional
 * knapsack (and no more than the regions' ceiling, every order at its cheapest site). Each order may take up to `min(wanted, usable slots) × gpus` GPU-hours at its best
 * surplus per GPU-hour (bid − lowest reserve it could ever pay); all of them share the
 * GPU-hours the region's sites of that model could run at all, each cell counted at most at
 * `min(free GPUs, Wh of every offer feeding the site / e)`. Dropping the slots, windows,
 * co-location, all-or-none and the sharing of energy between sites only loosens the problem,
 * so no matching can beat it.
 */
import { findRegions } from '../../libs/matching/src/decomposition/regions';
import {
  CompiledModel,
  CompiledOrder,
  compileSnapshot,
} from '../../libs/matching/src/model/compiled-model';
import { MatchingSnapshot } from '../../libs/matching/src';

export interface WelfareBound {
  bound: number;
  /** Every order filled at its cheapest site, ignoring competition (the search's ceiling). */
  ceiling: number;
  regions: number;
  /** Orders of the largest region. */
  largestRegionOrders: number;
}

export function welfareBound(snapshot: MatchingSnapshot): WelfareBound {
  const model = compileSnapshot(snapshot);
  const regions = findRegions(model);
  let bound = 0;
  let ceiling = 0;
  for (const region of regions) {
    const competing = region.orders
      .map((index) => model.orders[index])
      .filter((order) => order.staticReason === undefined && order.wanted > 0);
    const gpuHoursOf = (order: CompiledOrder) =>
      order.gpus * Math.min(order.wanted, order.slots.length);
    // No competition: every order at its cheapest site.
    let regionCeiling = 0;
    for (const order of competing) {
      const best = order.bid - order.minReserve[0];
      if (best > 0) regionCeiling += best * gpuHoursOf(order);
    }
    // Every site of the region shared by every order, each at its best surplus.
    const whole = knapsack(
      competing.map((order) => ({
        surplus: order.bid - order.minReserve[0],
        gpuHours: gpuHoursOf(order),
      })),
      gpuHoursAt(model, region.sites),
    );
    // Per GPU model (an order without a model counts in each: looser, still a bound).
    let byModel = 0;
    for (const gpuModel of new Set(region.sites.map((site) => model.sites[site].gpuModel))) {
      const sites = region.sites.filter((site) => model.sites[site].gpuModel === gpuModel);
      const items = competing.map((order) => {
        // The cheapest site of this model the order could use (its sites are by lowest reserve).
        for (let i = 0; i < order.sites.length; i++) {
          if (model.sites[order.sites[i]].gpuModel === gpuModel)
            return { surplus: order.bid - order.minReserve[i], gpuHours: gpuHoursOf(order) };
        }
        return { surplus: 0, gpuHours: 0 };
      });
      byModel += knapsack(items, gpuHoursAt(model, sites));
    }
    ceiling += regionCeiling;
    bound += Math.min(regionCeiling, whole, byModel);
  }
  const largestRegionOrders = Math.max(...regions.map((region) => region.orders.length));
  return { bound, ceiling, regions: regions.length, largestRegionOrders };
}

/** The fractional knapsack's value: the best surplus per GPU-hour first, up to `capacity`. */
function knapsack(items: { surplus: number; gpuHours: number }[], capacity: number): number {
  const positive = items.filter((item) => item.surplus > 0).sort((a, b) => b.surplus - a.surplus);
  let value = 0;
  let left = capacity;
  for (const item of positive) {
    const taken = Math.min(left, item.gpuHours);
    value += taken * item.surplus;
    left -= taken;
    if (left === 0) break;
  }
  return value;
}

/** GPU-hours the sites could run at all over the horizon: free GPUs, capped by their energy. */
function gpuHoursAt(model: CompiledModel, sites: number[]): number {
  const slotCount = model.slotCount;
  let total = 0;
  for (const site of sites) {
    const e = model.whPerGpuHour[site];
    for (let slot = 0; slot < slotCount; slot++) {
      let wh = 0;
      for (const offer of model.siteOffers[site]) wh += model.whLeft[offer * slotCount + slot];
      total += Math.min(model.free[site * slotCount + slot], Math.floor(wh / e));
    }
  }
  return total;
}
