/**
 * Ruin and recreate after the local improvement: descents of steps (`ruin-and-recreate.ts`:
 * exact reinsertions, related-order refills, block rebuilds), each kept unless total welfare
 * falls. Local moves cannot untangle a tightly packed site (a long all-or-none order against
 * several short ones) or a repacking that spans sites; these steps can. When a descent stalls,
 * a kick rebuilds many orders from the best solution and a new descent starts; the best
 * solution found is then polished with exact reinsertions alone.
 * The randomness is a fixed-seed generator and the work is counted in site evaluations, so a
 * run is still deterministic.
 */
import { prng } from '@policloud/domain';
import { MatchingEngine } from '../engine-state/matching-engine';
import { Neighbourhood, RuinAndRecreate } from './ruin-and-recreate';

/** Share of steps that reinsert orders exactly. */
const EXACT_SHARE = 0.4;
/** Share of steps that reinsert exactly or refill related orders; the rest rebuild blocks. */
const ORDER_STEP_SHARE = 0.8;
/** Steps in a row without a gain after which a descent stops. */
const STALE_REBUILDS = 3_000;
/** Descents after the first, each from a kick of the best solution. */
const KICKS = 3;
/** Work of the final polish, as a share of the search's budget, and its patience. */
const POLISH_WORK_SHARE = 0.25;
const POLISH_STALE = 1_000;
/** The whole instance is one more block while it holds at most this many allocations. */
const WHOLE_INSTANCE_ALLOCATIONS = 2_000;

/**
 * Descents until the work budget is spent or gains stop coming, then the polish (on top of
 * the budget, a share of it); returns the work spent.
 */
export function searchNeighbourhoods(engine: MatchingEngine, budget: number): number {
  const startWork = engine.work;
  const limit = startWork + budget;
  const search = new RuinAndRecreate(engine, limit);
  const blocks = neighbourhoodsOf(engine);
  if (blocks.length === 0) return 0;
  const ceiling = welfareCeiling(engine);
  // With no strict gain the solution found before stays, and with it the tie-breaking by
  // placement time then id (plateau walks would lose it).
  const start = engine.welfare;
  const startAllocations = engine.liveAllocationIds();
  let best = start;
  let bestAllocations = startAllocations;
  const choose = prng(0x0dde);
  for (let kicks = 0; ; kicks++) {
    descend(engine, limit, ceiling, () => {
      const kind = choose();
      if (kind < EXACT_SHARE) search.rebuildExactly();
      else if (kind < ORDER_STEP_SHARE) search.rebuildOrders();
      else search.rebuild(blocks[Math.floor(choose() * blocks.length)]);
    });
    if (engine.welfare > best) {
      best = engine.welfare;
      bestAllocations = engine.liveAllocationIds();
    }
    if (engine.work >= limit || best >= ceiling || kicks === KICKS) break;
    if (engine.welfare < best) engine.restoreAllocations(bestAllocations);
    search.kick();
  }
  if (engine.welfare < best) engine.restoreAllocations(bestAllocations);
  const polishLimit = engine.work + Math.floor(budget * POLISH_WORK_SHARE);
  descend(engine, polishLimit, ceiling, () => search.rebuildExactly(), POLISH_STALE);
  if (engine.welfare <= start) engine.restoreAllocations(startAllocations);
  return engine.work - startWork;
}

/** Steps until the work limit, the ceiling, or `stale` steps in a row without a gain. */
function descend(
  engine: MatchingEngine,
  limit: number,
  ceiling: number,
  step: () => void,
  stale = STALE_REBUILDS,
): void {
  let best = engine.welfare;
  let sinceGain = 0;
  while (engine.work < limit && sinceGain < stale && best < ceiling) {
    step();
    if (engine.welfare > best) {
      best = engine.welfare;
      sinceGain = 0;
    } else {
      sinceGain++;
    }
  }
}

/** Welfare if every order got all it wants at its cheapest site: nothing can beat it. */
function welfareCeiling(engine: MatchingEngine): number {
  let ceiling = 0;
  for (const compiled of engine.model.orders) {
    if (compiled.staticReason !== undefined || compiled.wanted === 0) continue;
    const surplus = compiled.bid - compiled.minReserve[0];
    if (surplus > 0) ceiling += compiled.gpus * compiled.wanted * surplus;
  }
  return ceiling;
}

/** Blocks to rebuild: each site over the horizon, then each slot over every site. */
function neighbourhoodsOf(engine: MatchingEngine): Neighbourhood[] {
  const allSlots = Array.from({ length: engine.slotCount }, (_, slot) => slot);
  const allSites = engine.model.sites.map((_, site) => site);
  const blocks: Neighbourhood[] = allSites.map((site) => ({ sites: [site], slots: allSlots }));
  for (const slot of allSlots) blocks.push({ sites: allSites, slots: [slot] });
  let live = 0;
  for (const list of engine.cellAllocations) live += list.length;
  if (live <= WHOLE_INSTANCE_ALLOCATIONS) {
    blocks.push({ sites: allSites, slots: allSlots });
  }
  return blocks;
}
