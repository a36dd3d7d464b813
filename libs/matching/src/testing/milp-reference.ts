/**
 * The matching problem as a mixed-integer program, solved by HiGHS: the reference optimum the
 * engine is measured against. Built only from the shared rules (`model/rules.ts`), not from the
 * engine's compiled model, so the two are independent implementations of the same problem.
 *
 * Variables, per candidate i = (order o, site s, slot t) that could hold the order alone:
 *   x_i ∈ {0,1}   the order's `gpus` run at s during t
 *   w_ik ≥ 0      GPUs' worth of energy drawn from qualifying offer k (continuous)
 *   c_i ≥ 0       reserve paid, ≥ gpus × site reserve and ≥ Σ_k w_ik × energyReserve_k
 *                 (only when some qualifying offer's energy reserve exceeds the site's)
 *   y_o ∈ {0,1}   all-or-none order o is filled
 *   π_st          the uniform price of (s, t), where reserves can differ between allocations
 * maximise Σ_i gpus·bid·x_i − c_i   (or gpus·(bid − site reserve)·x_i when c_i is not needed)
 * subject to
 *   Σ_k w_ik = gpus·x_i                         energy powers every GPU
 *   Σ_s x_ost ≤ 1                               one site per order and slot
 *   Σ_st x_ost ≤ H_o   (= H_o·y_o if all-or-none) hours
 *   Σ_o gpus_o·x_ost ≤ free_st                  GPUs
 *   Σ_os e_s·w_ik ≤ unallocatedWh_kt            Wh of each offer and slot
 *   π_st ≤ bid_o + M(1 − x_i),  Σ_k w_ik·energyReserve_k / gpus ≤ π_st + M(1 − x_i)
 * Continuous energy and an unrounded mixed reserve make the optimum an upper bound of what the
 * engine (integer Wh, reserve of a mix rounded up) could reach: gaps are measured pessimistically.
 */
import type { Highs } from 'highs';
import {
  energyReservePerGpuHour,
  offerFeedsSite,
  offerQualifiesForOrder,
  siteEligibleForOrder,
  slotsToFill,
  usableSlotIndices,
} from '../model/rules';
import { MatchingSnapshot } from '../model/types';
import { slotAt, slotHour } from '@policloud/domain';

export interface MilpOutcome {
  /** HiGHS model status text, e.g. 'Optimal', 'Time limit reached'. */
  status: string;
  optimal: boolean;
  /** Best welfare found (the objective of the incumbent). */
  welfare: number;
  /** Proven upper bound on welfare. */
  bound: number;
  seconds: number;
  columns: number;
  rows: number;
  /** Chosen (order, site, slot) triples of the incumbent. */
  chosen: { orderId: string; siteId: string; slot: string }[];
}

let loaded: Promise<Highs> | undefined;

/** The HiGHS wasm runtime, loaded once per process. */
export function loadHighs(): Promise<Highs> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= (require('highs') as (options?: object) => Promise<Highs>)();
  return loaded;
}

class ModelBuilder {
  cost: number[] = [];
  lower: number[] = [];
  upper: number[] = [];
  integrality: number[] = [];
  rowLower: number[] = [];
  rowUpper: number[] = [];
  rowStarts: number[] = [0];
  rowIndex: number[] = [];
  rowValue: number[] = [];

  col(cost: number, lower: number, upper: number, integer = false): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    this.integrality.push(integer ? 1 : 0);
    return this.cost.length - 1;
  }

  row(lower: number, upper: number, terms: readonly (readonly [number, number])[]): void {
    for (const [col, value] of terms) {
      this.rowIndex.push(col);
      this.rowValue.push(value);
    }
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    this.rowStarts.push(this.rowIndex.length);
  }
}

export function solveMatchingMilp(
  highs: Highs,
  snapshot: MatchingSnapshot,
  options: { timeLimitSeconds: number; relativeGap?: number },
): MilpOutcome {
  const INF = highs.infinity;
  const b = new ModelBuilder();
  const start = slotHour(snapshot.horizon.start);
  const fee = snapshot.platformFeeBps;
  const offerIndex = new Map(snapshot.offers.map((offer, k) => [offer.offerId, k]));
  const wh = (k: number, t: number) => snapshot.offers[k].unallocatedWh[slotAt(start + t)] ?? 0;
  const free = (s: number, t: number) => snapshot.sites[s].freeGpus[slotAt(start + t)] ?? 0;
  const maxBid = Math.max(1, ...snapshot.orders.map((o) => o.maxPricePerGpuHour));

  const orderSlotRows = new Map<string, [number, number][]>();
  const cellRows = new Map<string, [number, number][]>();
  const offerRows = new Map<string, [number, number][]>();
  const couplings = new Map<string, { x: number; bid: number; reserve: number | undefined }[]>();
  const cellsWhereReservesDiffer = new Set<string>();
  const chosenOf: { x: number; orderId: string; siteId: string; slot: string }[] = [];
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };

  let maxEnergyReserve = 0;
  snapshot.orders.forEach((order) => {
    const hours = slotsToFill(order);
    const slots = usableSlotIndices(order, snapshot.horizon);
    if (hours === 0 || slots.length === 0 || (order.allOrNone && slots.length < hours)) return;
    const g = order.gpus;
    const orderCols: number[] = [];
    snapshot.sites.forEach((site, s) => {
      if (!siteEligibleForOrder(order, site)) return;
      const qualifying = snapshot.offers
        .filter((offer) => offerFeedsSite(offer, site) && offerQualifiesForOrder(order, offer))
        .map((offer) => ({
          k: offerIndex.get(offer.offerId) as number,
          reserve: energyReservePerGpuHour(site, offer, fee),
        }));
      if (qualifying.length === 0) return;
      const r = site.reservePricePerGpuHour;
      const e = site.energyPerGpuHourWh;
      for (const t of slots) {
        if (free(s, t) < g) continue;
        const usable = qualifying.filter((q) => wh(q.k, t) > 0);
        if (usable.reduce((sum, q) => sum + wh(q.k, t), 0) < g * e) continue;
        const cheapest = Math.min(...usable.map((q) => q.reserve));
        if (Math.max(r, cheapest) > order.maxPricePerGpuHour) continue;
        const energyBinds = usable.some((q) => q.reserve > r);
        const x = b.col(
          energyBinds ? g * order.maxPricePerGpuHour : g * (order.maxPricePerGpuHour - r),
          0,
          1,
          true,
        );
        orderCols.push(x);
        chosenOf.push({ x, orderId: order.orderId, siteId: site.siteId, slot: slotAt(start + t) });
        const energy: [number, number][] = [];
        const draw: [number, number][] = [[x, -g]];
        for (const q of usable) {
          const w = b.col(0, 0, g);
          draw.push([w, 1]);
          energy.push([w, q.reserve]);
          push(offerRows, `${q.k}|${t}`, [w, e / 1000] as [number, number]);
          maxEnergyReserve = Math.max(maxEnergyReserve, q.reserve);
        }
        b.row(0, 0, draw);
        let reserve: number | undefined;
        if (energyBinds) {
          // ρ: the reserve per GPU-hour, a whole minor unit ≥ the mix's mean (rounded up, as
          // the engine rounds it), paid on every GPU.
          reserve = b.col(-g, 0, INF, true);
          b.row(0, INF, [
            [reserve, 1],
            [x, -r],
          ]);
          b.row(0, INF, [
            [reserve, g],
            ...energy.map(([w, perGpu]) => [w, -perGpu] as [number, number]),
          ]);
          cellsWhereReservesDiffer.add(`${s}|${t}`);
        }
        push(couplings, `${s}|${t}`, { x, bid: order.maxPricePerGpuHour, reserve });
        push(orderSlotRows, `${order.orderId}|${t}`, [x, 1] as [number, number]);
        push(cellRows, `${s}|${t}`, [x, g] as [number, number]);
      }
    });
    if (orderCols.length === 0) return;
    if (order.allOrNone) {
      const y = b.col(0, 0, 1, true);
      b.row(0, 0, [...orderCols.map((x) => [x, 1] as [number, number]), [y, -hours]]);
    } else if (orderCols.length > hours) {
      b.row(
        -INF,
        hours,
        orderCols.map((x) => [x, 1] as [number, number]),
      );
    }
  });
  for (const terms of orderSlotRows.values()) if (terms.length > 1) b.row(-INF, 1, terms);
  for (const [key, terms] of cellRows) {
    const [s, t] = key.split('|').map(Number);
    if (terms.reduce((sum, [, g]) => sum + g, 0) > free(s, t)) b.row(-INF, free(s, t), terms);
  }
  for (const [key, terms] of offerRows) {
    const [k, t] = key.split('|').map(Number);
    b.row(-INF, wh(k, t) / 1000, terms);
  }
  const M = maxBid + maxEnergyReserve + 1;
  for (const [cell, members] of couplings) {
    if (members.length < 2 || !cellsWhereReservesDiffer.has(cell)) continue;
    const price = b.col(0, 0, M);
    for (const { x, bid, reserve } of members) {
      b.row(-INF, bid + M, [
        [price, 1],
        [x, M],
      ]);
      if (reserve === undefined) continue;
      b.row(-INF, M, [
        [reserve, 1],
        [price, -1],
        [x, M],
      ]);
    }
  }

  const numCols = b.cost.length;
  const numRows = b.rowLower.length;
  if (numCols === 0) {
    return {
      status: 'Empty',
      optimal: true,
      welfare: 0,
      bound: 0,
      seconds: 0,
      columns: 0,
      rows: 0,
      chosen: [],
    };
  }
  const model = highs.createModel({
    numCols,
    numRows,
    sense: highs.constants.objectiveSense.maximize,
    colCost: Float64Array.from(b.cost),
    colLower: Float64Array.from(b.lower),
    colUpper: Float64Array.from(b.upper),
    rowLower: Float64Array.from(b.rowLower),
    rowUpper: Float64Array.from(b.rowUpper),
    matrix: {
      format: 'csr',
      numRows,
      numCols,
      starts: Int32Array.from(b.rowStarts),
      indices: Int32Array.from(b.rowIndex),
      values: Float64Array.from(b.rowValue),
    },
    integrality: Int32Array.from(b.integrality),
  });
  try {
    model.options.set({
      output_flag: false,
      time_limit: options.timeLimitSeconds,
      mip_rel_gap: options.relativeGap ?? 1e-7,
    });
    const started = performance.now();
    model.run();
    const seconds = (performance.now() - started) / 1000;
    const status = model.getModelStatus();
    const statusText =
      Object.entries(highs.constants.modelStatus).find(([, code]) => code === status)?.[0] ??
      String(status);
    const hasSolution = Number(model.info.get('primal_solution_status')) === 2;
    const welfare = hasSolution ? model.getObjectiveValue() : 0;
    const bound = Number(model.info.get('mip_dual_bound'));
    const values = hasSolution ? model.getSolution().colValue : new Float64Array(numCols);
    const chosen = chosenOf
      .filter(({ x }) => values[x] > 0.5)
      .map(({ orderId, siteId, slot }) => ({ orderId, siteId, slot }));
    return {
      status: statusText,
      optimal: status === highs.constants.modelStatus.optimal,
      welfare,
      bound: Number.isFinite(bound) ? bound : welfare,
      seconds,
      columns: numCols,
      rows: numRows,
      chosen,
    };
  } finally {
    model.dispose();
  }
}
