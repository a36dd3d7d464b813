/**
 * Re-packing one (site, slot) cell as a 0/1 knapsack over GPUs: its occupants (worth what
 * evicting them would cost) and the divisible orders that could use it (worth their surplus
 * there, less what they give up: a slot elsewhere, or their worst slot when already complete).
 * When the best packing beats the current one, it is applied and kept if total welfare rises.
 */
import { NONE } from '../engine-state/engine-allocation';
import { MatchingEngine } from '../engine-state/matching-engine';
import { RoomMaker } from './room-making';

/** Orders that may use each site, and the (order, slot) pairs in each order's window. */
export interface RepackCandidates {
  /** Per site: orders that could afford it, ascending. */
  siteOrders: number[][];
  /** 1 at `order × slotCount + slot` when the slot is in the order's window. */
  usable: Uint8Array;
}

export function repackCell(
  engine: MatchingEngine,
  rooms: RoomMaker,
  candidates: RepackCandidates,
  site: number,
  slot: number,
): void {
  const model = engine.model;
  const slotCount = engine.slotCount;
  const allocations = engine.allocations;
  const cell = site * slotCount + slot;
  const siteOrders = candidates.siteOrders[site];
  if (siteOrders.length === 0) return;
  const occupants = [...engine.cellAllocations[cell]].sort((a, b) => a - b);
  let gpus = engine.freeGpus[cell];
  let wh = 0;
  for (const offer of model.siteOffers[site]) wh += engine.whLeft[offer * slotCount + slot];
  for (const id of occupants) {
    gpus += model.orders[allocations[id].order].gpus;
    const draws = allocations[id].draws;
    for (let i = 1; i < draws.length; i += 2) wh += draws[i];
  }
  const capacity = Math.min(gpus, Math.floor(wh / model.whPerGpuHour[site]));
  if (capacity <= 0) return;

  // The knapsack's items: occupants first, then newcomers.
  const itemOrder: number[] = [];
  const itemGpus: number[] = [];
  const itemValue: number[] = [];
  /** An occupant's allocation; for a newcomer, the allocation it gives up (NONE if none). */
  const itemGiveUp: number[] = [];
  let current = 0;
  let newcomers = 0;
  for (const id of occupants) {
    const order = allocations[id].order;
    const cost = rooms.relocation(id, site, slot, rooms.noOffers(), false);
    itemOrder.push(order);
    itemGpus.push(model.orders[order].gpus);
    itemValue.push(cost);
    itemGiveUp.push(id);
    current += cost;
  }
  const occupantCount = occupants.length;
  for (const order of siteOrders) {
    const compiled = model.orders[order];
    if (
      compiled.allOrNone ||
      candidates.usable[order * slotCount + slot] === 0 ||
      compiled.gpus > capacity
    )
      continue;
    const here = engine.allocationAt[order * slotCount + slot];
    if (here !== NONE && allocations[here].site === site) continue;
    const siteRank = compiled.sites.indexOf(site);
    const base = compiled.gpus * (compiled.bid - compiled.minReserve[siteRank]);
    let giveUp = here;
    if (giveUp === NONE && engine.filledSlots[order] >= compiled.wanted) {
      let worst = Infinity;
      for (const otherSlot of compiled.slots) {
        const id = engine.allocationAt[order * slotCount + otherSlot];
        if (id !== NONE && engine.welfareOf(id) < worst) {
          worst = engine.welfareOf(id);
          giveUp = id;
        }
      }
    }
    const value = base - (giveUp === NONE ? 0 : engine.welfareOf(giveUp));
    if (value <= 0) continue;
    itemOrder.push(order);
    itemGpus.push(compiled.gpus);
    itemValue.push(value);
    itemGiveUp.push(giveUp);
    newcomers++;
  }
  if (newcomers === 0) return;
  engine.work += itemOrder.length * capacity;

  const chosen = knapsack(itemGpus, itemValue, capacity, current);
  if (!chosen) return;

  const mark = engine.begin();
  const before = engine.welfare;
  for (let item = 0; item < occupantCount; item++) {
    if (chosen[item] === 0 && allocations[itemGiveUp[item]].alive) {
      rooms.relocation(itemGiveUp[item], site, slot, rooms.noOffers(), true);
    }
  }
  const entering: number[] = [];
  for (let item = occupantCount; item < itemOrder.length; item++)
    if (chosen[item] === 1) entering.push(item);
  entering.sort((a, b) => itemValue[b] - itemValue[a] || itemOrder[a] - itemOrder[b]);
  for (const item of entering) {
    const order = itemOrder[item];
    const giveUp = itemGiveUp[item];
    const held = engine.allocationAt[order * slotCount + slot];
    if (held !== NONE && held !== giveUp) continue;
    if (giveUp !== NONE) {
      if (!allocations[giveUp].alive) continue;
      engine.remove(giveUp);
    }
    if (engine.evaluate(order, site, slot) >= 0) engine.place(order, site, slot);
  }
  if (engine.welfare > before) engine.commit(mark);
  else engine.rollback(mark);
}

/**
 * 0/1 knapsack over GPUs; ties keep the earlier items (occupants come first). Returns the
 * chosen items (1 = taken), or undefined when the best packing is worth no more than `current`.
 */
function knapsack(
  itemGpus: readonly number[],
  itemValue: readonly number[],
  capacity: number,
  current: number,
): Uint8Array | undefined {
  const items = itemGpus.length;
  const width = capacity + 1;
  const best = new Float64Array(width);
  const take = new Uint8Array(items * width);
  for (let item = 0; item < items; item++) {
    const gpus = itemGpus[item];
    const value = itemValue[item];
    for (let room = capacity; room >= gpus; room--) {
      const withItem = best[room - gpus] + value;
      if (withItem > best[room]) {
        best[room] = withItem;
        take[item * width + room] = 1;
      }
    }
  }
  if (best[capacity] <= current) return undefined;
  const chosen = new Uint8Array(items);
  for (let item = items - 1, room = capacity; item >= 0; item--) {
    if (take[item * width + room] === 1) {
      chosen[item] = 1;
      room -= itemGpus[item];
    }
  }
  return chosen;
}
