/**
 * The steps of ruin and recreate: each takes part of the solution out and puts it back, and is
 * kept unless total welfare falls (walking across plateaus).
 * - a few orders running around an occupied cell, reinserted at their best joint placement
 *   in a window of slots (exact over them, `exact-repair.ts`);
 * - a few related orders (one occupying a random cell, then orders sharing cells with those
 *   removed), refilled greedily in a perturbed order of surplus, each slot's site chosen with
 *   a perturbed reserve;
 * - a block of cells (a site over the whole horizon, a slot over every site, the whole
 *   instance while it is small), refilled the same way;
 * - a kick: many related orders rebuilt, kept whatever their welfare (a restart).
 */
import { prng } from '@policloud/domain';
import { NONE } from '../engine-state/engine-allocation';
import { MatchingEngine } from '../engine-state/matching-engine';
import { ReinsertionSize, reinsertExactly } from './exact-repair';

/** Most orders one exact reinsertion takes out (at least 2). */
const EXACT_RUIN_MAX = 10;
/** Slots on each side of the seed cell's that an exact reinsertion may use (at most). */
const EXACT_HALF_WIDTH = 2;
/** How far an order's refill key may be perturbed, as a share of it. */
const KEY_NOISE = 0.5;
/** Share of the orders a kick rebuilds (at least ORDER_RUIN_MAX). */
const KICK_ORDER_SHARE = 0.15;
/** Work charged per rebuild on top of its site evaluations (allocation records, sorting). */
const REBUILD_WORK = 50;
/** Most orders one related-order ruin removes (at least 2). */
const ORDER_RUIN_MAX = 12;
/** How far a slot's site choice may be perturbed, as a share of the order's best surplus. */
const SITE_NOISE = 0.5;

/** A block of cells: every slot in `slots` at every site in `sites`. */
export interface Neighbourhood {
  sites: number[];
  slots: number[];
}

export class RuinAndRecreate {
  /** Orders that may run at each site (eligible, reserve within their bid). */
  private readonly siteOrders: number[][];
  private readonly random: () => number;
  /** Scratch of `fill`: per free slot of the order, its chosen site and perturbed reserve. */
  private readonly optionSite: Int32Array;
  private readonly optionSlot: Int32Array;
  private readonly optionTie: Float64Array;
  private readonly ranked: number[] = [];
  /** How far a step may lower welfare and still be kept: 0, except in a kick. */
  private allowance = 0;

  constructor(
    private readonly engine: MatchingEngine,
    private readonly limit: number,
  ) {
    const model = engine.model;
    this.siteOrders = model.sites.map(() => []);
    model.orders.forEach((compiled, order) => {
      if (compiled.staticReason !== undefined || compiled.wanted === 0) return;
      compiled.sites.forEach((site, i) => {
        if (compiled.minReserve[i] <= compiled.bid) this.siteOrders[site].push(order);
      });
    });
    this.random = prng(0x5eed);
    this.optionSite = new Int32Array(engine.slotCount);
    this.optionSlot = new Int32Array(engine.slotCount);
    this.optionTie = new Float64Array(engine.slotCount);
  }

  /** Empties the block and refills it once; keeps the refill unless welfare fell. */
  rebuild(block: Neighbourhood): void {
    const engine = this.engine;
    engine.work += REBUILD_WORK; // what emptying and refilling costs besides site evaluations
    const mark = engine.begin();
    const records = engine.allocations.length;
    const before = engine.welfare;
    const incumbents = this.ruin(block);
    this.refill(block, incumbents, mark, records, before);
  }

  /**
   * Removes a few related orders whole (an occupied cell's order, then orders sharing cells
   * with those removed) and refills what they freed.
   */
  rebuildOrders(count?: number): void {
    const engine = this.engine;
    const before = engine.welfare;
    const seed = this.randomOccupiedCell();
    if (seed === NONE) return;
    engine.work += REBUILD_WORK;
    const mark = engine.begin();
    const records = engine.allocations.length;
    const size = count ?? 2 + Math.floor(this.random() * (ORDER_RUIN_MAX - 1));
    const { removed, block } = this.ruinRelated(seed, size);
    this.refill(block, removed, mark, records, before);
  }

  /** Rebuilds many related orders and keeps the result whatever its welfare: a restart. */
  kick(): void {
    this.allowance = Infinity;
    const count = Math.ceil(KICK_ORDER_SHARE * this.engine.model.orders.length);
    this.rebuildOrders(Math.max(ORDER_RUIN_MAX, count));
    this.allowance = 0;
  }

  /**
   * Takes a few orders out of a window of slots around an occupied cell (orders running at its
   * site there) and puts them back at their best joint placement in the window, exact over
   * them with the rest fixed; keeps it unless welfare fell.
   */
  rebuildExactly(): void {
    const engine = this.engine;
    const slotCount = engine.slotCount;
    const before = engine.welfare;
    const seed = this.randomOccupiedCell();
    if (seed === NONE) return;
    engine.work += REBUILD_WORK;
    const site = Math.floor(seed / slotCount);
    const halfWidth = 1 + Math.floor(this.random() * EXACT_HALF_WIDTH);
    const slots: number[] = [];
    const last = Math.min(slotCount - 1, (seed % slotCount) + halfWidth);
    for (let slot = Math.max(0, (seed % slotCount) - halfWidth); slot <= last; slot++)
      slots.push(slot);
    const mark = engine.begin();
    const records = engine.allocations.length;
    const count = 2 + Math.floor(this.random() * (EXACT_RUIN_MAX - 1));
    const chosen = this.takeOutOfWindow(site, slots, count);
    const planned = reinsertExactly(engine, chosen, slots);
    this.keepUnlessWorse(mark, records, before, planned);
  }

  /** Commits the step since `mark` if it is sound and welfare is back to `before` at least. */
  private keepUnlessWorse(mark: number, records: number, before: number, sound = true): void {
    const engine = this.engine;
    // Equal welfare is kept too: walking across plateaus is what lets later steps gain.
    if (sound && engine.welfare >= before - this.allowance) {
      engine.commit(mark);
    } else {
      engine.rollback(mark);
      engine.forgetAllocationsSince(records);
    }
  }

  /**
   * Takes up to `count` orders running at `site` in `slots` out of those slots (at every
   * site), picked at random, while the reinsertion stays within its limits.
   */
  private takeOutOfWindow(site: number, slots: readonly number[], count: number): number[] {
    const engine = this.engine;
    const slotCount = engine.slotCount;
    const pool: number[] = [];
    for (const slot of slots) {
      for (const id of engine.cellAllocations[site * slotCount + slot]) {
        const order = engine.allocations[id].order;
        if (!pool.includes(order)) pool.push(order);
      }
    }
    const size = new ReinsertionSize(engine, slots);
    const chosen: number[] = [];
    while (pool.length > 0 && chosen.length < count) {
      const order = pool.splice(Math.floor(this.random() * pool.length), 1)[0];
      const mark = engine.begin();
      for (const slot of slots) {
        const id = engine.allocationAt[order * slotCount + slot];
        if (id !== NONE) engine.remove(id);
      }
      if (size.admit(order)) chosen.push(order);
      else engine.rollback(mark);
    }
    return chosen;
  }

  /**
   * Removes up to `count` orders whole, starting from the order of cell `seed` and going on
   * to orders sharing cells with those removed.
   */
  private ruinRelated(seed: number, count: number): { removed: Set<number>; block: Neighbourhood } {
    const engine = this.engine;
    const slotCount = engine.slotCount;
    const removed = new Set<number>();
    const sites = new Set<number>();
    const slots = new Set<number>();
    const frontier = [seed];
    while (frontier.length > 0 && removed.size < count) {
      const cell = frontier.splice(Math.floor(this.random() * frontier.length), 1)[0];
      const occupants = engine.cellAllocations[cell];
      if (occupants.length === 0) continue;
      const order =
        engine.allocations[occupants[Math.floor(this.random() * occupants.length)]].order;
      if (removed.has(order)) continue;
      removed.add(order);
      for (const slot of engine.model.orders[order].slots) {
        const id = engine.allocationAt[order * slotCount + slot];
        if (id === NONE) continue;
        const allocation = engine.allocations[id];
        sites.add(allocation.site);
        slots.add(allocation.slot);
        frontier.push(allocation.site * slotCount + allocation.slot);
        engine.remove(id);
      }
      if (engine.cellAllocations[cell].length > 0) frontier.push(cell);
    }
    const ascending = (a: number, b: number) => a - b;
    const block = { sites: [...sites].sort(ascending), slots: [...slots].sort(ascending) };
    return { removed, block };
  }

  /** A random (site, slot) holding at least one allocation, or NONE after a few misses. */
  private randomOccupiedCell(): number {
    const cells = this.engine.cellAllocations;
    for (let attempt = 0; attempt < 16; attempt++) {
      const cell = Math.floor(this.random() * cells.length);
      if (cells[cell].length > 0) return cell;
    }
    return NONE;
  }

  /**
   * Refills a ruined block in a perturbed greedy order; keeps the refill if welfare is back to
   * at least `before`, else rolls back to the mark.
   */
  private refill(
    block: Neighbourhood,
    incumbents: Set<number>,
    mark: number,
    records: number,
    before: number,
  ): void {
    const engine = this.engine;
    const candidates = this.candidates(block, incumbents);
    engine.work += incumbents.size + candidates.length;
    if (candidates.length === 0) return engine.rollback(mark);
    const model = engine.model;
    const keyed = candidates.map((order) => {
      const compiled = model.orders[order];
      const surplus = compiled.bid - compiled.minReserve[0];
      return { order, key: surplus * (1 + KEY_NOISE * (2 * this.random() - 1)) };
    });
    keyed.sort((a, b) => b.key - a.key || model.orders[a.order].rank - model.orders[b.order].rank);
    for (const { order } of keyed) {
      if (engine.work >= this.limit) break;
      this.fill(order);
    }
    this.keepUnlessWorse(mark, records, before);
  }

  /** Removes every allocation of the block (all-or-none orders lose their whole bundle). */
  private ruin(block: Neighbourhood): Set<number> {
    const engine = this.engine;
    const model = engine.model;
    const slotCount = engine.slotCount;
    const removed = new Set<number>();
    for (const site of block.sites) {
      for (const slot of block.slots) {
        for (const id of [...engine.cellAllocations[site * slotCount + slot]]) {
          if (!engine.allocations[id].alive) continue;
          const order = engine.allocations[id].order;
          removed.add(order);
          if (!model.orders[order].allOrNone) {
            engine.remove(id);
            continue;
          }
          for (const otherSlot of model.orders[order].slots) {
            const other = engine.allocationAt[order * slotCount + otherSlot];
            if (other !== NONE) engine.remove(other);
          }
        }
      }
    }
    return removed;
  }

  /** The orders that lost cells, and those short of their hours that could use the block. */
  private candidates(block: Neighbourhood, incumbents: Set<number>): number[] {
    const engine = this.engine;
    const model = engine.model;
    const slotCount = engine.slotCount;
    const inBlock = new Uint8Array(slotCount);
    for (const slot of block.slots) inBlock[slot] = 1;
    const chosen = new Set(incumbents);
    for (const site of block.sites) {
      const list = this.siteOrders[site];
      engine.work += list.length;
      for (const order of list) {
        const compiled = model.orders[order];
        if (chosen.has(order) || engine.filledSlots[order] >= compiled.wanted) continue;
        if (compiled.allOrNone && engine.filledSlots[order] > 0) continue;
        for (const slot of compiled.slots) {
          if (inBlock[slot] === 1 && engine.allocationAt[order * slotCount + slot] === NONE) {
            chosen.add(order);
            break;
          }
        }
      }
    }
    return [...chosen];
  }

  /**
   * Places `order` in its cheapest free slots, each at the site of lowest perturbed reserve;
   * all of them or none if all-or-none.
   */
  private fill(order: number): void {
    const engine = this.engine;
    const compiled = engine.model.orders[order];
    const slotCount = engine.slotCount;
    const need = compiled.wanted - engine.filledSlots[order];
    if (need <= 0 || (compiled.allOrNone && engine.filledSlots[order] > 0)) return;
    const spread = SITE_NOISE * (compiled.bid - compiled.minReserve[0]);
    const { optionSite, optionSlot, optionTie, ranked } = this;
    let count = 0;
    for (const slot of compiled.slots) {
      if (engine.allocationAt[order * slotCount + slot] !== NONE) continue;
      let bestSite = NONE;
      let bestTie = Infinity;
      for (let i = 0; i < compiled.sites.length && compiled.minReserve[i] <= compiled.bid; i++) {
        const reserve = engine.evaluate(order, compiled.sites[i], slot);
        if (reserve < 0) continue;
        const tie = reserve + spread * this.random();
        if (tie < bestTie) {
          bestTie = tie;
          bestSite = compiled.sites[i];
        }
      }
      if (bestSite === NONE) continue;
      optionSite[count] = bestSite;
      optionSlot[count] = slot;
      optionTie[count] = bestTie;
      count++;
    }
    if (count === 0 || (compiled.allOrNone && count < need)) return;
    ranked.length = count;
    for (let i = 0; i < count; i++) ranked[i] = i;
    ranked.sort((a, b) => optionTie[a] - optionTie[b]);
    const take = Math.min(need, count);
    for (let i = 0; i < take; i++)
      engine.place(order, optionSite[ranked[i]], optionSlot[ranked[i]]);
  }
}
