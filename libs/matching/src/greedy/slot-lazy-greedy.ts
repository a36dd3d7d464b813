/**
 * The lazy greedy of `lazy-greedy.ts` made lazy per slot too, for large regions: there an order
 * comes back to the top of the queue many times (keys are dense), and re-scanning every slot of
 * its window at every site each time is most of a run (hundreds of millions of evaluations at
 * 100,000 orders). The greedy only adds allocations, so a slot's surplus found once is an upper
 * bound of what it can give later: each (order, slot) keeps it, and a pop evaluates the order's
 * slots from the highest bound down, only while one could still beat the next order's key or
 * is needed to know the key the order goes back with. Deterministic; not the same choices as
 * the full re-scan when slots tie, so it only runs where the market is split into regions.
 * All-or-none orders are bundles and still evaluate every slot.
 */
import { NONE } from '../engine-state/engine-allocation';
import { MatchingEngine, SiteChoice } from '../engine-state/matching-engine';
import { CellCapacityIndex } from './cell-capacity-index';
import { CandidateSlots } from './candidate-ranking';
import { OrderQueue } from './order-queue';

export function runSlotLazyGreedy(engine: MatchingEngine): void {
  const model = engine.model;
  const slotCount = engine.slotCount;
  const queue = new OrderQueue();
  // Per (order, slot): the first site not known closed, and an upper bound of the surplus the
  // slot can still give: the order's best at first (every slot at its cheapest site), the
  // surplus last found once looked at, −∞ once no site can take it (which only gets truer).
  const firstOpenSite = new Int32Array(model.orders.length * slotCount);
  const bound = new Float64Array(model.orders.length * slotCount);
  model.orders.forEach((compiled, order) => {
    if (compiled.staticReason === undefined && compiled.wanted > 0) {
      const best = compiled.bid - compiled.minReserve[0];
      queue.push(order, best, compiled.rank);
      for (const slot of compiled.slots) bound[order * slotCount + slot] = best;
    }
  });
  const candidates = new CandidateSlots(model);
  const open: number[] = [];
  const best: SiteChoice = { site: 0, reserve: 0, slack: 0, open: 0 };
  const capacity = new CellCapacityIndex(engine);

  while (queue.size > 0) {
    const order = queue.pop();
    const compiled = model.orders[order];
    const need = compiled.wanted - engine.filledSlots[order];
    if (need <= 0) continue;
    const base = order * slotCount;
    open.length = 0;
    for (let i = 0; i < compiled.slots.length; i++) {
      const slot = compiled.slots[i];
      if (engine.allocationAt[base + slot] !== NONE) continue;
      if (firstOpenSite[base + slot] === compiled.sites.length) continue;
      open.push(slot);
    }
    // Highest bound first, earlier slot on a tie (∞ and −∞ compared, never subtracted).
    open.sort((a, b) =>
      bound[base + a] > bound[base + b] ? -1 : bound[base + a] < bound[base + b] ? 1 : a - b,
    );
    const hasNext = queue.size > 0;
    const nextKey = hasNext ? queue.topKey() : 0;
    const nextRank = hasNext ? queue.topRank() : 0;

    candidates.clear();
    let bestBelowNext = -Infinity;
    let stop = open.length;
    for (let k = 0; k < open.length; k++) {
      const slot = open[k];
      const cached = bound[base + slot];
      if (!compiled.allOrNone) {
        // No slot left can be taken now, and the key to go back with is known.
        const beatsNext = !hasNext || OrderQueue.before(cached, compiled.rank, nextKey, nextRank);
        if (!beatsNext && bestBelowNext >= cached) {
          stop = k;
          break;
        }
        // `need` slots found at least as good as any slot left.
        if (candidates.count >= need && candidates.atMost(compiled.bid - cached) >= need) {
          stop = k;
          break;
        }
      }
      const found = engine.bestSite(order, slot, best, firstOpenSite[base + slot], capacity);
      if (!found) {
        firstOpenSite[base + slot] = compiled.sites.length;
        bound[base + slot] = -Infinity;
        continue;
      }
      firstOpenSite[base + slot] = best.open;
      const surplus = compiled.bid - best.reserve;
      bound[base + slot] = surplus;
      if (hasNext && !OrderQueue.before(surplus, compiled.rank, nextKey, nextRank)) {
        if (surplus > bestBelowNext) bestBelowNext = surplus;
      }
      candidates.add(slot, best);
    }
    if (candidates.count === 0 || (compiled.allOrNone && candidates.count < need)) continue;
    const ranking = candidates.rank();

    if (compiled.allOrNone) {
      let total = 0;
      for (let i = 0; i < need; i++) total += compiled.bid - candidates.reserve[ranking[i]];
      const mean = total / need;
      if (hasNext && !OrderQueue.before(mean, compiled.rank, nextKey, nextRank)) {
        queue.push(order, mean, compiled.rank);
        continue;
      }
      for (let i = 0; i < need; i++) {
        candidates.place(engine, order, ranking[i]);
      }
      continue;
    }

    let taken = 0;
    for (; taken < candidates.count && taken < need; taken++) {
      const candidate = ranking[taken];
      const surplus = compiled.bid - candidates.reserve[candidate];
      if (hasNext && !OrderQueue.before(surplus, compiled.rank, nextKey, nextRank)) break;
      candidates.place(engine, order, candidate);
    }
    if (taken >= need) continue;
    // Back in the queue with an upper bound of its best slot left: found or not yet looked at.
    let key =
      taken < candidates.count ? compiled.bid - candidates.reserve[ranking[taken]] : -Infinity;
    if (stop < open.length && bound[base + open[stop]] > key) key = bound[base + open[stop]];
    if (key > -Infinity) queue.push(order, key, compiled.rank);
  }
}
