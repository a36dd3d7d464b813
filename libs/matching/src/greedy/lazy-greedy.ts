/**
 * Lazy greedy: orders wait in a queue keyed by an upper bound of their best surplus per
 * GPU-hour. The top order is re-evaluated against current capacity; it takes every slot whose
 * surplus still beats the next order's key and goes back in the queue with its next best.
 * An all-or-none order is a bundle: its key is the mean surplus of its best full set of
 * slots, placed at once or not at all. A slot goes to the site the order holds the next slot on
 * when that site is as cheap (`placeNearHeld`): the same welfare, one site hop fewer.
 */
import { NONE } from '../engine-state/engine-allocation';
import { MatchingEngine, SiteChoice } from '../engine-state/matching-engine';
import { CandidateSlots } from './candidate-ranking';
import { OrderQueue } from './order-queue';

/**
 * Fills the engine greedily. `sizeBias` > 0 favours large orders in the keys (they pack worse
 * late); matching runs several biases and keeps the best.
 */
export function runGreedy(engine: MatchingEngine, sizeBias = 0): void {
  const model = engine.model;
  const slotCount = engine.slotCount;
  const queue = new OrderQueue();
  // Keys are surplus per GPU-hour, optionally favouring large orders (which pack worse late).
  const weight = model.orders.map((compiled) => 1 + (sizeBias * Math.min(compiled.gpus, 64)) / 64);
  model.orders.forEach((compiled, order) => {
    if (compiled.staticReason === undefined && compiled.wanted > 0) {
      queue.push(order, (compiled.bid - compiled.minReserve[0]) * weight[order], compiled.rank);
    }
  });
  const candidates = new CandidateSlots(model);
  const best: SiteChoice = { site: 0, reserve: 0, slack: 0, open: 0 };

  // The greedy only adds allocations, so capacity, energy and price bounds only tighten: a
  // site that cannot take an order in a slot now never will. Per (order, slot), the sites
  // before `firstOpenSite` are closed and are not evaluated again.
  const firstOpenSite = new Int32Array(model.orders.length * slotCount);
  while (queue.size > 0) {
    const order = queue.pop();
    const compiled = model.orders[order];
    candidates.clear();
    for (let i = 0; i < compiled.slots.length; i++) {
      const slot = compiled.slots[i];
      const orderSlot = order * slotCount + slot;
      if (
        engine.allocationAt[orderSlot] !== NONE ||
        firstOpenSite[orderSlot] === compiled.sites.length
      )
        continue;
      const found = engine.bestSite(order, slot, best, firstOpenSite[orderSlot]);
      firstOpenSite[orderSlot] = best.open;
      if (!found) continue;
      candidates.add(slot, best);
    }
    const need = compiled.wanted - engine.filledSlots[order];
    if (candidates.count === 0 || (compiled.allOrNone && candidates.count < need)) continue;
    const ranking = candidates.rank();
    const hasNext = queue.size > 0;
    const nextKey = hasNext ? queue.topKey() : 0;
    const nextRank = hasNext ? queue.topRank() : 0;

    if (compiled.allOrNone) {
      let total = 0;
      for (let i = 0; i < need; i++) total += compiled.bid - candidates.reserve[ranking[i]];
      const mean = (total / need) * weight[order];
      if (hasNext && !OrderQueue.before(mean, compiled.rank, nextKey, nextRank)) {
        queue.push(order, mean, compiled.rank);
        continue;
      }
      for (let i = 0; i < need; i++) {
        const candidate = ranking[i];
        candidates.place(engine, order, candidate);
      }
      continue;
    }

    let taken = 0;
    for (; taken < candidates.count && taken < need; taken++) {
      const candidate = ranking[taken];
      const surplus = (compiled.bid - candidates.reserve[candidate]) * weight[order];
      if (hasNext && !OrderQueue.before(surplus, compiled.rank, nextKey, nextRank)) break;
      candidates.place(engine, order, candidate);
    }
    if (taken < need && taken < candidates.count) {
      queue.push(
        order,
        (compiled.bid - candidates.reserve[ranking[taken]]) * weight[order],
        compiled.rank,
      );
    }
  }
}
