/**
 * The allocation engine: a lazy greedy by surplus per GPU-hour, then an improvement phase.
 * Everything here works on the compiled model's indices and mutates only its own copies.
 */
import { CompiledModel } from './matching.model';
import { ceilDiv } from './matching.rules';
import { OrderQueue } from './priority-queue';

export interface EngineAllocation {
  o: number;
  s: number;
  t: number;
  reserve: number;
  /** Pairs (offer index, Wh), in draw order. */
  draws: number[];
  alive: boolean;
}

const NONE = -1;

/**
 * Work allowed to the improvement phase, in site evaluations (about 10-20 ns each). Counted,
 * not timed, so a run is deterministic on any machine.
 */
export const DEFAULT_BUDGET = 8_000_000;
/** Work one order's attempt may take in one pass, so no single order starves the others. */
const ORDER_BUDGET = 40_000;
/** How far a chain of moves goes: 2 = the order, the allocations it moves, the ones they move. */
const CHAIN_DEPTH = 2;
/** Cells a moved allocation tries to push its way into, best first. */
const CHAIN_CELLS = 4;

export class MatchingEngine {
  readonly T: number;
  readonly free: Int32Array;
  readonly whLeft: Float64Array;
  /** Lowest bid and highest reserve among the allocations of each (site, slot). */
  readonly minBid: Float64Array;
  readonly maxReserve: Float64Array;
  readonly cellAllocs: number[][];
  readonly allocs: EngineAllocation[] = [];
  /** Allocation of (order, slot) or NONE. */
  readonly orderSlot: Int32Array;
  readonly filled: Int32Array;
  /** Sites each offer feeds. */
  readonly offerSites: number[][];

  /** Σ gpus × (bid − reserve) over live allocations. */
  welfare = 0;
  /** Changes since `begin()`: an allocation index for a placement, its complement for a removal. */
  private journal: number[] | undefined;
  /** Evaluations done so far and the limit of the improvement phase. */
  work = 0;
  private budget = Infinity;
  /** The budget of the current attempt (≤ budget). */
  private limit = Infinity;
  private usable = new Uint8Array(0);
  private siteOrders: number[][] = [];
  /** Cells being freed by the moves in progress: no chain may move anything into them. */
  private contested: number[] = [];
  /** Orders whose insertion is in progress, outermost first. */
  private inserting: number[] = [];
  // Scratch result of `evaluate`.
  private evalSlack = 0;
  // Scratch energy plan of `collect`/`split`: offer, Wh left, reserve, Wh taken.
  private planK = new Int32Array(0);
  private planLeft = new Float64Array(0);
  private planReserve = new Float64Array(0);
  private planTake = new Float64Array(0);
  private planAvailable = 0;
  private planCount = 0;

  constructor(readonly m: CompiledModel) {
    this.T = m.slotCount;
    this.free = m.free.slice();
    this.whLeft = m.whLeft.slice();
    const cells = m.sites.length * this.T;
    this.minBid = new Float64Array(cells).fill(Infinity);
    this.maxReserve = new Float64Array(cells).fill(-Infinity);
    this.cellAllocs = Array.from({ length: cells }, () => []);
    this.orderSlot = new Int32Array(m.orders.length * this.T).fill(NONE);
    this.filled = new Int32Array(m.orders.length);
    this.offerSites = m.offers.map(() => []);
    m.siteOffers.forEach((feeding, s) => feeding.forEach((k) => this.offerSites[k].push(s)));
  }

  /**
   * Can order `o` take slot `t` at site `s` now? Returns the reserve per GPU-hour it would pay
   * (energy drawn in the site's draw order; offers flagged in `avoid` last), or -1. Sets
   * `evalSlack`: how many more GPUs of the order's size would still fit after it (a
   * tie-breaker that leaves scarce slots to others).
   */
  evaluate(o: number, s: number, t: number, avoid?: Uint8Array): number {
    this.work++;
    const m = this.m;
    const order = m.orders[o];
    const g = order.gpus;
    const cell = s * this.T + t;
    const freeGpus = this.free[cell];
    if (freeGpus < g) return -1;
    const e = m.siteE[s];
    const need = g * e;
    const n = this.collect(o, s, t, avoid);
    if (this.planAvailable < need) return -1;
    const energyReserve = ceilDiv(this.split(n, need, m.siteReserve[s]), need);
    const reserve = energyReserve > m.siteReserve[s] ? energyReserve : m.siteReserve[s];
    if (reserve > order.bid) return -1;
    // One uniform price per (site, slot) must lie between every reserve and every bid there.
    if (reserve > this.minBid[cell] || order.bid < this.maxReserve[cell]) return -1;
    const energySlack = Math.floor(this.planAvailable / e) - g;
    this.evalSlack = Math.min(freeGpus - g, energySlack);
    return reserve;
  }

  /** Wh the last `evaluate` found for the order in the cell (every qualifying offer's). */
  get availableWh(): number {
    return this.planAvailable;
  }

  /** Commits what `evaluate(o, s, t, avoid)` accepted; returns the allocation index. */
  place(o: number, s: number, t: number, avoid?: Uint8Array): number {
    const m = this.m;
    const order = m.orders[o];
    const g = order.gpus;
    const cell = s * this.T + t;
    const need = g * m.siteE[s];
    const n = this.collect(o, s, t, avoid);
    if (this.planAvailable < need || this.free[cell] < g) {
      throw new Error('place() without capacity');
    }
    const energyReserve = ceilDiv(this.split(n, need, m.siteReserve[s]), need);
    const reserve = Math.max(energyReserve, m.siteReserve[s]);
    const draws: number[] = [];
    for (let i = 0; i < n; i++)
      if (this.planTake[i] > 0) draws.push(this.planK[i], this.planTake[i]);
    const id = this.allocs.length;
    this.allocs.push({ o, s, t, reserve, draws, alive: false });
    this.revive(id);
    return id;
  }

  /**
   * The offers order `o` may draw from at (s, t), in the site's draw order (those in `avoid`
   * last), into the plan's scratch arrays; returns their count and sets `planAvailable`.
   */
  private collect(o: number, s: number, t: number, avoid?: Uint8Array): number {
    const m = this.m;
    const order = m.orders[o];
    const feeding = m.siteOffers[s];
    const reserves = m.siteOfferReserve[s];
    if (this.planK.length < feeding.length) this.growPlan(feeding.length);
    let n = 0;
    let available = 0;
    for (let pass = avoid ? 0 : 1; pass < 2; pass++) {
      for (let j = 0; j < feeding.length; j++) {
        const k = feeding[j];
        if (avoid && (avoid[k] === 1) !== (pass === 1)) continue;
        if (order.renewableOnly && m.offerRenewable[k] === 0) continue;
        if (m.offerCarbon[k] > order.maxCarbon) continue;
        const left = this.whLeft[k * this.T + t];
        if (left <= 0) continue;
        this.planK[n] = k;
        this.planLeft[n] = left;
        this.planReserve[n] = reserves[j];
        available += left;
        n++;
      }
    }
    this.planAvailable = available;
    this.planCount = n;
    return n;
  }

  /**
   * Splits `need` Wh over the collected offers into `planTake`; returns Σ Wh × reserve.
   * In draw order, except that energy dearer than the site reserve is blended in as far as the
   * mix stays within the site reserve: it costs this allocation nothing (its reserve is the
   * site's either way) and saves the cheap energy for allocations that could not pay for more.
   */
  private split(n: number, need: number, siteReserve: number): number {
    let cheap = 0;
    let dear = 0;
    for (let i = 0; i < n; i++) {
      if (this.planReserve[i] > siteReserve) dear += this.planLeft[i];
      else cheap += this.planLeft[i];
    }
    if (dear === 0 || cheap < need) return this.take(n, need, 0, siteReserve);
    // Largest amount of dear energy (cheapest dear first) keeping the mean within the site reserve.
    let low = 0;
    let high = Math.min(need, dear);
    if (this.excess(n, need, high, siteReserve) > 0) {
      while (low < high) {
        const mid = Math.floor((low + high + 1) / 2);
        if (this.excess(n, need, mid, siteReserve) <= 0) low = mid;
        else high = mid - 1;
      }
    } else {
      low = high;
    }
    return this.take(n, need, low, siteReserve);
  }

  /** Σ Wh × (reserve − site reserve) of the split taking `dearWh` of dear energy. */
  private excess(n: number, need: number, dearWh: number, siteReserve: number): number {
    const weighted = this.take(n, need, dearWh, siteReserve);
    return weighted - need * siteReserve;
  }

  /**
   * Fills `planTake`: `dearWh` from the offers dearer than the site reserve, the rest from the
   * others, each group in draw order; with `dearWh` 0, plain draw order. Returns Σ Wh × reserve.
   */
  private take(n: number, need: number, dearWh: number, siteReserve: number): number {
    let weighted = 0;
    if (dearWh === 0) {
      let remaining = need;
      for (let i = 0; i < n; i++) {
        const amount = remaining > 0 ? Math.min(this.planLeft[i], remaining) : 0;
        this.planTake[i] = amount;
        weighted += amount * this.planReserve[i];
        remaining -= amount;
      }
      return weighted;
    }
    let dearLeft = dearWh;
    let cheapLeft = need - dearWh;
    for (let i = 0; i < n; i++) {
      const isDear = this.planReserve[i] > siteReserve;
      const wanted = isDear ? dearLeft : cheapLeft;
      const amount = wanted > 0 ? Math.min(this.planLeft[i], wanted) : 0;
      if (isDear) dearLeft -= amount;
      else cheapLeft -= amount;
      this.planTake[i] = amount;
      weighted += amount * this.planReserve[i];
    }
    return weighted;
  }

  /** Wh the last evaluated plan draws from the offers flagged in `mask`. */
  private plannedFrom(mask: Uint8Array): number {
    let wh = 0;
    for (let i = 0; i < this.planCount; i++) if (mask[this.planK[i]] === 1) wh += this.planTake[i];
    return wh;
  }

  private growPlan(size: number): void {
    this.planK = new Int32Array(size);
    this.planLeft = new Float64Array(size);
    this.planReserve = new Float64Array(size);
    this.planTake = new Float64Array(size);
  }

  /** (Re)applies an allocation exactly as recorded: its GPUs, its draws, its price bounds. */
  private revive(id: number): void {
    const a = this.allocs[id];
    const order = this.m.orders[a.o];
    const cell = a.s * this.T + a.t;
    if (this.orderSlot[a.o * this.T + a.t] !== NONE)
      throw new Error(`order ${a.o} twice in slot ${a.t}`);
    a.alive = true;
    this.free[cell] -= order.gpus;
    for (let i = 0; i < a.draws.length; i += 2)
      this.whLeft[a.draws[i] * this.T + a.t] -= a.draws[i + 1];
    this.cellAllocs[cell].push(id);
    if (order.bid < this.minBid[cell]) this.minBid[cell] = order.bid;
    if (a.reserve > this.maxReserve[cell]) this.maxReserve[cell] = a.reserve;
    this.orderSlot[a.o * this.T + a.t] = id;
    this.filled[a.o]++;
    this.welfare += order.gpus * (order.bid - a.reserve);
    this.journal?.push(id);
  }

  /** Undoes an allocation: GPUs and Wh go back, the cell's price bounds are recomputed. */
  remove(id: number): void {
    const a = this.allocs[id];
    if (!a.alive) throw new Error('remove() of a removed allocation');
    a.alive = false;
    const m = this.m;
    const order = m.orders[a.o];
    const cell = a.s * this.T + a.t;
    this.free[cell] += order.gpus;
    for (let i = 0; i < a.draws.length; i += 2)
      this.whLeft[a.draws[i] * this.T + a.t] += a.draws[i + 1];
    const list = this.cellAllocs[cell];
    // Shifted in place, keeping the order, rather than spliced (which allocates).
    for (let i = list.indexOf(id); i < list.length - 1; i++) list[i] = list[i + 1];
    list.pop();
    // The cell's price bounds change only if this allocation set one of them.
    if (order.bid <= this.minBid[cell] || a.reserve >= this.maxReserve[cell]) {
      let minBid = Infinity;
      let maxReserve = -Infinity;
      for (const other of list) {
        const bid = m.orders[this.allocs[other].o].bid;
        if (bid < minBid) minBid = bid;
        if (this.allocs[other].reserve > maxReserve) maxReserve = this.allocs[other].reserve;
      }
      this.minBid[cell] = minBid;
      this.maxReserve[cell] = maxReserve;
    }
    this.orderSlot[a.o * this.T + a.t] = NONE;
    this.filled[a.o]--;
    this.welfare -= order.gpus * (order.bid - a.reserve);
    this.journal?.push(~id);
  }

  /** Starts recording changes (nested transactions share one journal); returns a mark. */
  begin(): number {
    this.journal ??= [];
    return this.journal.length;
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
    for (let id = count; id < this.allocs.length; id++) {
      if (this.allocs[id].alive) throw new Error(`allocation ${id} is still alive`);
    }
    this.allocs.length = count;
  }

  /** The live allocations, to come back to with `restoreAllocations`. */
  liveAllocationIds(): number[] {
    const ids: number[] = [];
    for (let id = 0; id < this.allocs.length; id++) if (this.allocs[id].alive) ids.push(id);
    return ids;
  }

  /** Brings back exactly the allocations `liveAllocationIds` returned (outside transactions). */
  restoreAllocations(ids: readonly number[]): void {
    for (let id = 0; id < this.allocs.length; id++) if (this.allocs[id].alive) this.remove(id);
    for (const id of ids) this.revive(id);
  }

  /** Surplus of an allocation: GPUs × (bid − reserve). */
  welfareOf(id: number): number {
    const a = this.allocs[id];
    const order = this.m.orders[a.o];
    return order.gpus * (order.bid - a.reserve);
  }

  /**
   * Best site for order `o` in slot `t`: lowest reserve, then most slack, then site order.
   * Sites are scanned by their lowest possible reserve, so the scan stops early. The scan
   * starts at `from` (sites before it are known not to take the order) and `out.open` is set
   * to the first site it did not find closed.
   */
  bestSite(
    o: number,
    t: number,
    out: { s: number; reserve: number; slack: number; open: number },
    from = 0,
  ): boolean {
    const order = this.m.orders[o];
    const sites = order.sites;
    const minReserve = order.minReserve;
    let bestS = NONE;
    let bestReserve = Infinity;
    let bestSlack = -1;
    let open = sites.length;
    for (let i = from; i < sites.length; i++) {
      if (minReserve[i] > bestReserve || minReserve[i] > order.bid) {
        if (open > i) open = i;
        break;
      }
      const reserve = this.evaluate(o, sites[i], t);
      if (reserve < 0) continue;
      if (open > i) open = i;
      if (reserve < bestReserve || (reserve === bestReserve && this.evalSlack > bestSlack)) {
        bestS = sites[i];
        bestReserve = reserve;
        bestSlack = this.evalSlack;
      }
    }
    out.open = open;
    if (bestS === NONE) return false;
    out.s = bestS;
    out.reserve = bestReserve;
    out.slack = bestSlack;
    return true;
  }

  // ------------------------------------------------------------------ greedy

  /**
   * Lazy greedy: orders wait in a queue keyed by an upper bound of their best surplus per
   * GPU-hour. The top order is re-evaluated against current capacity; it takes every slot whose
   * surplus still beats the next order's key and goes back in the queue with its next best.
   * An all-or-none order is a bundle: its key is the mean surplus of its best full set of
   * slots, placed at once or not at all.
   */
  greedy(sizeBias = 0): void {
    const m = this.m;
    const queue = new OrderQueue();
    // Keys are surplus per GPU-hour, optionally favouring large orders (which pack worse late).
    const weight = m.orders.map((order) => 1 + (sizeBias * Math.min(order.gpus, 64)) / 64);
    m.orders.forEach((order, o) => {
      if (order.staticReason === undefined && order.wanted > 0) {
        queue.push(o, (order.bid - order.minReserve[0]) * weight[o], order.rank);
      }
    });
    const maxSlots = m.orders.reduce((max, order) => Math.max(max, order.slots.length), 0);
    const candT = new Int32Array(maxSlots);
    const candS = new Int32Array(maxSlots);
    const candReserve = new Float64Array(maxSlots);
    const candSlack = new Float64Array(maxSlots);
    const index: number[] = [];
    const best = { s: 0, reserve: 0, slack: 0, open: 0 };

    // The greedy only adds allocations, so capacity, energy and price bounds only tighten: a
    // site that cannot take an order in a slot now never will. Per (order, slot), the sites
    // before `open` are closed and are not evaluated again.
    const open = new Int32Array(m.orders.length * this.T);
    while (queue.size > 0) {
      const o = queue.pop();
      const order = m.orders[o];
      let count = 0;
      for (let i = 0; i < order.slots.length; i++) {
        const t = order.slots[i];
        const slot = o * this.T + t;
        if (this.orderSlot[slot] !== NONE || open[slot] === order.sites.length) continue;
        const found = this.bestSite(o, t, best, open[slot]);
        open[slot] = best.open;
        if (!found) continue;
        candT[count] = t;
        candS[count] = best.s;
        candReserve[count] = best.reserve;
        candSlack[count] = best.slack;
        count++;
      }
      const need = order.wanted - this.filled[o];
      if (count === 0 || (order.allOrNone && count < need)) continue;
      index.length = count;
      for (let i = 0; i < count; i++) index[i] = i;
      index.sort(
        (a, b) =>
          candReserve[a] - candReserve[b] || candSlack[b] - candSlack[a] || candT[a] - candT[b],
      );
      const hasNext = queue.size > 0;
      const nextKey = hasNext ? queue.topKey() : 0;
      const nextRank = hasNext ? queue.topRank() : 0;

      if (order.allOrNone) {
        let total = 0;
        for (let i = 0; i < need; i++) total += order.bid - candReserve[index[i]];
        const mean = (total / need) * weight[o];
        if (hasNext && !OrderQueue.before(mean, order.rank, nextKey, nextRank)) {
          queue.push(o, mean, order.rank);
          continue;
        }
        for (let i = 0; i < need; i++) this.place(o, candS[index[i]], candT[index[i]]);
        continue;
      }

      let taken = 0;
      for (; taken < count && taken < need; taken++) {
        const c = index[taken];
        const surplus = (order.bid - candReserve[c]) * weight[o];
        if (hasNext && !OrderQueue.before(surplus, order.rank, nextKey, nextRank)) break;
        this.place(o, candS[c], candT[c]);
      }
      if (taken < need && taken < count) {
        queue.push(o, (order.bid - candReserve[index[taken]]) * weight[o], order.rank);
      }
    }
  }

  // ------------------------------------------------------------------ improvement

  /** Keeps the changes since `mark`; the outermost transaction also clears the journal. */
  commit(mark: number): void {
    if (mark === 0) this.journal = undefined;
  }

  /**
   * Local search after the greedy, in passes until a pass gains nothing: every order short of
   * what it wants tries to take more slots, making room by moving other allocations to free
   * capacity elsewhere (another site in the slot, another slot of their window, or other
   * energy) or by displacing them, and keeps a change only if total welfare strictly rises.
   * All-or-none orders are tried as a whole bundle.
   */
  improve(budget = DEFAULT_BUDGET): void {
    const m = this.m;
    this.budget = this.work + budget;
    const sequence = m.orders
      .map((order, o) => o)
      .filter((o) => m.orders[o].staticReason === undefined && m.orders[o].wanted > 0)
      .sort(
        (a, b) =>
          m.orders[b].bid -
            m.orders[b].minReserve[0] -
            (m.orders[a].bid - m.orders[a].minReserve[0]) || m.orders[a].rank - m.orders[b].rank,
      );
    this.usable = new Uint8Array(m.orders.length * this.T);
    this.siteOrders = m.sites.map(() => []);
    for (const o of sequence) {
      const order = m.orders[o];
      for (const t of order.slots) this.usable[o * this.T + t] = 1;
      order.sites.forEach((s, i) => {
        if (order.minReserve[i] <= order.bid) this.siteOrders[s].push(o);
      });
    }
    for (const list of this.siteOrders) list.sort((a, b) => a - b);
    for (let pass = 0; pass < 8 && this.work < this.budget; pass++) {
      const before = this.welfare;
      for (const o of sequence) {
        if (this.work >= this.budget) break;
        const order = m.orders[o];
        this.limit = Math.min(this.budget, this.work + ORDER_BUDGET);
        if (this.filled[o] < order.wanted) {
          if (order.allOrNone) this.insertBundle(o);
          else this.fillOrder(o);
        }
        if (this.filled[o] > 0) this.upgradeOrder(o);
      }
      this.limit = this.budget;
      for (let s = 0; s < m.sites.length && this.work < this.budget; s++) {
        for (let t = 0; t < this.T && this.work < this.budget; t++) this.repackCell(s, t);
      }
      if (this.welfare <= before) break;
    }
  }

  /**
   * Re-packs one (site, slot) as a knapsack: its occupants (worth what evicting them would
   * cost) and the divisible orders that could use it (worth their surplus there, less what
   * they give up: a slot elsewhere, or their worst slot when already complete). When the best
   * packing beats the current one, it is applied and kept if total welfare rises.
   */
  private repackCell(s: number, t: number): void {
    const m = this.m;
    const T = this.T;
    const cell = s * T + t;
    const candidates = this.siteOrders[s];
    if (candidates.length === 0) return;
    const occupants = [...this.cellAllocs[cell]].sort((a, b) => a - b);
    let gpus = this.free[cell];
    let wh = 0;
    for (const k of m.siteOffers[s]) wh += this.whLeft[k * T + t];
    for (const id of occupants) {
      gpus += m.orders[this.allocs[id].o].gpus;
      const draws = this.allocs[id].draws;
      for (let i = 1; i < draws.length; i += 2) wh += draws[i];
    }
    const capacity = Math.min(gpus, Math.floor(wh / m.siteE[s]));
    if (capacity <= 0) return;

    const itemOrder: number[] = [];
    const itemGpus: number[] = [];
    const itemValue: number[] = [];
    /** For newcomers: the allocation they give up (NONE if none). */
    const itemGiveUp: number[] = [];
    let current = 0;
    let newcomers = 0;
    for (const id of occupants) {
      const o = this.allocs[id].o;
      const cost = this.relocation(id, s, t, this.noOffers(), false);
      itemOrder.push(o);
      itemGpus.push(m.orders[o].gpus);
      itemValue.push(cost);
      itemGiveUp.push(id);
      current += cost;
    }
    const occupantCount = occupants.length;
    for (const o of candidates) {
      const order = m.orders[o];
      if (order.allOrNone || this.usable[o * T + t] === 0 || order.gpus > capacity) continue;
      const here = this.orderSlot[o * T + t];
      if (here !== NONE && this.allocs[here].s === s) continue;
      const i = order.sites.indexOf(s);
      const base = order.gpus * (order.bid - order.minReserve[i]);
      let giveUp = here;
      if (giveUp === NONE && this.filled[o] >= order.wanted) {
        let worst = Infinity;
        for (const u of order.slots) {
          const id = this.orderSlot[o * T + u];
          if (id !== NONE && this.welfareOf(id) < worst) {
            worst = this.welfareOf(id);
            giveUp = id;
          }
        }
      }
      const value = base - (giveUp === NONE ? 0 : this.welfareOf(giveUp));
      if (value <= 0) continue;
      itemOrder.push(o);
      itemGpus.push(order.gpus);
      itemValue.push(value);
      itemGiveUp.push(giveUp);
      newcomers++;
    }
    if (newcomers === 0) return;
    this.work += itemOrder.length * capacity;

    // 0/1 knapsack over GPUs; ties keep the earlier items (occupants come first).
    const n = itemOrder.length;
    const width = capacity + 1;
    const best = new Float64Array(width);
    const take = new Uint8Array(n * width);
    for (let j = 0; j < n; j++) {
      const g = itemGpus[j];
      const v = itemValue[j];
      for (let c = capacity; c >= g; c--) {
        const with_ = best[c - g] + v;
        if (with_ > best[c]) {
          best[c] = with_;
          take[j * width + c] = 1;
        }
      }
    }
    if (best[capacity] <= current) return;
    const chosen = new Uint8Array(n);
    for (let j = n - 1, c = capacity; j >= 0; j--) {
      if (take[j * width + c] === 1) {
        chosen[j] = 1;
        c -= itemGpus[j];
      }
    }

    const mark = this.begin();
    const before = this.welfare;
    for (let j = 0; j < occupantCount; j++) {
      if (chosen[j] === 0 && this.allocs[itemGiveUp[j]].alive) {
        this.relocation(itemGiveUp[j], s, t, this.noOffers(), true);
      }
    }
    const entering: number[] = [];
    for (let j = occupantCount; j < n; j++) if (chosen[j] === 1) entering.push(j);
    entering.sort((a, b) => itemValue[b] - itemValue[a] || itemOrder[a] - itemOrder[b]);
    for (const j of entering) {
      const o = itemOrder[j];
      const giveUp = itemGiveUp[j];
      if (this.orderSlot[o * T + t] !== NONE && this.orderSlot[o * T + t] !== giveUp) continue;
      if (giveUp !== NONE) {
        if (!this.allocs[giveUp].alive) continue;
        this.remove(giveUp);
      }
      if (this.evaluate(o, s, t) >= 0) this.place(o, s, t);
    }
    if (this.welfare > before) this.commit(mark);
    else this.rollback(mark);
  }

  private zeroMask: Uint8Array | undefined;
  private readonly usableOffers = new Map<number, Uint8Array>();

  private noOffers(): Uint8Array {
    this.zeroMask ??= new Uint8Array(this.m.offers.length);
    return this.zeroMask;
  }

  /** Tries more slots for a divisible order, cheapest sites first. */
  private fillOrder(o: number): void {
    const order = this.m.orders[o];
    for (let i = 0; i < order.sites.length && this.filled[o] < order.wanted; i++) {
      if (order.minReserve[i] > order.bid || this.work >= this.limit) break;
      const s = order.sites[i];
      for (let n = 0; n < order.slots.length && this.filled[o] < order.wanted; n++) {
        const t = order.slots[n];
        if (this.orderSlot[o * this.T + t] !== NONE) continue;
        const mark = this.begin();
        const before = this.welfare;
        if (
          this.insert(o, s, t, order.gpus * (order.bid - order.minReserve[i])) &&
          this.welfare > before
        ) {
          this.commit(mark);
        } else {
          this.rollback(mark);
        }
      }
    }
  }

  /**
   * Moves the order's allocations to a site where its reserve is lower in the same slot,
   * making room there as `insert` does; kept only if total welfare rises.
   */
  private upgradeOrder(o: number): void {
    const order = this.m.orders[o];
    for (let n = 0; n < order.slots.length && this.work < this.limit; n++) {
      const t = order.slots[n];
      const id = this.orderSlot[o * this.T + t];
      if (id === NONE) continue;
      const current = this.allocs[id];
      for (let i = 0; i < order.sites.length && order.minReserve[i] < current.reserve; i++) {
        const s = order.sites[i];
        if (s === current.s || this.work >= this.limit) continue;
        const mark = this.begin();
        const before = this.welfare;
        this.remove(id);
        const gain = order.gpus * (current.reserve - order.minReserve[i]);
        if (this.insert(o, s, t, gain) && this.welfare > before) {
          this.commit(mark);
          break;
        }
        this.rollback(mark);
      }
    }
  }

  /** Tries to place every wanted slot of an all-or-none order; keeps it only with a gain. */
  private insertBundle(o: number): void {
    const order = this.m.orders[o];
    const need = order.wanted - this.filled[o];
    const mark = this.begin();
    const before = this.welfare;
    // Estimate each slot's net gain on its own, then place the best ones for real.
    const options: { t: number; s: number; net: number }[] = [];
    for (let n = 0; n < order.slots.length; n++) {
      if (this.work >= this.limit) return this.rollback(mark);
      const t = order.slots[n];
      if (this.orderSlot[o * this.T + t] !== NONE) continue;
      let best: { t: number; s: number; net: number } | undefined;
      for (let i = 0; i < order.sites.length && order.minReserve[i] <= order.bid; i++) {
        const trial = this.begin();
        const at = this.welfare;
        if (this.insert(o, order.sites[i], t, Infinity)) {
          const net = this.welfare - at;
          if (!best || net > best.net) best = { t, s: order.sites[i], net };
        }
        this.rollback(trial);
      }
      if (best) options.push(best);
    }
    if (options.length < need) return this.rollback(mark);
    options.sort((a, b) => b.net - a.net || a.t - b.t);
    let placed = 0;
    for (const option of options) {
      if (placed === need) break;
      if (this.insert(o, option.s, option.t, Infinity)) placed++;
    }
    if (placed === need && this.welfare > before) this.commit(mark);
    else this.rollback(mark);
  }

  /**
   * Places order `o` at (s, t), first moving allocations out of the way if needed. Gives up
   * (returning false, changes left for the caller to roll back) when the losses reach
   * `potential`, or when a blocking all-or-none allocation has nowhere to go.
   */
  private insert(o: number, s: number, t: number, potential: number, depth = CHAIN_DEPTH): boolean {
    if (this.evaluate(o, s, t) >= 0) {
      this.place(o, s, t);
      return true;
    }
    if (depth === 0 || this.work >= this.limit) return false;
    const m = this.m;
    const start = this.welfare;
    const avoid = this.offersUsableBy(o, s);
    // Allocations of orders being inserted up the chain never give way to their own moves.
    const victims = this.blockers(o, s, t, avoid).filter(
      (id) => this.allocs[id].o !== o && !this.inserting.includes(this.allocs[id].o),
    );
    if (victims.length === 0) return false;
    this.contested.push(s * this.T + t);
    this.inserting.push(o);
    try {
      const scored = victims.map((id) => ({
        id,
        cost: this.relocation(id, s, t, avoid, false, depth - 1),
      }));
      scored.sort(
        (a, b) =>
          a.cost - b.cost ||
          m.orders[this.allocs[b.id].o].gpus - m.orders[this.allocs[a.id].o].gpus ||
          a.id - b.id,
      );
      for (const { id, cost } of scored) {
        if (cost === Infinity || start - this.welfare + cost >= potential) return false;
        if (!this.allocs[id].alive) continue;
        if (this.relocation(id, s, t, avoid, true, depth - 1) === Infinity) return false;
        if (this.evaluate(o, s, t) >= 0) {
          this.place(o, s, t);
          return true;
        }
      }
      return false;
    } finally {
      this.contested.pop();
      this.inserting.pop();
    }
  }

  /** Offers feeding `s` that order `o` may use, as a mask over offers (cached: never changes). */
  private offersUsableBy(o: number, s: number): Uint8Array {
    const m = this.m;
    const key = o * m.sites.length + s;
    const cached = this.usableOffers.get(key);
    if (cached) return cached;
    const order = m.orders[o];
    const mask = new Uint8Array(m.offers.length);
    this.usableOffers.set(key, mask);
    for (const k of m.siteOffers[s]) {
      if (order.renewableOnly && m.offerRenewable[k] === 0) continue;
      if (m.offerCarbon[k] > order.maxCarbon) continue;
      mask[k] = 1;
    }
    return mask;
  }

  /**
   * Allocations standing in the way of order `o` at (s, t): those of the cell (GPUs, price
   * bounds, energy) and, when energy is short, those elsewhere drawing the same offers.
   */
  private blockers(o: number, s: number, t: number, usable: Uint8Array): number[] {
    const m = this.m;
    const order = m.orders[o];
    const victims = this.cellAllocs[s * this.T + t].slice();
    let available = 0;
    for (const k of m.siteOffers[s]) if (usable[k] === 1) available += this.whLeft[k * this.T + t];
    if (available >= order.gpus * m.siteE[s]) return victims;
    // Energy is short: allocations at other sites drawing the same offers are in the way too.
    for (const k of m.siteOffers[s]) {
      if (usable[k] === 0) continue;
      for (const s2 of this.offerSites[k]) {
        if (s2 === s) continue;
        for (const id of this.cellAllocs[s2 * this.T + t]) {
          const draws = this.allocs[id].draws;
          for (let i = 0; i < draws.length; i += 2) {
            if (draws[i] === k) {
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
   * Moves allocation `id` out of cell (s, t)'s way: to another site in its slot, to the same
   * site with other energy, or to another slot of its order's window, whichever keeps most
   * welfare; a divisible order may also just lose the slot. Returns the welfare lost, or
   * Infinity when it cannot move. With `apply` false nothing changes.
   */
  private relocation(
    id: number,
    s: number,
    t: number,
    avoid: Uint8Array,
    apply: boolean,
    depth = 0,
  ): number {
    const m = this.m;
    const T = this.T;
    const a = this.allocs[id];
    const victim = a.o;
    const order = m.orders[victim];
    const old = order.gpus * (order.bid - a.reserve);
    const mark = this.begin();
    this.remove(id);
    const afterRemoval = this.welfare;
    let bestCost = order.allOrNone ? Infinity : old;
    let bestS = NONE;
    let bestT = NONE;
    let bestAvoid = false;
    let bestChain = false;
    const contested = this.contested;
    // An allocation blocking only by the energy it draws elsewhere in slot t must draw less of
    // that energy wherever it goes in slot t: moving it to a site fed by the same offers frees
    // nothing, and would hide the real alternative (giving the slot up).
    let drawnBefore = Infinity;
    if (a.t === t && a.s !== s) {
      drawnBefore = 0;
      for (let i = 0; i < a.draws.length; i += 2) {
        if (avoid[a.draws[i]] === 1) drawnBefore += a.draws[i + 1];
      }
    }
    const consider = (cs: number, ct: number, withAvoid: boolean) => {
      if (contested.includes(cs * T + ct)) return;
      const reserve = this.evaluate(victim, cs, ct, withAvoid ? avoid : undefined);
      if (reserve < 0) return;
      if (ct === t && this.plannedFrom(avoid) >= drawnBefore) return;
      const cost = old - order.gpus * (order.bid - reserve);
      if (cost < bestCost) {
        bestCost = cost;
        bestS = cs;
        bestT = ct;
        bestAvoid = withAvoid;
        bestChain = false;
      }
    };
    // Same slot: its own site with other energy (when it is not the contested cell), other sites.
    if (a.s !== s) consider(a.s, a.t, true);
    for (let i = 0; i < order.sites.length; i++) {
      const cs = order.sites[i];
      if (
        order.minReserve[i] > order.bid ||
        old - order.gpus * (order.bid - order.minReserve[i]) >= bestCost
      )
        break;
      if (cs === s || cs === a.s) continue;
      consider(cs, a.t, a.t === t);
    }
    // Other slots of its window.
    for (let n = 0; n < order.slots.length; n++) {
      const ct = order.slots[n];
      if (ct === a.t || this.orderSlot[victim * T + ct] !== NONE) continue;
      for (let i = 0; i < order.sites.length; i++) {
        if (
          order.minReserve[i] > order.bid ||
          old - order.gpus * (order.bid - order.minReserve[i]) >= bestCost
        )
          break;
        consider(order.sites[i], ct, false);
      }
    }
    // Chains: the victim itself pushes others out of a cell, one level further down.
    if (depth > 0 && bestCost > 0 && this.work < this.limit) {
      const cells: { cs: number; ct: number; bound: number }[] = [];
      for (let n = 0; n < order.slots.length; n++) {
        const ct = order.slots[n];
        if (ct !== a.t && this.orderSlot[victim * T + ct] !== NONE) continue;
        for (let i = 0; i < order.sites.length && cells.length < 64; i++) {
          const cs = order.sites[i];
          const bound = old - order.gpus * (order.bid - order.minReserve[i]);
          if (order.minReserve[i] > order.bid || bound >= bestCost) break;
          if (
            (cs === s && ct === t) ||
            (cs === a.s && ct === a.t) ||
            contested.includes(cs * T + ct)
          )
            continue;
          cells.push({ cs, ct, bound });
        }
      }
      cells.sort((x, y) => x.bound - y.bound || x.ct - y.ct || x.cs - y.cs);
      for (let c = 0; c < cells.length && c < CHAIN_CELLS; c++) {
        const { cs, ct, bound } = cells[c];
        if (bound >= bestCost) break;
        const trial = this.begin();
        if (this.insert(victim, cs, ct, bestCost === Infinity ? Infinity : old - bound, depth)) {
          const cost = old - (this.welfare - afterRemoval);
          if (cost < bestCost) {
            bestCost = cost;
            bestS = cs;
            bestT = ct;
            bestAvoid = false;
            bestChain = true;
          }
        }
        this.rollback(trial);
      }
    }
    if (bestS === NONE && order.allOrNone) {
      // Nowhere to go: the whole bundle may still give way, every slot of it.
      bestCost = old;
      for (let n = 0; n < order.slots.length; n++) {
        const other = this.orderSlot[victim * T + order.slots[n]];
        if (other !== NONE) bestCost += this.welfareOf(other);
      }
      if (apply) {
        for (let n = 0; n < order.slots.length; n++) {
          const other = this.orderSlot[victim * T + order.slots[n]];
          if (other !== NONE) this.remove(other);
        }
      }
    }
    if (!apply) {
      this.rollback(mark);
      return bestCost;
    }
    if (bestChain) {
      if (!this.insert(victim, bestS, bestT, Infinity, depth)) return Infinity;
    } else if (bestS !== NONE) {
      this.place(victim, bestS, bestT, bestAvoid ? avoid : undefined);
    }
    return bestCost;
  }
}
