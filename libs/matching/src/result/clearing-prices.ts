/**
 * The uniform clearing price of every (site, slot) cell, read from the engine's final state
 * (see README, "Price"). Starts at the highest reserve accepted in the cell; where eligible
 * demand was left unserved for want of room there, it rises to the highest such bid, never above
 * the lowest bid accepted in the cell. Pure and order-independent: the same state gives the same
 * prices whatever order the orders are visited in.
 */
import { NONE } from '../engine-state/engine-allocation';
import { MatchingEngine } from '../engine-state/matching-engine';

/**
 * Price per cell (`site × slotCount + slot`); 0 where the cell has no allocation. `before` is an
 * engine on the same model with nothing placed: the market as it stood before the run.
 */
export function clearingPricesOf(engine: MatchingEngine, before: MatchingEngine): Float64Array {
  const model = engine.model;
  const slotCount = engine.slotCount;
  const price = new Float64Array(model.sites.length * slotCount);
  // Slots with at least one allocation: the others have no price to raise.
  const slotPriced = new Uint8Array(slotCount);
  for (let cell = 0; cell < price.length; cell++) {
    if (engine.cellAllocations[cell].length === 0) continue;
    price[cell] = engine.maxReserve[cell];
    slotPriced[cell % slotCount] = 1;
  }
  // An all-or-none bid stands for its whole bundle, not for one cell: like Euphemia's rejected
  // block orders, one left out sets no price. Orders served in full bid for nothing more.
  const short: number[] = [];
  for (let order = 0; order < model.orders.length; order++) {
    const compiled = model.orders[order];
    if (compiled.allOrNone || compiled.staticReason !== undefined) continue;
    if (engine.filledSlots[order] < compiled.wanted) short.push(order);
  }
  // Highest bids first: a cell's price is then set by its first qualifying bid, and lower bids
  // pass over it without the room checks. The prices do not depend on this order.
  short.sort((x, y) => model.orders[y].bid - model.orders[x].bid || x - y);
  for (const order of short) {
    const compiled = model.orders[order];
    const bid = compiled.bid;
    for (let k = 0; k < compiled.slots.length; k++) {
      const slot = compiled.slots[k];
      // Served in that slot at another site: not unserved demand in this slot.
      if (!slotPriced[slot] || engine.allocationAt[order * slotCount + slot] !== NONE) continue;
      for (let i = 0; i < compiled.sites.length; i++) {
        // Sites are sorted by the lowest reserve the order could pay there: the rest price it out.
        if (compiled.minReserve[i] > bid) break;
        const site = compiled.sites[i];
        const cell = site * slotCount + slot;
        if (engine.cellAllocations[cell].length === 0) continue;
        if (bid <= price[cell] || price[cell] >= engine.minBid[cell]) continue;
        // Kept out for want of room: it fitted there before the run, and no longer does now that
        // others hold the cell's GPUs or energy (an order too big for the cell sets no price).
        if (engine.hasRoom(order, site, slot) || !before.hasRoom(order, site, slot)) continue;
        price[cell] = Math.min(bid, engine.minBid[cell]);
      }
    }
  }
  return price;
}
