/**
 * Local search after the greedy, in passes until a pass gains nothing: every order short of
 * what it wants tries to take more slots, making room by moving other allocations (see
 * `room-making.ts`), all-or-none orders as a whole bundle; every order with slots tries sites
 * where its reserve is lower; then every cell is re-packed (`cell-repack.ts`). A change is kept
 * only if total welfare strictly rises.
 */
import { NONE } from '../engine-state/engine-allocation';
import { MatchingEngine } from '../engine-state/matching-engine';
import { RepackCandidates, repackCell } from './cell-repack';
import { RoomMaker } from './room-making';

/** Work one order's attempt may take in one pass, so no single order starves the others. */
const ORDER_BUDGET = 40_000;
/** Passes at most. */
const MAX_PASSES = 8;

/** Improves the engine's solution, spending at most `budget` evaluations (roughly). */
export function improve(engine: MatchingEngine, budget: number): void {
  const model = engine.model;
  const slotCount = engine.slotCount;
  const workBudget = engine.work + budget;
  const rooms = new RoomMaker(engine);
  const orders = model.orders;
  // Best possible surplus per GPU-hour first, then placement time and id.
  const sequence = orders
    .map((_compiled, order) => order)
    .filter((order) => orders[order].staticReason === undefined && orders[order].wanted > 0)
    .sort(
      (a, b) =>
        orders[b].bid - orders[b].minReserve[0] - (orders[a].bid - orders[a].minReserve[0]) ||
        orders[a].rank - orders[b].rank,
    );
  const candidates: RepackCandidates = {
    usable: new Uint8Array(orders.length * slotCount),
    siteOrders: model.sites.map(() => []),
  };
  for (const order of sequence) {
    const compiled = orders[order];
    for (const slot of compiled.slots) candidates.usable[order * slotCount + slot] = 1;
    compiled.sites.forEach((site, siteRank) => {
      if (compiled.minReserve[siteRank] <= compiled.bid) candidates.siteOrders[site].push(order);
    });
  }
  for (const list of candidates.siteOrders) list.sort((a, b) => a - b);
  for (let pass = 0; pass < MAX_PASSES && engine.work < workBudget; pass++) {
    const before = engine.welfare;
    for (const order of sequence) {
      if (engine.work >= workBudget) break;
      const compiled = orders[order];
      rooms.workLimit = Math.min(workBudget, engine.work + ORDER_BUDGET);
      if (engine.filledSlots[order] < compiled.wanted) {
        if (compiled.allOrNone) insertBundle(engine, rooms, order);
        else fillOrder(engine, rooms, order);
      }
      if (engine.filledSlots[order] > 0) upgradeOrder(engine, rooms, order);
    }
    rooms.workLimit = workBudget;
    for (let site = 0; site < model.sites.length && engine.work < workBudget; site++) {
      for (let slot = 0; slot < slotCount && engine.work < workBudget; slot++) {
        repackCell(engine, rooms, candidates, site, slot);
      }
    }
    if (engine.welfare <= before) break;
  }
}

/** Tries more slots for a divisible order, cheapest sites first. */
function fillOrder(engine: MatchingEngine, rooms: RoomMaker, order: number): void {
  const compiled = engine.model.orders[order];
  const filled = engine.filledSlots;
  for (let i = 0; i < compiled.sites.length && filled[order] < compiled.wanted; i++) {
    if (compiled.minReserve[i] > compiled.bid || engine.work >= rooms.workLimit) break;
    const site = compiled.sites[i];
    for (let n = 0; n < compiled.slots.length && filled[order] < compiled.wanted; n++) {
      const slot = compiled.slots[n];
      if (engine.allocationAt[order * engine.slotCount + slot] !== NONE) continue;
      const mark = engine.begin();
      const before = engine.welfare;
      const potential = compiled.gpus * (compiled.bid - compiled.minReserve[i]);
      if (rooms.insert(order, site, slot, potential) && engine.welfare > before) {
        engine.commit(mark);
      } else {
        engine.rollback(mark);
      }
    }
  }
}

/**
 * Moves the order's allocations to a site where its reserve is lower in the same slot,
 * making room there as `insert` does; kept only if total welfare rises.
 */
function upgradeOrder(engine: MatchingEngine, rooms: RoomMaker, order: number): void {
  const compiled = engine.model.orders[order];
  for (let n = 0; n < compiled.slots.length && engine.work < rooms.workLimit; n++) {
    const slot = compiled.slots[n];
    const id = engine.allocationAt[order * engine.slotCount + slot];
    if (id === NONE) continue;
    const current = engine.allocations[id];
    for (let i = 0; i < compiled.sites.length && compiled.minReserve[i] < current.reserve; i++) {
      const site = compiled.sites[i];
      if (site === current.site || engine.work >= rooms.workLimit) continue;
      const mark = engine.begin();
      const before = engine.welfare;
      engine.remove(id);
      const gain = compiled.gpus * (current.reserve - compiled.minReserve[i]);
      if (rooms.insert(order, site, slot, gain) && engine.welfare > before) {
        engine.commit(mark);
        break;
      }
      engine.rollback(mark);
    }
  }
}

/** Tries to place every wanted slot of an all-or-none order; keeps it only with a gain. */
function insertBundle(engine: MatchingEngine, rooms: RoomMaker, order: number): void {
  const compiled = engine.model.orders[order];
  const need = compiled.wanted - engine.filledSlots[order];
  const mark = engine.begin();
  const before = engine.welfare;
  // Estimate each slot's net gain on its own, then place the best ones for real.
  const options: { slot: number; site: number; net: number }[] = [];
  for (let n = 0; n < compiled.slots.length; n++) {
    if (engine.work >= rooms.workLimit) return engine.rollback(mark);
    const slot = compiled.slots[n];
    if (engine.allocationAt[order * engine.slotCount + slot] !== NONE) continue;
    let best: { slot: number; site: number; net: number } | undefined;
    for (let i = 0; i < compiled.sites.length && compiled.minReserve[i] <= compiled.bid; i++) {
      const trial = engine.begin();
      const at = engine.welfare;
      if (rooms.insert(order, compiled.sites[i], slot, Infinity)) {
        const net = engine.welfare - at;
        if (!best || net > best.net) best = { slot, site: compiled.sites[i], net };
      }
      engine.rollback(trial);
    }
    if (best) options.push(best);
  }
  if (options.length < need) return engine.rollback(mark);
  options.sort((a, b) => b.net - a.net || a.slot - b.slot);
  let placed = 0;
  for (const option of options) {
    if (placed === need) break;
    if (rooms.insert(order, option.site, option.slot, Infinity)) placed++;
  }
  if (placed === need && engine.welfare > before) engine.commit(mark);
  else engine.rollback(mark);
}
