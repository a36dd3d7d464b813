import { MatchingEngine } from './engine-state/matching-engine';
import { runGreedy } from './greedy/lazy-greedy';
import { improve } from './improvement/improvement';
import { compileSnapshot } from './model/compiled-model';
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
  // Integer scaling: at the default budget every share is exactly the tuned constant.
  const share = (work: number) => Math.floor((work * totalWork) / TOTAL_WORK);
  let best: MatchingEngine | undefined;
  let spent = 0;
  // Several greedy orderings (plain surplus, then favouring large orders), each improved, while
  // the work budget lasts; the best welfare wins, the earlier run on a tie. Work is counted in
  // site evaluations, never timed, so the result does not depend on the machine.
  for (const sizeBias of SIZE_BIASES) {
    const engine = new MatchingEngine(model);
    runGreedy(engine, sizeBias);
    if (options.improve !== false) {
      improve(engine, Math.max(share(MIN_IMPROVEMENT_WORK), totalWork - spent - engine.work));
    }
    spent += engine.work;
    if (!best || engine.welfare > best.welfare) best = engine;
    if (options.improve === false || spent >= totalWork / 2) break;
  }
  if (options.improve !== false) {
    searchNeighbourhoods(best as MatchingEngine, share(neighbourhoodWork(model.orders.length)));
  }
  return buildResult(best as MatchingEngine);
}

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
