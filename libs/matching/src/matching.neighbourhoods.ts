/**
 * Ruin and recreate after the local improvement. Each step empties part of the solution and
 * refills it greedily, the orders involved taken in a perturbed order of surplus, each slot's
 * site chosen with a perturbed reserve, and keeps the refill unless total welfare falls. What
 * is emptied is either a few related orders (one occupying a random cell, then orders sharing
 * cells with those removed) or a block of cells (a site over the whole horizon, a slot over
 * every site, the whole instance while it is small). Local moves cannot untangle a tightly
 * packed site (a long all-or-none order against several short ones) or a repacking that spans
 * sites; thousands of refills, walking across equal-welfare plateaus, can.
 * The randomness is a fixed-seed generator and the work is counted in site evaluations, so a
 * run is still deterministic.
 */
import { MatchingEngine } from './matching.engine';
import { prng } from '@policloud/domain';

const NONE = -1;
/** How far an order's refill key may be perturbed, as a share of it. */
const KEY_NOISE = 0.5;
/** Rebuilds in a row without a gain after which the search stops. */
const STALE_REBUILDS = 3_000;
/** Work charged per rebuild on top of its site evaluations (allocation records, sorting). */
const REBUILD_WORK = 50;
/** Share of rebuilds that ruin a few related orders rather than a block of cells. */
const ORDER_RUIN_SHARE = 0.8;
/** Most orders one related-order ruin removes (at least 2). */
const ORDER_RUIN_MAX = 12;
/** How far a slot's site choice may be perturbed, as a share of the order's best surplus. */
const SITE_NOISE = 0.5;
/** The whole instance is one more block while it holds at most this many allocations. */
const WHOLE_INSTANCE_ALLOCATIONS = 2_000;

/** A block of cells: every slot in `slots` at every site in `sites`. */
interface Neighbourhood {
  sites: number[];
  slots: number[];
}

/** Rebuilds until the work budget is spent or gains stop coming; returns the work spent. */
export function searchNeighbourhoods(engine: MatchingEngine, budget: number): number {
  const startWork = engine.work;
  const limit = startWork + budget;
  const search = new NeighbourhoodSearch(engine, limit);
  const blocks = neighbourhoodsOf(engine);
  if (blocks.length === 0) return 0;
  const ceiling = welfareCeiling(engine);
  // With no strict gain the solution found before stays, and with it the tie-breaking by
  // placement time then id (plateau walks would lose it).
  const start = engine.welfare;
  const startAllocations = engine.liveAllocationIds();
  let best = engine.welfare;
  let sinceGain = 0;
  const choose = prng(0x0dde);
  while (engine.work < limit && sinceGain < STALE_REBUILDS && best < ceiling) {
    if (choose() < ORDER_RUIN_SHARE) search.rebuildOrders();
    else search.rebuild(blocks[Math.floor(choose() * blocks.length)]);
    if (engine.welfare > best) {
      best = engine.welfare;
      sinceGain = 0;
    } else {
      sinceGain++;
    }
  }
  if (engine.welfare <= start) engine.restoreAllocations(startAllocations);
  return engine.work - startWork;
}

/** Welfare if every order got all it wants at its cheapest site: nothing can beat it. */
function welfareCeiling(engine: MatchingEngine): number {
  let ceiling = 0;
  for (const order of engine.m.orders) {
    if (order.staticReason !== undefined || order.wanted === 0) continue;
    const surplus = order.bid - order.minReserve[0];
    if (surplus > 0) ceiling += order.gpus * order.wanted * surplus;
  }
  return ceiling;
}

class NeighbourhoodSearch {
  /** Orders that may run at each site (eligible, reserve within their bid). */
  private readonly siteOrders: number[][];
  private readonly random: () => number;
  /** Scratch of `fill`: per free slot of the order, its chosen site and perturbed reserve. */
  private readonly optionSite: Int32Array;
  private readonly optionSlot: Int32Array;
  private readonly optionTie: Float64Array;
  private readonly ranked: number[] = [];

  constructor(
    private readonly engine: MatchingEngine,
    private readonly limit: number,
  ) {
    const m = engine.m;
    this.siteOrders = m.sites.map(() => []);
    m.orders.forEach((order, o) => {
      if (order.staticReason !== undefined || order.wanted === 0) return;
      order.sites.forEach((s, i) => {
        if (order.minReserve[i] <= order.bid) this.siteOrders[s].push(o);
      });
    });
    this.random = prng(0x5eed);
    this.optionSite = new Int32Array(engine.T);
    this.optionSlot = new Int32Array(engine.T);
    this.optionTie = new Float64Array(engine.T);
  }

  /** Empties the block and refills it once; keeps the refill unless welfare fell. */
  rebuild(block: Neighbourhood): void {
    const engine = this.engine;
    engine.work += REBUILD_WORK; // what emptying and refilling costs besides site evaluations
    const mark = engine.begin();
    const records = engine.allocs.length;
    const before = engine.welfare;
    const incumbents = this.ruin(block);
    this.refill(block, incumbents, mark, records, before);
  }

  /**
   * Removes a few related orders whole (an occupied cell's order, then orders sharing cells
   * with those removed) and refills what they freed.
   */
  rebuildOrders(): void {
    const engine = this.engine;
    const before = engine.welfare;
    const seed = this.randomOccupiedCell();
    if (seed === NONE) return;
    engine.work += REBUILD_WORK;
    const mark = engine.begin();
    const records = engine.allocs.length;
    const T = engine.T;
    const count = 2 + Math.floor(this.random() * (ORDER_RUIN_MAX - 1));
    const removed = new Set<number>();
    const sites = new Set<number>();
    const slots = new Set<number>();
    const frontier = [seed];
    while (frontier.length > 0 && removed.size < count) {
      const cell = frontier.splice(Math.floor(this.random() * frontier.length), 1)[0];
      const occupants = engine.cellAllocs[cell];
      if (occupants.length === 0) continue;
      const o = engine.allocs[occupants[Math.floor(this.random() * occupants.length)]].o;
      if (removed.has(o)) continue;
      removed.add(o);
      for (const t of engine.m.orders[o].slots) {
        const id = engine.orderSlot[o * T + t];
        if (id === NONE) continue;
        const a = engine.allocs[id];
        sites.add(a.s);
        slots.add(a.t);
        frontier.push(a.s * T + a.t);
        engine.remove(id);
      }
      if (engine.cellAllocs[cell].length > 0) frontier.push(cell);
    }
    const ascending = (a: number, b: number) => a - b;
    const block = { sites: [...sites].sort(ascending), slots: [...slots].sort(ascending) };
    this.refill(block, removed, mark, records, before);
  }

  /** A random (site, slot) holding at least one allocation, or NONE after a few misses. */
  private randomOccupiedCell(): number {
    const cells = this.engine.cellAllocs;
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
    const m = engine.m;
    const keyed = candidates.map((o) => {
      const order = m.orders[o];
      const surplus = order.bid - order.minReserve[0];
      return { o, key: surplus * (1 + KEY_NOISE * (2 * this.random() - 1)) };
    });
    keyed.sort((a, b) => b.key - a.key || m.orders[a.o].rank - m.orders[b.o].rank);
    for (const { o } of keyed) {
      if (engine.work >= this.limit) break;
      this.fill(o);
    }
    // Equal welfare is kept too: walking across plateaus is what lets later rebuilds gain.
    if (engine.welfare >= before) {
      engine.commit(mark);
    } else {
      engine.rollback(mark);
      engine.forgetAllocationsSince(records);
    }
  }

  /** Removes every allocation of the block (all-or-none orders lose their whole bundle). */
  private ruin(block: Neighbourhood): Set<number> {
    const engine = this.engine;
    const m = engine.m;
    const T = engine.T;
    const removed = new Set<number>();
    for (const s of block.sites) {
      for (const t of block.slots) {
        for (const id of [...engine.cellAllocs[s * T + t]]) {
          if (!engine.allocs[id].alive) continue;
          const o = engine.allocs[id].o;
          removed.add(o);
          if (!m.orders[o].allOrNone) {
            engine.remove(id);
            continue;
          }
          for (const u of m.orders[o].slots) {
            const other = engine.orderSlot[o * T + u];
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
    const m = engine.m;
    const T = engine.T;
    const inBlock = new Uint8Array(T);
    for (const t of block.slots) inBlock[t] = 1;
    const chosen = new Set(incumbents);
    for (const s of block.sites) {
      const list = this.siteOrders[s];
      engine.work += list.length;
      for (const o of list) {
        const order = m.orders[o];
        if (chosen.has(o) || engine.filled[o] >= order.wanted) continue;
        if (order.allOrNone && engine.filled[o] > 0) continue;
        for (const t of order.slots) {
          if (inBlock[t] === 1 && engine.orderSlot[o * T + t] === NONE) {
            chosen.add(o);
            break;
          }
        }
      }
    }
    return [...chosen];
  }

  /**
   * Places order `o` in its cheapest free slots, each at the site of lowest perturbed reserve;
   * all of them or none if all-or-none.
   */
  private fill(o: number): void {
    const engine = this.engine;
    const order = engine.m.orders[o];
    const T = engine.T;
    const need = order.wanted - engine.filled[o];
    if (need <= 0 || (order.allOrNone && engine.filled[o] > 0)) return;
    const spread = SITE_NOISE * (order.bid - order.minReserve[0]);
    const { optionSite, optionSlot, optionTie, ranked } = this;
    let count = 0;
    for (const t of order.slots) {
      if (engine.orderSlot[o * T + t] !== NONE) continue;
      let bestSite = NONE;
      let bestTie = Infinity;
      for (let i = 0; i < order.sites.length && order.minReserve[i] <= order.bid; i++) {
        const reserve = engine.evaluate(o, order.sites[i], t);
        if (reserve < 0) continue;
        const tie = reserve + spread * this.random();
        if (tie < bestTie) {
          bestTie = tie;
          bestSite = order.sites[i];
        }
      }
      if (bestSite === NONE) continue;
      optionSite[count] = bestSite;
      optionSlot[count] = t;
      optionTie[count] = bestTie;
      count++;
    }
    if (count === 0 || (order.allOrNone && count < need)) return;
    ranked.length = count;
    for (let i = 0; i < count; i++) ranked[i] = i;
    ranked.sort((a, b) => optionTie[a] - optionTie[b]);
    const take = Math.min(need, count);
    for (let i = 0; i < take; i++) engine.place(o, optionSite[ranked[i]], optionSlot[ranked[i]]);
  }
}

/** Blocks to rebuild: each site over the horizon, then each slot over every site. */
function neighbourhoodsOf(engine: MatchingEngine): Neighbourhood[] {
  const allSlots = Array.from({ length: engine.T }, (_, t) => t);
  const allSites = engine.m.sites.map((_, s) => s);
  const blocks: Neighbourhood[] = allSites.map((s) => ({ sites: [s], slots: allSlots }));
  for (const t of allSlots) blocks.push({ sites: allSites, slots: [t] });
  let live = 0;
  for (const list of engine.cellAllocs) live += list.length;
  if (live <= WHOLE_INSTANCE_ALLOCATIONS) {
    blocks.push({ sites: allSites, slots: allSlots });
  }
  return blocks;
}
