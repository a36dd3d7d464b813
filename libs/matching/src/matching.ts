import { MatchingEngine } from './matching.engine';
import { compileSnapshot } from './matching.model';
import { buildResult } from './matching.result';
import { MatchingResult, MatchingSnapshot } from './matching.types';

export interface MatchingOptions {
  /** Run the improvement phase after the greedy (default true; false is for benchmarks). */
  improve?: boolean;
}

/**
 * One matching run: pure and deterministic. The same snapshot, in any order of its orders,
 * sites and offers, gives the same result, byte for byte once serialised with `canonicalJson`.
 * Throws `MatchingInputError` on a malformed snapshot.
 */
export function matchOrders(snapshot: MatchingSnapshot, options: MatchingOptions = {}): MatchingResult {
  const engine = new MatchingEngine(compileSnapshot(snapshot));
  engine.greedy();
  if (options.improve !== false) engine.improve();
  return buildResult(engine);
}
