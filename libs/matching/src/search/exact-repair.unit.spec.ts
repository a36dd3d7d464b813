/**
 * Exact reinsertion against brute force: a few orders taken out of a small market go back at
 * the best joint placement, the one an enumeration of every (order, slot) → site or none finds.
 */
import { MatchingEngine } from '../engine-state/matching-engine';
import { runGreedy } from '../greedy/lazy-greedy';
import { compileSnapshot } from '../model/compiled-model';
import { randomSnapshot } from '../testing/random-snapshot';
import { reinsertExactly } from './exact-repair';

const NONE = -1;

/** Best welfare reachable by placing `orders` in `slots`, trying every combination. */
function bruteForce(engine: MatchingEngine, orders: number[], slots: number[]): number {
  const m = engine.model;
  const choices: [number, number][] = [];
  for (const o of orders)
    for (const t of slots) if (m.orders[o].slots.includes(t)) choices.push([o, t]);
  let best = -Infinity;
  const visit = (k: number): void => {
    if (k === choices.length) {
      const complete = orders.every((o) => {
        const order = m.orders[o];
        const filled = engine.filledSlots[o];
        return (
          filled <= order.wanted && (!order.allOrNone || filled === 0 || filled === order.wanted)
        );
      });
      if (complete) best = Math.max(best, engine.welfare);
      return;
    }
    visit(k + 1);
    const [o, t] = choices[k];
    if (engine.filledSlots[o] >= m.orders[o].wanted) return;
    for (const s of m.orders[o].sites) {
      if (engine.evaluate(o, s, t) < 0) continue;
      const id = engine.place(o, s, t);
      visit(k + 1);
      engine.remove(id);
    }
  };
  visit(0);
  return best;
}

describe('matching: exact reinsertion of a few orders', () => {
  it('finds the joint placement brute force finds, on random small markets', () => {
    let compared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const snapshot = randomSnapshot({
        seed,
        orders: 10,
        sites: 2,
        slots: 3,
        maxGpus: 16,
        tightness: 2,
        constraintRate: 0,
        allOrNoneRate: 0.3,
        singleMarket: true,
      });
      const engine = new MatchingEngine(compileSnapshot(snapshot));
      runGreedy(engine);
      const slots = [0, 1, 2];
      const orders = engine.model.orders
        .map((_, o) => o)
        .filter((o) => engine.filledSlots[o] > 0)
        .slice(0, 3);
      engine.begin();
      for (const o of orders) {
        for (const t of slots) {
          const id = engine.allocationAt[o * engine.slotCount + t];
          if (id !== NONE) engine.remove(id);
        }
      }
      const optimum = bruteForce(engine, orders, slots);
      expect(reinsertExactly(engine, orders, slots)).toBe(true);
      expect(engine.welfare).toBe(optimum);
      compared++;
    }
    expect(compared).toBe(40);
  });
});
