import { mergeResults } from './decomposition/merge-results';
import { findRegions, regionModel } from './decomposition/regions';
import { MatchingEngine } from './engine-state/matching-engine';
import { runGreedy } from './greedy/lazy-greedy';
import { runSlotLazyGreedy } from './greedy/slot-lazy-greedy';
import { improve } from './improvement/improvement';
import { CompiledModel, compileSnapshot } from './model/compiled-model';
import { MatchingInputError } from './model/input-error';
import { MatchingResult, MatchingSnapshot } from './model/types';
import { buildResult } from './result/build-result';
import { searchNeighbourhoods } from './search/neighbourhoods';

export interface MatchingOptions {
  /** Run the improvement phase after the greedy (default true; false is for benchmarks). */
  improve?: boolean;
  /**
   * Site evaluations the whole run may spend (default 6 M, what production runs). Every share
   * of the search scales with it, so a smaller budget gives a valid, deterministic but possibly
   * lower-welfare result sooner: for tests whose invariants hold at any budget.
   */
  workBudget?: number;
  /**
   * Match each independent region of the market alone (`decomposition/`), each with a share
   * of the work budget in proportion to its orders. Default: from DECOMPOSE_FROM_ORDERS orders
   * up, so smaller markets keep the results they always had.
   */
  decompose?: boolean;
}

/**
 * One matching run: pure and deterministic. The same snapshot, in any order of its orders,
 * sites and offers, gives the same result, byte for byte once serialised as canonical JSON (`canonicalJson` of @policloud/audit).
 * Throws `MatchingInputError` on a malformed snapshot.
 */
export function matchOrders(
  snapshot: MatchingSnapshot,
  options: MatchingOptions = {},
): MatchingResult {
  const model = compileSnapshot(snapshot);
  if (
    options.workBudget !== undefined &&
    !(Number.isSafeInteger(options.workBudget) && options.workBudget > 0)
  ) {
    throw new MatchingInputError(
      `workBudget must be a positive integer, got ${options.workBudget}`,
    );
  }
  const totalWork = options.workBudget ?? TOTAL_WORK;
  const improveOn = options.improve !== false;
  const decompose = options.decompose ?? model.orders.length >= DECOMPOSE_FROM_ORDERS;
  const regions = decompose ? findRegions(model) : [];
  if (regions.length <= 1) {
    const large = decompose && model.orders.length >= LARGE_REGION_ORDERS;
    return buildResult(solve(model, totalWork, improveOn, large));
  }
  // Regions by their first site, each solved alone and dropped before the next (memory);
  // the results are merged in the canonical order, so the run stays deterministic.
  const results = regions.map((region) => {
    const regionWork = Math.max(
      MIN_REGION_WORK,
      Math.floor((totalWork * region.orders.length) / model.orders.length),
    );
    const large = region.orders.length >= LARGE_REGION_ORDERS;
    return buildResult(solve(regionModel(model, region), regionWork, improveOn, large));
  });
  const siteRank = new Map(model.sites.map((site, index) => [site.siteId, index]));
  return mergeResults(results, siteRank, model.slots);
}

/**
 * The engine's phases on one model within `totalWork` evaluations; returns the best engine.
 * `large`: one greedy ordering, lazy per slot (`slot-lazy-greedy.ts`), as a large region's
 * greedy alone spends many times the budget the other orderings would need; its improvement
 * keeps its budget, the ruin-and-recreate search is left out.
 */
function solve(
  model: CompiledModel,
  totalWork: number,
  improveOn: boolean,
  large = false,
): MatchingEngine {
  // Integer scaling: at the default budget every share is exactly the tuned constant.
  const share = (work: number) => Math.floor((work * totalWork) / TOTAL_WORK);
  let best: MatchingEngine | undefined;
  let spent = 0;
  // Several greedy orderings (plain surplus, then favouring large orders), each improved, while
  // the work budget lasts; the best welfare wins, the earlier run on a tie. Work is counted in
  // site evaluations, never timed, so the result does not depend on the machine.
  for (const sizeBias of large ? [0] : SIZE_BIASES) {
    const engine = new MatchingEngine(model);
    if (large) runSlotLazyGreedy(engine);
    else runGreedy(engine, sizeBias);
    if (improveOn) {
      // A large region's greedy skips the cells it knows closed, so its work says little of
      // its time: its improvement gets the floor share, in proportion to the region's size.
      const rest = large ? 0 : totalWork - spent - engine.work;
      improve(engine, Math.max(share(MIN_IMPROVEMENT_WORK), rest));
    }
    spent += engine.work;
    if (!best || engine.welfare > best.welfare) best = engine;
    if (!improveOn || spent >= totalWork / 2) break;
  }
  // A large region's search found nothing measurable (0 on a 89,141-order region, 1.3 s).
  if (improveOn && !large) {
    searchNeighbourhoods(best as MatchingEngine, share(neighbourhoodWork(model.orders.length)));
  }
  return best as MatchingEngine;
}

/**
 * Orders from which a market is split into its independent regions by default. Below it (the
 * sweep instances, the 10,000-order bench market) the whole market is one run, as it always
 * was: splitting changes how the work budget is shared, so it may change results.
 */
const DECOMPOSE_FROM_ORDERS = 20_000;
/** Orders from which a region of a split market runs the large-market greedy. */
const LARGE_REGION_ORDERS = 5_000;
/** Work every region gets at least, however few its orders (a small region settles fast). */
const MIN_REGION_WORK = 50_000;

/**
 * Evaluations one run may spend (greedy and improvement together), and the improvement's floor.
 * The greedy skips sites it found closed, so 6 M leaves a large market's improvement the budget
 * 10 M left it when the greedy evaluated them all.
 */
const TOTAL_WORK = 6_000_000;
const MIN_IMPROVEMENT_WORK = 1_500_000;
const SIZE_BIASES = [0, 1, 3];
/**
 * Work of the ruin-and-recreate search after the best improved greedy: plenty on the small and
 * medium markets where repackings decide the last fraction of a percent (growing with the
 * orders up to 47, as a small market settles sooner), shrinking with the number of orders
 * beyond 150 so a large market's run stays fast (there it rarely finds anything).
 */
const NEIGHBOURHOOD_WORK = 1_400_000;
const NEIGHBOURHOOD_WORK_PER_ORDER = 30_000;
const NEIGHBOURHOOD_WORK_FLOOR = 500_000;
/** Orders up to which the search gets its whole budget. */
const NEIGHBOURHOOD_FULL_ORDERS = 150;

function neighbourhoodWork(orders: number): number {
  if (orders <= NEIGHBOURHOOD_FULL_ORDERS) {
    const grown = Math.min(NEIGHBOURHOOD_WORK, orders * NEIGHBOURHOOD_WORK_PER_ORDER);
    return Math.max(NEIGHBOURHOOD_WORK_FLOOR, grown);
  }
  const scaled = Math.floor((NEIGHBOURHOOD_WORK * NEIGHBOURHOOD_FULL_ORDERS) / orders);
  return Math.max(NEIGHBOURHOOD_WORK_FLOOR, scaled);
}
