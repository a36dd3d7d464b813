/**
 * An upper bound of the welfare of any matching, tight enough to judge the engine at the 2030
 * size: the Lagrangian relaxation of the market's capacities, minimised from one price per
 * market of sites (golden section) by projected subgradient steps (first each price scaled on
 * its own, then Polyak steps from the best prices met).
 *
 * The relaxed problem. Each order o may run its `gpus` at one eligible site s per usable slot t,
 * on at most `wanted` slots (all or none of them if it says so), and only at a cell that could
 * hold all its GPUs; each GPU-hour earns at most `bid − minReserve(o, s)` (the engine's reserve
 * is the site's or the Wh-weighted mean of the qualifying offers' energy reserves, whichever is
 * higher, never below the best qualifying offer's: `minReserve`). Two families of capacities
 * couple the orders:
 * - per cell (s, t): GPUs ≤ `cap = min(free GPUs, ⌊Wh of every offer feeding s at t / e_s⌋)`,
 *   the energy folded in (a valid cut, since GPUs are whole and every GPU-hour draws e_s Wh);
 * - per offer and slot (k, t): Wh drawn by all the sites it feeds ≤ its unallocated Wh.
 * Dropping the cells' uniform prices and the offers' qualification filters in the energy prices
 * only loosens the problem.
 *
 * For prices λ(s, t) ≥ 0 and μ(k, t) ≥ 0 (μ per GPU-hour of the offer's thriftiest site), a
 * GPU-hour at (s, t) costs at least `λ(s, t) + min over offers k feeding s of μ(k, t) × e_s/e_k`
 * on top of its reserve (whatever mix of offers it draws), so
 *   L(λ, μ) = Σ λ·cap + Σ μ·Wh/e_k + Σ_o best_o(λ, μ)
 * with best_o the order's best `wanted` slots, each at its best site, priced, is ≥ the welfare
 * of every matching (weak duality), for ANY λ, μ ≥ 0: every iterate is a valid bound and the
 * bound reported is the least of them. The steps only decide how fast it gets tight.
 *
 * Cost: orders sharing eligible sites and reserves (one constraints key) form a class. Per class
 * and slot, once an iteration, the sites worth taking are kept as a short frontier (best value
 * for each size of order: a larger cap never with a better value), and the slots are ranked
 * by the best value for a few order sizes; each order walks the ranking of the largest size up
 * to its own, best first, until no slot left can beat the `wanted` it holds.
 */
import { CompiledModel, compileSnapshot } from '../../libs/matching/src/model/compiled-model';
import { MatchingSnapshot } from '../../libs/matching/src';

export interface LagrangianBoundOptions {
  /** Subgradient iterations at most (default 150). */
  iterations?: number;
  /**
   * Welfare some matching reaches (e.g. the engine's): the Polyak step aims at it. Only the
   * speed depends on it, never the validity.
   */
  lowerBound?: number;
  /** Called with each iteration's dual value (for tracing the convergence). */
  onIteration?: (iteration: number, dual: number) => void;
}

export interface LagrangianBound {
  /** The least dual value met: no matching has more welfare. */
  bound: number;
  /** The dual value with every price at zero: every order at its best slots and sites. */
  unpriced: number;
  /** Subgradient iterations run. */
  iterations: number;
  /** Dual values computed in all (the start's search and the iterations). */
  evaluations: number;
  ms: number;
}

/** Golden-section steps of each market's starting price. */
const MARKET_PRICE_STEPS = 10;

/** Share of the iterations spent in the first, normalized phase. */
const NORMALIZED_SHARE = 0.5;

/** Sites kept per class and slot; beyond it two neighbours merge into one looser entry. */
const FRONTIER = 8;

interface OrderClass {
  sites: Int32Array;
  minReserve: Float64Array;
  /** Largest order of the class: a cap above it is as good as it. */
  maxGpus: number;
  /**
   * Per slot, up to FRONTIER entries by value, highest first, caps rising: the value
   * `−minReserve − price`, the site, and its cap (a merged entry carries the higher value and
   * the higher cap of two: an overestimate, so still a bound).
   */
  value: Float64Array;
  site: Int32Array;
  cap: Float64Array;
  length: Uint8Array;
  /** Order sizes (GPUs) at which the class's slots are ranked apart, ascending. */
  levels: number[];
  /** Per level: each slot's best value for an order of that size, and slots by it. */
  levelValue: Float64Array[];
  levelRanked: Int32Array[];
  /** GPUs of the class's orders. */
  sizes: number[];
}

/** Rankings per class, by order size: an order walks the one of the largest size ≤ its own. */
const LEVELS = 6;

interface RelaxedOrder {
  cls: OrderClass;
  level: number;
  allOrNone: boolean;
  gpus: number;
  bid: number;
  wanted: number;
  /** Usable slots [from, to) when contiguous; otherwise `usable` marks them. */
  from: number;
  to: number;
  usable?: Uint8Array;
}

export function lagrangianBound(
  snapshot: MatchingSnapshot,
  options: LagrangianBoundOptions = {},
): LagrangianBound {
  return lagrangianBoundOfModel(compileSnapshot(snapshot), options);
}

export function lagrangianBoundOfModel(
  model: CompiledModel,
  options: LagrangianBoundOptions = {},
): LagrangianBound {
  const started = performance.now();
  const maxIterations = options.iterations ?? 150;
  const T = model.slotCount;
  const siteCount = model.sites.length;
  const offerCount = model.offers.length;

  // Cells: free GPUs capped by the energy that could reach them.
  const cellCap = new Float64Array(siteCount * T);
  for (let s = 0; s < siteCount; s++) {
    const e = model.whPerGpuHour[s];
    for (let t = 0; t < T; t++) {
      let wh = 0;
      for (const k of model.siteOffers[s]) wh += model.whLeft[k * T + t];
      cellCap[s * T + t] = Math.min(model.free[s * T + t], Math.floor(wh / e));
    }
  }
  // Offers: Wh in GPU-hours of the thriftiest site each feeds (keeps λ and μ on one scale).
  const offerE = new Float64Array(offerCount).fill(Infinity);
  for (let s = 0; s < siteCount; s++) {
    for (const k of model.siteOffers[s]) offerE[k] = Math.min(offerE[k], model.whPerGpuHour[s]);
  }
  const offerCap = new Float64Array(offerCount * T);
  for (let k = 0; k < offerCount; k++) {
    if (offerE[k] === Infinity) continue;
    for (let t = 0; t < T; t++) offerCap[k * T + t] = model.whLeft[k * T + t] / offerE[k];
  }
  /** Per site, per feeding offer: offer GPU-hours one of the site's GPU-hours uses. */
  const drawRatio = model.siteOffers.map((offers, s) =>
    Float64Array.from(offers, (k) => model.whPerGpuHour[s] / offerE[k]),
  );

  const classes = new Map<Int32Array, OrderClass>();
  const orders: RelaxedOrder[] = [];
  let maxWanted = 0;
  for (const order of model.orders) {
    if (order.staticReason !== undefined || order.wanted === 0 || order.slots.length === 0) {
      continue;
    }
    let cls = classes.get(order.sites);
    if (!cls) {
      cls = {
        sites: order.sites,
        minReserve: order.minReserve,
        maxGpus: 0,
        value: new Float64Array(T * FRONTIER),
        site: new Int32Array(T * FRONTIER),
        cap: new Float64Array(T * FRONTIER),
        length: new Uint8Array(T),
        levels: [],
        levelValue: [],
        levelRanked: [],
        sizes: [],
      };
      classes.set(order.sites, cls);
    }
    cls.maxGpus = Math.max(cls.maxGpus, order.gpus);
    cls.sizes.push(order.gpus);
    const from = order.slots[0];
    const to = order.slots[order.slots.length - 1] + 1;
    const relaxed: RelaxedOrder = {
      cls,
      level: 0,
      allOrNone: order.allOrNone,
      gpus: order.gpus,
      bid: order.bid,
      wanted: Math.min(order.wanted, order.slots.length),
      from,
      to,
    };
    if (to - from !== order.slots.length) {
      relaxed.usable = new Uint8Array(T);
      for (const t of order.slots) relaxed.usable[t] = 1;
    }
    maxWanted = Math.max(maxWanted, relaxed.wanted);
    orders.push(relaxed);
  }
  const classList = [...classes.values()];
  for (const cls of classList) {
    // Sizes at the class's quantiles: most orders walk a ranking close to their own values.
    const sizes = [...cls.sizes].sort((a, b) => a - b);
    for (let j = 0; j < LEVELS; j++) {
      const size = sizes[Math.floor((j * sizes.length) / LEVELS)];
      if (cls.levels[cls.levels.length - 1] !== size) cls.levels.push(size);
    }
    cls.levelValue = cls.levels.map(() => new Float64Array(T));
    cls.levelRanked = cls.levels.map(() => Int32Array.from({ length: T }, (_, t) => t));
    cls.sizes = [];
  }
  for (const order of orders) {
    const { levels } = order.cls;
    while (order.level + 1 < levels.length && levels[order.level + 1] <= order.gpus) order.level++;
  }

  const lambda = new Float64Array(siteCount * T);
  const mu = new Float64Array(offerCount * T);
  const price = new Float64Array(siteCount * T);
  const usage = new Float64Array(siteCount * T);
  const cellGradient = new Float64Array(siteCount * T);
  const offerGradient = new Float64Array(offerCount * T);
  const bestLambda = new Float64Array(siteCount * T);
  const bestMu = new Float64Array(offerCount * T);
  // First phase: each price moves by about `step` a time in the direction of its own excess
  // demand (gradients scaled by their running RMS), the step shrinking geometrically from half
  // an order's typical surplus per GPU-hour to a hundredth of it.
  const normalizedIterations = Math.floor(maxIterations * NORMALIZED_SHARE);
  const cellSquares = new Float64Array(siteCount * T);
  const offerSquares = new Float64Array(offerCount * T);
  let typicalSurplus = 0;
  for (const order of orders) typicalSurplus += Math.max(0, order.bid - order.cls.minReserve[0]);
  typicalSurplus /= Math.max(1, orders.length);
  // An order's best slots so far: a min-heap by value.
  const heap = new SlotHeap(maxWanted);
  const { value: heapValue, slot: heapSlot, site: heapSite } = heap;

  /** The class's frontier at slot t, rebuilt from the prices. */
  const buildFrontier = (cls: OrderClass, t: number): void => {
    const { sites, minReserve, value, site, cap } = cls;
    const base = t * FRONTIER;
    let length = 0;
    for (let i = 0; i < sites.length; i++) {
      // Sites come by lowest reserve and prices are ≥ 0: once the entry with the largest
      // cap is large enough for every order, no later site can add anything.
      if (length > 0 && -minReserve[i] <= value[base + length - 1]) {
        if (cap[base + length - 1] >= cls.maxGpus) break;
      }
      const cell = sites[i] * T + t;
      const cellCapacity = Math.min(cellCap[cell], cls.maxGpus);
      if (cellCapacity === 0) continue;
      const candidate = -minReserve[i] - price[cell];
      // Entries at least as valuable come first; if the last of them is as large, it wins.
      let at = 0;
      while (at < length && value[base + at] >= candidate) at++;
      if (at > 0 && cap[base + at - 1] >= cellCapacity) continue;
      // Later entries no larger than the candidate are beaten by it.
      let end = at;
      while (end < length && cap[base + end] <= cellCapacity) end++;
      const removed = end - at;
      if (removed === 0) {
        for (let j = length; j > at; j--) {
          value[base + j] = value[base + j - 1];
          site[base + j] = site[base + j - 1];
          cap[base + j] = cap[base + j - 1];
        }
        length++;
      } else if (removed > 1) {
        for (let j = end; j < length; j++) {
          value[base + j - removed + 1] = value[base + j];
          site[base + j - removed + 1] = site[base + j];
          cap[base + j - removed + 1] = cap[base + j];
        }
        length -= removed - 1;
      }
      value[base + at] = candidate;
      site[base + at] = sites[i];
      cap[base + at] = cellCapacity;
      if (length > FRONTIER - 1) {
        // Full: the two closest neighbours become one entry with the higher value and cap.
        let merge = 0;
        for (let j = 1; j < length - 1; j++) {
          if (
            value[base + j] - value[base + j + 1] <
            value[base + merge] - value[base + merge + 1]
          ) {
            merge = j;
          }
        }
        cap[base + merge] = cap[base + merge + 1];
        for (let j = merge + 1; j < length - 1; j++) {
          value[base + j] = value[base + j + 1];
          site[base + j] = site[base + j + 1];
          cap[base + j] = cap[base + j + 1];
        }
        length--;
      }
    }
    cls.length[t] = length;
  };

  /** The dual value at (lambda, mu); fills `price` and `usage` on the way. */
  const evaluate = (): number => {
    // A GPU-hour's price at each cell: its own and its cheapest energy's.
    for (let s = 0; s < siteCount; s++) {
      const offers = model.siteOffers[s];
      const ratio = drawRatio[s];
      for (let t = 0; t < T; t++) {
        let cheapest = offers.length === 0 ? 0 : Infinity;
        for (let j = 0; j < offers.length; j++) {
          cheapest = Math.min(cheapest, mu[offers[j] * T + t] * ratio[j]);
        }
        price[s * T + t] = lambda[s * T + t] + cheapest;
      }
    }
    for (const cls of classList) {
      for (let t = 0; t < T; t++) buildFrontier(cls, t);
      const { value, cap, length } = cls;
      cls.levels.forEach((size, level) => {
        const top = cls.levelValue[level];
        for (let t = 0; t < T; t++) {
          let j = 0;
          while (j < length[t] && cap[t * FRONTIER + j] < size) j++;
          top[t] = j === length[t] ? -Infinity : value[t * FRONTIER + j];
        }
        cls.levelRanked[level].sort((a, b) => top[b] - top[a] || a - b);
      });
    }
    // Each order's best `wanted` slots: walked by the best value of its level (an upper bound
    // of the order's own at each slot), until that cannot beat the worst slot held.
    usage.fill(0);
    let dual = 0;
    for (const order of orders) {
      const { value, site, cap, length } = order.cls;
      const ranked = order.cls.levelRanked[order.level];
      const top = order.cls.levelValue[order.level];
      const { gpus, bid, wanted, allOrNone } = order;
      heap.size = 0;
      for (let r = 0; r < T; r++) {
        const held = heap.size;
        const t = ranked[r];
        const upper = top[t];
        if (upper === -Infinity || (!allOrNone && bid + upper <= 0)) break;
        if (held === wanted && upper <= heapValue[0]) break;
        if (order.usable ? order.usable[t] === 0 : t < order.from || t >= order.to) continue;
        let j = 0;
        while (j < length[t] && cap[t * FRONTIER + j] < gpus) j++;
        if (j === length[t]) continue;
        const own = value[t * FRONTIER + j];
        if (!allOrNone && bid + own <= 0) continue;
        if (held < wanted) heap.push(own, t, site[t * FRONTIER + j]);
        else if (own > heapValue[0]) heap.replaceTop(own, t, site[t * FRONTIER + j]);
      }
      const held = heap.size;
      if (allOrNone) {
        // All its slots or none: the best `wanted` together, if they add welfare at all.
        let total = 0;
        for (let i = 0; i < held; i++) total += bid + heapValue[i];
        if (held < wanted || total <= 0) continue;
      }
      for (let i = 0; i < held; i++) {
        dual += gpus * (bid + heapValue[i]);
        usage[heapSite[i] * T + heapSlot[i]] += gpus;
      }
    }
    for (let c = 0; c < cellCap.length; c++) dual += lambda[c] * cellCap[c];
    for (let c = 0; c < offerCap.length; c++) dual += mu[c] * offerCap[c];
    return dual;
  };

  const unpriced = evaluate();
  let bound = unpriced;
  let evaluations = 1;
  // Start from one price per market of sites (currency and GPU model), each found by golden
  // section in turn (the dual is convex along any line): about the knapsack's bound already.
  const markets = new Map<string, number[]>();
  model.sites.forEach((site, s) => {
    const key = `${site.currency}|${site.gpuModel}`;
    const list = markets.get(key);
    if (list) list.push(s);
    else markets.set(key, [s]);
  });
  let maxBid = 0;
  for (const order of orders) maxBid = Math.max(maxBid, order.bid);
  const dualAtMarketPrice = (sites: number[], p: number): number => {
    for (const s of sites) lambda.fill(p, s * T, (s + 1) * T);
    const dual = evaluate();
    evaluations++;
    if (dual < bound) {
      bound = dual;
      bestLambda.set(lambda);
    }
    return dual;
  };
  const golden = (Math.sqrt(5) - 1) / 2;
  for (const sites of markets.values()) {
    let low = 0;
    let high = maxBid;
    let x1 = high - golden * (high - low);
    let x2 = low + golden * (high - low);
    let f1 = dualAtMarketPrice(sites, x1);
    let f2 = dualAtMarketPrice(sites, x2);
    for (let step = 0; step < MARKET_PRICE_STEPS; step++) {
      if (f1 <= f2) {
        high = x2;
        x2 = x1;
        f2 = f1;
        x1 = high - golden * (high - low);
        f1 = dualAtMarketPrice(sites, x1);
      } else {
        low = x1;
        x1 = x2;
        f1 = f2;
        x2 = low + golden * (high - low);
        f2 = dualAtMarketPrice(sites, x2);
      }
    }
    lambda.set(bestLambda);
  }
  let theta = 2;
  let sinceImprovement = 0;
  let iterations = 0;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    iterations++;
    evaluations++;
    const dual = evaluate();
    options.onIteration?.(iteration, dual);
    if (dual < bound - 1e-9 * Math.abs(dual)) {
      bound = dual;
      bestLambda.set(lambda);
      bestMu.set(mu);
      sinceImprovement = 0;
    } else if (++sinceImprovement >= 5) {
      theta /= 2;
      sinceImprovement = 0;
    }

    // Subgradient: capacity minus use. A cell's GPU-hours draw from its cheapest offers (split
    // by their Wh where several tie: a convex combination of subgradients).
    for (let c = 0; c < cellCap.length; c++) cellGradient[c] = cellCap[c] - usage[c];
    offerGradient.set(offerCap);
    for (let s = 0; s < siteCount; s++) {
      const offers = model.siteOffers[s];
      const ratio = drawRatio[s];
      for (let t = 0; t < T; t++) {
        const used = usage[s * T + t];
        if (used === 0 || offers.length === 0) continue;
        const cheapest = price[s * T + t] - lambda[s * T + t];
        let tiedCap = 0;
        let tied = 0;
        for (let j = 0; j < offers.length; j++) {
          if (mu[offers[j] * T + t] * ratio[j] <= cheapest) {
            tiedCap += offerCap[offers[j] * T + t];
            tied++;
          }
        }
        for (let j = 0; j < offers.length; j++) {
          const k = offers[j];
          if (mu[k * T + t] * ratio[j] > cheapest) continue;
          const share = tiedCap > 0 ? offerCap[k * T + t] / tiedCap : 1 / tied;
          offerGradient[k * T + t] -= used * ratio[j] * share;
        }
      }
    }
    // Projected: a price at zero with room to spare stays at zero; a cell that can hold
    // nothing is never used, whatever its price.
    let norm = 0;
    for (let c = 0; c < cellGradient.length; c++) {
      if (cellCap[c] === 0 || (lambda[c] === 0 && cellGradient[c] > 0)) cellGradient[c] = 0;
      norm += cellGradient[c] * cellGradient[c];
    }
    for (let c = 0; c < offerGradient.length; c++) {
      if (mu[c] === 0 && offerGradient[c] > 0) offerGradient[c] = 0;
      norm += offerGradient[c] * offerGradient[c];
    }
    if (norm === 0) break; // the relaxed solution fits every capacity: the bound is exact
    const target = options.lowerBound ?? 0.95 * bound;
    if (dual - target <= 1e-9 * Math.abs(dual)) break; // the bound meets a known matching
    if (iteration < normalizedIterations - 1) {
      const step =
        typicalSurplus * 0.5 * Math.pow(0.02, iteration / Math.max(1, normalizedIterations - 1));
      normalizedStep(lambda, cellGradient, cellSquares, iteration === 0, step);
      normalizedStep(mu, offerGradient, offerSquares, iteration === 0, step);
      continue;
    }
    if (iteration === normalizedIterations - 1) {
      // Second phase: Polyak steps from the best prices met.
      lambda.set(bestLambda);
      mu.set(bestMu);
      theta = 2;
      sinceImprovement = 0;
      continue;
    }
    const step = (theta * (dual - target)) / norm;
    for (let c = 0; c < lambda.length; c++) {
      lambda[c] = Math.max(0, lambda[c] - step * cellGradient[c]);
    }
    for (let c = 0; c < mu.length; c++) mu[c] = Math.max(0, mu[c] - step * offerGradient[c]);
  }
  return { bound, unpriced, iterations, evaluations, ms: performance.now() - started };
}

/** One projected step of each price against its gradient scaled by the gradient's running RMS. */
function normalizedStep(
  prices: Float64Array,
  gradient: Float64Array,
  squares: Float64Array,
  first: boolean,
  step: number,
): void {
  for (let c = 0; c < prices.length; c++) {
    const g = gradient[c];
    squares[c] = first ? g * g : 0.9 * squares[c] + 0.1 * g * g;
    if (squares[c] > 0) prices[c] = Math.max(0, prices[c] - (step * g) / Math.sqrt(squares[c]));
  }
}

/** An order's best slots so far, worst on top: values with the slot and site of each. */
class SlotHeap {
  readonly value: Float64Array;
  readonly slot: Int32Array;
  readonly site: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.value = new Float64Array(capacity);
    this.slot = new Int32Array(capacity);
    this.site = new Int32Array(capacity);
  }

  push(v: number, t: number, s: number): void {
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.value[parent] <= v) break;
      this.move(parent, i);
      i = parent;
    }
    this.put(i, v, t, s);
  }

  /** Replaces the worst slot held with a better one. */
  replaceTop(v: number, t: number, s: number): void {
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.value[child + 1] < this.value[child]) child++;
      if (this.value[child] >= v) break;
      this.move(child, i);
      i = child;
    }
    this.put(i, v, t, s);
  }

  private move(from: number, to: number): void {
    this.value[to] = this.value[from];
    this.slot[to] = this.slot[from];
    this.site[to] = this.site[from];
  }

  private put(i: number, v: number, t: number, s: number): void {
    this.value[i] = v;
    this.slot[i] = t;
    this.site[i] = s;
  }
}
