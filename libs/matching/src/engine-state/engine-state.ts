/**
 * What the engine knows about the solution in progress, and the undo journal that lets every
 * search step try a change and take it back. Free GPUs per (site, slot) cell, Wh left per
 * (offer, slot), the price bounds of each cell, the allocations and, per (order, slot), the
 * allocation holding it. Only `revive` and `remove` change it, and both are journalled.
 */
import { CompiledModel } from '../model/compiled-model';
import { EngineAllocation, NONE } from './engine-allocation';

export class EngineState {
  readonly slotCount: number;
  /** Free GPUs per cell, index `site × slotCount + slot`. */
  readonly freeGpus: Int32Array;
  /** Wh not yet drawn, index `offer × slotCount + slot`. */
  readonly whLeft: Float64Array;
  /** Lowest bid and highest reserve among the allocations of each cell. */
  readonly minBid: Float64Array;
  readonly maxReserve: Float64Array;
  /** Allocation ids per cell, in the order they were placed. */
  readonly cellAllocations: number[][];
  /** Every allocation record, live or not; its id is its index. */
  readonly allocations: EngineAllocation[] = [];
  /** Allocation id holding (order, slot), index `order × slotCount + slot`, or NONE. */
  readonly allocationAt: Int32Array;
  /** Slots each order holds. */
  readonly filledSlots: Int32Array;
  /** Sites each offer feeds. */
  readonly offerSites: number[][];

  /** Σ gpus × (bid − reserve) over live allocations. */
  welfare = 0;
  /** Site evaluations done so far: the unit of every work budget. */
  work = 0;
  /** Changes since `begin()`: an allocation id for a placement, its complement for a removal. */
  private journal: number[] | undefined;

  constructor(readonly model: CompiledModel) {
    this.slotCount = model.slotCount;
    this.freeGpus = model.free.slice();
    this.whLeft = model.whLeft.slice();
    const cells = model.sites.length * this.slotCount;
    this.minBid = new Float64Array(cells).fill(Infinity);
    this.maxReserve = new Float64Array(cells).fill(-Infinity);
    this.cellAllocations = Array.from({ length: cells }, () => []);
    this.allocationAt = new Int32Array(model.orders.length * this.slotCount).fill(NONE);
    this.filledSlots = new Int32Array(model.orders.length);
    this.offerSites = model.offers.map(() => []);
    model.siteOffers.forEach((feeding, site) =>
      feeding.forEach((offer) => this.offerSites[offer].push(site)),
    );
  }

  /** (Re)applies an allocation exactly as recorded: its GPUs, its draws, its price bounds. */
  protected revive(id: number): void {
    const allocation = this.allocations[id];
    const order = this.model.orders[allocation.order];
    const cell = allocation.site * this.slotCount + allocation.slot;
    const orderSlot = allocation.order * this.slotCount + allocation.slot;
    if (this.allocationAt[orderSlot] !== NONE)
      throw new Error(`order ${allocation.order} twice in slot ${allocation.slot}`);
    allocation.alive = true;
    this.freeGpus[cell] -= order.gpus;
    const draws = allocation.draws;
    for (let i = 0; i < draws.length; i += 2)
      this.whLeft[draws[i] * this.slotCount + allocation.slot] -= draws[i + 1];
    this.cellAllocations[cell].push(id);
    if (order.bid < this.minBid[cell]) this.minBid[cell] = order.bid;
    if (allocation.reserve > this.maxReserve[cell]) this.maxReserve[cell] = allocation.reserve;
    this.allocationAt[orderSlot] = id;
    this.filledSlots[allocation.order]++;
    this.welfare += order.gpus * (order.bid - allocation.reserve);
    this.journal?.push(id);
  }

  /** Records a new allocation and applies it; returns its id. */
  protected record(allocation: EngineAllocation): number {
    const id = this.allocations.length;
    this.allocations.push(allocation);
    this.revive(id);
    return id;
  }

  /** Undoes an allocation: GPUs and Wh go back, the cell's price bounds are recomputed. */
  remove(id: number): void {
    const allocation = this.allocations[id];
    if (!allocation.alive) throw new Error('remove() of a removed allocation');
    allocation.alive = false;
    const orders = this.model.orders;
    const order = orders[allocation.order];
    const cell = allocation.site * this.slotCount + allocation.slot;
    this.freeGpus[cell] += order.gpus;
    const draws = allocation.draws;
    for (let i = 0; i < draws.length; i += 2)
      this.whLeft[draws[i] * this.slotCount + allocation.slot] += draws[i + 1];
    const list = this.cellAllocations[cell];
    // Shifted in place, keeping the order, rather than spliced (which allocates).
    for (let i = list.indexOf(id); i < list.length - 1; i++) list[i] = list[i + 1];
    list.pop();
    // The cell's price bounds change only if this allocation set one of them.
    if (order.bid <= this.minBid[cell] || allocation.reserve >= this.maxReserve[cell]) {
      let minBid = Infinity;
      let maxReserve = -Infinity;
      for (const other of list) {
        const bid = orders[this.allocations[other].order].bid;
        if (bid < minBid) minBid = bid;
        if (this.allocations[other].reserve > maxReserve)
          maxReserve = this.allocations[other].reserve;
      }
      this.minBid[cell] = minBid;
      this.maxReserve[cell] = maxReserve;
    }
    this.allocationAt[allocation.order * this.slotCount + allocation.slot] = NONE;
    this.filledSlots[allocation.order]--;
    this.welfare -= order.gpus * (order.bid - allocation.reserve);
    this.journal?.push(~id);
  }

  /** Starts recording changes (nested transactions share one journal); returns a mark. */
  begin(): number {
    this.journal ??= [];
    return this.journal.length;
  }

  /** Keeps the changes since `mark`; the outermost transaction also clears the journal. */
  commit(mark: number): void {
    if (mark === 0) this.journal = undefined;
  }

  /** Undoes every change since `mark`, newest first. */
  rollback(mark: number): void {
    const journal = this.journal as number[];
    // Undoing appends to the journal past the changes; all of it is cut back to the mark.
    for (let i = journal.length - 1; i >= mark; i--) {
      const entry = journal[i];
      if (entry >= 0) this.remove(entry);
      else this.revive(~entry);
    }
    journal.length = mark;
  }

  /**
   * Forgets the allocation records made since `count` records existed: after a rollback they
   * are all dead, and a search that tries many refills would otherwise keep every one of them.
   */
  forgetAllocationsSince(count: number): void {
    for (let id = count; id < this.allocations.length; id++) {
      if (this.allocations[id].alive) throw new Error(`allocation ${id} is still alive`);
    }
    this.allocations.length = count;
  }

  /** The live allocations, to come back to with `restoreAllocations`. */
  liveAllocationIds(): number[] {
    const ids: number[] = [];
    for (let id = 0; id < this.allocations.length; id++)
      if (this.allocations[id].alive) ids.push(id);
    return ids;
  }

  /** Brings back exactly the allocations `liveAllocationIds` returned (outside transactions). */
  restoreAllocations(ids: readonly number[]): void {
    for (let id = 0; id < this.allocations.length; id++)
      if (this.allocations[id].alive) this.remove(id);
    for (const id of ids) this.revive(id);
  }

  /** Surplus of an allocation: GPUs × (bid − reserve). */
  welfareOf(id: number): number {
    const allocation = this.allocations[id];
    const order = this.model.orders[allocation.order];
    return order.gpus * (order.bid - allocation.reserve);
  }
}
