/**
 * Exact reinsertion of a few orders, everything else fixed. Once the orders are taken out,
 * each slot is independent of the others except through how many slots each order takes, so
 * a dynamic programme over the slots, whose state is those counts, finds their best joint
 * placement; within a slot, a depth-first search picks each order's site (or none).
 * Values come from evaluating each (order, site, slot) alone on the emptied cells, so two of
 * the orders sharing a cell may pay a little more for energy than planned: the caller places
 * the plan through the engine and keeps it only if the real welfare says so.
 * Greedy refills almost never find the tight repackings this finds (one in thousands of tries
 * on the same orders, measured), which is why it exists.
 */
import { NONE } from '../engine-state/engine-allocation';
import { MatchingEngine } from '../engine-state/matching-engine';

/** Most states (products of the tracked orders' slot counts) a reinsertion may explore. */
const STATE_LIMIT = 4_096;
/**
 * Most steps one reinsertion may take, as estimated before it starts: loose markets, where
 * any set of orders fits a slot, would otherwise make it explore every subset for nothing.
 */
const STEP_LIMIT = 200_000;
/** Steps of the programme costing about one site evaluation (measured). */
const STEPS_PER_EVALUATION = 16;

/** Per set of a slot's orders (bitmask): the best value, and the site of each (mask × n + j). */
interface SlotPlans {
  values: Float64Array;
  sites: Int32Array;
}

/** One way an order can run in a slot, as evaluated alone. */
interface Option {
  site: number;
  value: number;
  reserve: number;
  /** GPUs of this order's size the qualifying energy could still run. */
  energyGpus: number;
}

/**
 * Places the best joint plan for `orders` in `slots` (ascending), where none of them holds an
 * allocation. Returns false if an all-or-none order could not get a planned slot after all
 * (the caller then rolls back); the caller compares welfare and commits or rolls back.
 */
export function reinsertExactly(
  engine: MatchingEngine,
  orders: readonly number[],
  slots: readonly number[],
): boolean {
  const reinsertion = new ExactReinsertion(engine, orders, slots);
  const plan = reinsertion.solve();
  engine.work += Math.ceil(reinsertion.steps / STEPS_PER_EVALUATION);
  for (const [order, site, slot] of plan) {
    if (engine.evaluate(order, site, slot) >= 0) engine.place(order, site, slot);
    else if (engine.model.orders[order].allOrNone) return false;
  }
  return true;
}

/** Slots an order may still take in this run. */
function needOf(engine: MatchingEngine, order: number): number {
  return engine.model.orders[order].wanted - engine.filledSlots[order];
}

/** 1 for each slot of the window, by slot index. */
function windowMask(engine: MatchingEngine, slots: readonly number[]): Uint8Array {
  const inWindow = new Uint8Array(engine.slotCount);
  for (const slot of slots) inWindow[slot] = 1;
  return inWindow;
}

/**
 * States `order` adds to the programme: its possible counts, or 1 when it needs no tracking
 * (divisible, and no more free slots than it wants).
 */
function radixOf(engine: MatchingEngine, order: number, inWindow: Uint8Array): number {
  let free = 0;
  for (const slot of engine.model.orders[order].slots) {
    if (inWindow[slot] === 1 && engine.allocationAt[order * engine.slotCount + slot] === NONE)
      free++;
  }
  const need = needOf(engine, order);
  return !engine.model.orders[order].allOrNone && free <= need ? 1 : need + 1;
}

/**
 * Keeps a reinsertion small: admits orders (already out of the window) while the programme's
 * states and estimated steps stay within their limits.
 */
export class ReinsertionSize {
  private states = 1;
  /** Orders admitted that may run in each slot of the window. */
  private readonly active: number[];
  private readonly inWindow: Uint8Array;

  constructor(
    private readonly engine: MatchingEngine,
    private readonly slots: readonly number[],
  ) {
    this.active = slots.map(() => 0);
    this.inWindow = windowMask(engine, slots);
  }

  admit(order: number): boolean {
    const engine = this.engine;
    const states = this.states * radixOf(engine, order, this.inWindow);
    if (states > STATE_LIMIT) return false;
    const compiled = engine.model.orders[order];
    const branches = engine.model.sites.length + 1;
    let steps = 0;
    const active = this.slots.map((slot, j) => {
      const here = this.active[j] + (compiled.slots.includes(slot) ? 1 : 0);
      steps += states * 2 ** here + branches ** here;
      return here;
    });
    if (steps > STEP_LIMIT) return false;
    this.states = states;
    active.forEach((count, j) => (this.active[j] = count));
    return true;
  }
}

class ExactReinsertion {
  private readonly need: number[];
  /** All-or-none orders that keep slots outside the window: they must take all they need. */
  private readonly mustFill: boolean[];
  private readonly stride: number[] = [];
  private readonly radix: number[];
  private readonly stateCount: number;
  /** Per order (index into `orders`) and slot: where it can run, evaluated alone. */
  private readonly options: Option[][][];
  /** Programme transitions and search nodes visited: far cheaper than a site evaluation. */
  steps = 0;

  constructor(
    private readonly engine: MatchingEngine,
    private readonly orders: readonly number[],
    private readonly slots: readonly number[],
  ) {
    const inWindow = windowMask(engine, slots);
    this.need = orders.map((order) => needOf(engine, order));
    this.mustFill = orders.map(
      (order) => engine.model.orders[order].allOrNone && engine.filledSlots[order] > 0,
    );
    this.radix = orders.map((order) => radixOf(engine, order, inWindow));
    let states = 1;
    for (const orderRadix of this.radix) {
      this.stride.push(states);
      states *= orderRadix;
    }
    this.stateCount = states;
    this.options = orders.map(() => []);
  }

  /** The plan: (order, site, slot) triples, in slot order. */
  solve(): [number, number, number][] {
    const { slots, stateCount } = this;
    const active = slots.map((slot) => this.collectOptions(slot));
    let value = new Float64Array(stateCount).fill(-Infinity);
    value[0] = 0;
    let reachable = [0];
    const parentState: Int32Array[] = [];
    const parentMask: Int32Array[] = [];
    const slotPlans: SlotPlans[] = [];
    slots.forEach((slot, step) => {
      const here = active[step];
      const best = this.bestPerMask(slot, here);
      slotPlans.push(best);
      const { masks, increment } = this.movesOf(best, here);
      const next = new Float64Array(stateCount).fill(-Infinity);
      const fromState = new Int32Array(stateCount).fill(NONE);
      const viaMask = new Int32Array(stateCount);
      const nextReachable: number[] = [];
      for (const state of reachable) {
        const base = value[state];
        const full = this.ordersAtNeed(state, here);
        for (let move = 0; move < masks.length; move++) {
          const mask = masks[move];
          if ((mask & full) !== 0) continue;
          const target = state + increment[move];
          const total = base + best.values[mask];
          if (next[target] === -Infinity) nextReachable.push(target);
          if (total > next[target]) {
            next[target] = total;
            fromState[target] = state;
            viaMask[target] = mask;
          }
        }
      }
      this.steps += reachable.length * masks.length;
      parentState.push(fromState);
      parentMask.push(viaMask);
      value = next;
      reachable = nextReachable;
    });
    let end = NONE;
    for (const state of reachable) {
      if (!this.complete(state)) continue;
      if (end === NONE || value[state] > value[end]) end = state;
    }
    const plan: [number, number, number][] = [];
    for (let step = slots.length - 1; step >= 0 && end !== NONE; step--) {
      const mask = parentMask[step][end];
      const { sites } = slotPlans[step];
      const n = active[step].length;
      active[step].forEach((i, j) => {
        if (mask & (1 << j)) plan.push([this.orders[i], sites[mask * n + j], slots[step]]);
      });
      end = parentState[step][end];
    }
    return plan.reverse();
  }

  /**
   * Evaluates each order alone at each site in `slot` into `options`; returns the orders
   * (indices into `orders`) that can run there.
   */
  private collectOptions(slot: number): number[] {
    const { engine, orders, options } = this;
    const model = engine.model;
    const here: number[] = [];
    orders.forEach((order, i) => {
      const compiled = model.orders[order];
      if (
        engine.allocationAt[order * engine.slotCount + slot] !== NONE ||
        !compiled.slots.includes(slot)
      )
        return;
      const list: Option[] = [];
      for (let j = 0; j < compiled.sites.length && compiled.minReserve[j] <= compiled.bid; j++) {
        const site = compiled.sites[j];
        const reserve = engine.evaluate(order, site, slot);
        if (reserve < 0) continue;
        const energyGpus = Math.floor(engine.availableWh / model.whPerGpuHour[site]);
        list.push({ site, value: compiled.gpus * (compiled.bid - reserve), reserve, energyGpus });
      }
      options[i][slot] = list;
      if (list.length > 0) here.push(i);
    });
    return here;
  }

  /**
   * The masks worth a transition and how each moves the state. Orders that need no tracking
   * leave the state as it is: of the masks that differ only in them, the best one is enough.
   */
  private movesOf(best: SlotPlans, here: number[]): { masks: number[]; increment: number[] } {
    let tracked = 0;
    here.forEach((i, j) => {
      if (this.radix[i] > 1) tracked |= 1 << j;
    });
    const bestOfProjection = new Map<number, number>();
    for (let mask = 0; mask < best.values.length; mask++) {
      if (best.values[mask] === -Infinity) continue;
      const projection = mask & tracked;
      const incumbent = bestOfProjection.get(projection);
      if (incumbent === undefined || best.values[mask] > best.values[incumbent]) {
        bestOfProjection.set(projection, mask);
      }
    }
    const masks = [...bestOfProjection.values()];
    const increment = masks.map((mask) => {
      let sum = 0;
      here.forEach((i, j) => {
        if (mask & tracked & (1 << j)) sum += this.stride[i];
      });
      return sum;
    });
    return { masks, increment };
  }

  /**
   * Bits over `here` of the orders that already have all they need in `state` (an untracked
   * order never does: it has no more free slots than it wants).
   */
  private ordersAtNeed(state: number, here: number[]): number {
    let full = 0;
    for (let j = 0; j < here.length; j++) {
      const i = here[j];
      if (this.radix[i] === 1) continue;
      if (Math.floor(state / this.stride[i]) % this.radix[i] >= this.need[i]) full |= 1 << j;
    }
    return full;
  }

  /** Every all-or-none order has all of its slots, or none if it holds none elsewhere. */
  private complete(state: number): boolean {
    for (let i = 0; i < this.orders.length; i++) {
      if (!this.engine.model.orders[this.orders[i]].allOrNone) continue;
      const count = Math.floor(state / this.stride[i]) % this.radix[i];
      if (count !== this.need[i] && (count !== 0 || this.mustFill[i])) return false;
    }
    return true;
  }

  /**
   * For each set of the slot's orders (a bitmask over `here`), the best value of running
   * exactly those, each at one site, within the cells' GPUs, energy and price bounds.
   */
  private bestPerMask(slot: number, here: number[]): SlotPlans {
    const options = this.options;
    const engine = this.engine;
    const model = engine.model;
    const slotCount = engine.slotCount;
    const n = here.length;
    const values = new Float64Array(1 << n).fill(-Infinity);
    const sites = new Int32Array((1 << n) * n);
    values[0] = 0;
    const siteCount = model.sites.length;
    const usedGpus = new Int32Array(siteCount);
    const cellBid = new Float64Array(siteCount).fill(Infinity);
    const cellReserve = new Float64Array(siteCount).fill(-Infinity);
    const chosen = new Int32Array(n).fill(NONE);
    const visit = (j: number, mask: number, total: number): void => {
      this.steps++;
      if (j === n) {
        if (total > values[mask]) {
          values[mask] = total;
          sites.set(chosen, mask * n);
        }
        return;
      }
      visit(j + 1, mask, total);
      const i = here[j];
      const gpusOfOrder = model.orders[this.orders[i]].gpus;
      const bidOfOrder = model.orders[this.orders[i]].bid;
      for (const option of options[i][slot]) {
        const site = option.site;
        const gpus = usedGpus[site] + gpusOfOrder;
        if (gpus > engine.freeGpus[site * slotCount + slot] || gpus > option.energyGpus) continue;
        const savedBid = cellBid[site];
        const savedReserve = cellReserve[site];
        const bid = Math.min(savedBid, bidOfOrder);
        const reserve = Math.max(savedReserve, option.reserve);
        if (reserve > bid) continue;
        usedGpus[site] = gpus;
        cellBid[site] = bid;
        cellReserve[site] = reserve;
        chosen[j] = site;
        visit(j + 1, mask | (1 << j), total + option.value);
        chosen[j] = NONE;
        usedGpus[site] -= gpusOfOrder;
        cellBid[site] = savedBid;
        cellReserve[site] = savedReserve;
      }
    };
    visit(0, 0, 0);
    return { values, sites };
  }
}
