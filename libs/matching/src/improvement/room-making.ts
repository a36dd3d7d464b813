/**
 * Making room: placing an order in a (site, slot) cell it does not fit in by moving the
 * allocations in its way (blocking GPUs, energy — also at other sites sharing an offer — or
 * the cell's price bounds) to another site in their slot, another slot of their window, other
 * energy, or by displacing them, with chains of such moves `CHAIN_DEPTH` levels deep.
 * Changes are made on the engine's journal; callers keep or roll them back.
 */
import { NONE } from '../engine-state/engine-allocation';
import { MatchingEngine } from '../engine-state/matching-engine';

/** How far a chain of moves goes: 2 = the order, the allocations it moves, the ones they move. */
const CHAIN_DEPTH = 2;
/** Cells a moved allocation tries to push its way into, best first. */
const CHAIN_CELLS = 4;

export class RoomMaker {
  /** Work (engine evaluations) the current attempt may reach. */
  workLimit = Infinity;
  /** Cells being freed by the moves in progress: no chain may move anything into them. */
  private readonly contested: number[] = [];
  /** Orders whose insertion is in progress, outermost first. */
  private readonly inserting: number[] = [];
  /** Per (order, site): the offers feeding the site the order may use, as a mask. */
  private readonly usableOffers = new Map<number, Uint8Array>();
  private noOfferMask: Uint8Array | undefined;

  constructor(private readonly engine: MatchingEngine) {}

  /** A mask flagging no offer. */
  noOffers(): Uint8Array {
    this.noOfferMask ??= new Uint8Array(this.engine.model.offers.length);
    return this.noOfferMask;
  }

  /**
   * Places `order` at (site, slot), first moving allocations out of the way if needed. Gives
   * up (returning false, changes left for the caller to roll back) when the losses reach
   * `potential`, or when a blocking all-or-none allocation has nowhere to go.
   */
  insert(
    order: number,
    site: number,
    slot: number,
    potential: number,
    depth = CHAIN_DEPTH,
  ): boolean {
    const engine = this.engine;
    if (engine.evaluate(order, site, slot) >= 0) {
      engine.place(order, site, slot);
      return true;
    }
    if (depth === 0 || engine.work >= this.workLimit) return false;
    const orders = engine.model.orders;
    const allocations = engine.allocations;
    const start = engine.welfare;
    const avoid = this.offersUsableBy(order, site);
    // Allocations of orders being inserted up the chain never give way to their own moves.
    const victims = this.blockers(order, site, slot, avoid).filter(
      (id) => allocations[id].order !== order && !this.inserting.includes(allocations[id].order),
    );
    if (victims.length === 0) return false;
    this.contested.push(site * engine.slotCount + slot);
    this.inserting.push(order);
    try {
      const scored = victims.map((id) => ({
        id,
        cost: this.relocation(id, site, slot, avoid, false, depth - 1),
      }));
      scored.sort(
        (a, b) =>
          a.cost - b.cost ||
          orders[allocations[b.id].order].gpus - orders[allocations[a.id].order].gpus ||
          a.id - b.id,
      );
      for (const { id, cost } of scored) {
        if (cost === Infinity || start - engine.welfare + cost >= potential) return false;
        if (!allocations[id].alive) continue;
        if (this.relocation(id, site, slot, avoid, true, depth - 1) === Infinity) return false;
        if (engine.evaluate(order, site, slot) >= 0) {
          engine.place(order, site, slot);
          return true;
        }
      }
      return false;
    } finally {
      this.contested.pop();
      this.inserting.pop();
    }
  }

  /** Offers feeding `site` that `order` may use, as a mask over offers (cached: never changes). */
  private offersUsableBy(order: number, site: number): Uint8Array {
    const model = this.engine.model;
    const key = order * model.sites.length + site;
    const cached = this.usableOffers.get(key);
    if (cached) return cached;
    const compiled = model.orders[order];
    const mask = new Uint8Array(model.offers.length);
    this.usableOffers.set(key, mask);
    for (const offer of model.siteOffers[site]) {
      if (compiled.renewableOnly && model.offerRenewable[offer] === 0) continue;
      if (model.offerCarbon[offer] > compiled.maxCarbon) continue;
      mask[offer] = 1;
    }
    return mask;
  }

  /**
   * Allocations standing in the way of `order` at (site, slot): those of the cell (GPUs, price
   * bounds, energy) and, when energy is short, those elsewhere drawing the same offers.
   */
  private blockers(order: number, site: number, slot: number, usable: Uint8Array): number[] {
    const engine = this.engine;
    const model = engine.model;
    const slotCount = engine.slotCount;
    const victims = engine.cellAllocations[site * slotCount + slot].slice();
    let available = 0;
    for (const offer of model.siteOffers[site])
      if (usable[offer] === 1) available += engine.whLeft[offer * slotCount + slot];
    if (available >= model.orders[order].gpus * model.whPerGpuHour[site]) return victims;
    // Energy is short: allocations at other sites drawing the same offers are in the way too.
    for (const offer of model.siteOffers[site]) {
      if (usable[offer] === 0) continue;
      for (const otherSite of engine.offerSites[offer]) {
        if (otherSite === site) continue;
        for (const id of engine.cellAllocations[otherSite * slotCount + slot]) {
          const draws = engine.allocations[id].draws;
          for (let i = 0; i < draws.length; i += 2) {
            if (draws[i] === offer) {
              victims.push(id);
              break;
            }
          }
        }
      }
    }
    return [...new Set(victims)];
  }

  /**
   * Moves allocation `id` out of the way of cell (site, slot): to another site in its slot, to
   * the same site with other energy, or to another slot of its order's window, whichever keeps
   * most welfare; a divisible order may also just lose the slot. Returns the welfare lost, or
   * Infinity when it cannot move. With `apply` false nothing changes.
   */
  relocation(
    id: number,
    site: number,
    slot: number,
    avoid: Uint8Array,
    apply: boolean,
    depth = 0,
  ): number {
    const engine = this.engine;
    const slotCount = engine.slotCount;
    const moved = engine.allocations[id];
    const victim = moved.order;
    const compiled = engine.model.orders[victim];
    const old = compiled.gpus * (compiled.bid - moved.reserve);
    const mark = engine.begin();
    engine.remove(id);
    const afterRemoval = engine.welfare;
    let bestCost = compiled.allOrNone ? Infinity : old;
    let bestSite = NONE;
    let bestSlot = NONE;
    let bestAvoid = false;
    let bestChain = false;
    const contested = this.contested;
    // An allocation blocking only by the energy it draws elsewhere in the slot must draw less of
    // that energy wherever it goes in the slot: moving it to a site fed by the same offers frees
    // nothing, and would hide the real alternative (giving the slot up).
    let drawnBefore = Infinity;
    if (moved.slot === slot && moved.site !== site) {
      drawnBefore = 0;
      for (let i = 0; i < moved.draws.length; i += 2) {
        if (avoid[moved.draws[i]] === 1) drawnBefore += moved.draws[i + 1];
      }
    }
    const consider = (toSite: number, toSlot: number, withAvoid: boolean) => {
      if (contested.includes(toSite * slotCount + toSlot)) return;
      const reserve = engine.evaluate(victim, toSite, toSlot, withAvoid ? avoid : undefined);
      if (reserve < 0) return;
      if (toSlot === slot && engine.plannedFrom(avoid) >= drawnBefore) return;
      const cost = old - compiled.gpus * (compiled.bid - reserve);
      if (cost < bestCost) {
        bestCost = cost;
        bestSite = toSite;
        bestSlot = toSlot;
        bestAvoid = withAvoid;
        bestChain = false;
      }
    };
    // Same slot: its own site with other energy (when it is not the contested cell), other sites.
    if (moved.site !== site) consider(moved.site, moved.slot, true);
    for (let i = 0; i < compiled.sites.length; i++) {
      const toSite = compiled.sites[i];
      if (
        compiled.minReserve[i] > compiled.bid ||
        old - compiled.gpus * (compiled.bid - compiled.minReserve[i]) >= bestCost
      )
        break;
      if (toSite === site || toSite === moved.site) continue;
      consider(toSite, moved.slot, moved.slot === slot);
    }
    // Other slots of its window.
    for (let n = 0; n < compiled.slots.length; n++) {
      const toSlot = compiled.slots[n];
      if (toSlot === moved.slot || engine.allocationAt[victim * slotCount + toSlot] !== NONE)
        continue;
      for (let i = 0; i < compiled.sites.length; i++) {
        if (
          compiled.minReserve[i] > compiled.bid ||
          old - compiled.gpus * (compiled.bid - compiled.minReserve[i]) >= bestCost
        )
          break;
        consider(compiled.sites[i], toSlot, false);
      }
    }
    // Chains: the victim itself pushes others out of a cell, one level further down.
    if (depth > 0 && bestCost > 0 && engine.work < this.workLimit) {
      const cells: { toSite: number; toSlot: number; bound: number }[] = [];
      for (let n = 0; n < compiled.slots.length; n++) {
        const toSlot = compiled.slots[n];
        if (toSlot !== moved.slot && engine.allocationAt[victim * slotCount + toSlot] !== NONE)
          continue;
        for (let i = 0; i < compiled.sites.length && cells.length < 64; i++) {
          const toSite = compiled.sites[i];
          const bound = old - compiled.gpus * (compiled.bid - compiled.minReserve[i]);
          if (compiled.minReserve[i] > compiled.bid || bound >= bestCost) break;
          if (
            (toSite === site && toSlot === slot) ||
            (toSite === moved.site && toSlot === moved.slot) ||
            contested.includes(toSite * slotCount + toSlot)
          )
            continue;
          cells.push({ toSite, toSlot, bound });
        }
      }
      cells.sort((x, y) => x.bound - y.bound || x.toSlot - y.toSlot || x.toSite - y.toSite);
      for (let c = 0; c < cells.length && c < CHAIN_CELLS; c++) {
        const { toSite, toSlot, bound } = cells[c];
        if (bound >= bestCost) break;
        const trial = engine.begin();
        const potential = bestCost === Infinity ? Infinity : old - bound;
        if (this.insert(victim, toSite, toSlot, potential, depth)) {
          const cost = old - (engine.welfare - afterRemoval);
          if (cost < bestCost) {
            bestCost = cost;
            bestSite = toSite;
            bestSlot = toSlot;
            bestAvoid = false;
            bestChain = true;
          }
        }
        engine.rollback(trial);
      }
    }
    if (bestSite === NONE && compiled.allOrNone) {
      // Nowhere to go: the whole bundle may still give way, every slot of it.
      bestCost = old;
      for (let n = 0; n < compiled.slots.length; n++) {
        const other = engine.allocationAt[victim * slotCount + compiled.slots[n]];
        if (other !== NONE) bestCost += engine.welfareOf(other);
      }
      if (apply) {
        for (let n = 0; n < compiled.slots.length; n++) {
          const other = engine.allocationAt[victim * slotCount + compiled.slots[n]];
          if (other !== NONE) engine.remove(other);
        }
      }
    }
    if (!apply) {
      engine.rollback(mark);
      return bestCost;
    }
    if (bestChain) {
      if (!this.insert(victim, bestSite, bestSlot, Infinity, depth)) return Infinity;
    } else if (bestSite !== NONE) {
      engine.place(victim, bestSite, bestSlot, bestAvoid ? avoid : undefined);
    }
    return bestCost;
  }
}
