import { MatchingEngine, SiteChoice } from '../engine-state/matching-engine';
import { compileSnapshot } from '../model/compiled-model';
import { randomSnapshot } from '../testing/random-snapshot';
import { CellCapacityIndex } from './cell-capacity-index';

describe('matching: the cell capacity index of the large greedy', () => {
  it('finds the first site of a shared list whose cell could hold the GPUs, as placements drain cells', () => {
    const model = compileSnapshot(randomSnapshot({ seed: 4, orders: 300, sites: 8, slots: 6 }));
    const engine = new MatchingEngine(model);
    const index = new CellCapacityIndex(engine);
    const choice: SiteChoice = { site: 0, reserve: 0, slack: 0, open: 0 };
    const linear = (sites: Int32Array, slot: number, from: number, gpus: number) => {
      for (let i = from; i < sites.length; i++)
        if (index.capacity(sites[i], slot) >= gpus) return i;
      return sites.length;
    };
    const indexed = model.orders.filter((order) => index.indexes(order.sites));
    expect(indexed.length).toBeGreaterThan(50);
    const check = () => {
      for (const order of model.orders) {
        if (!index.indexes(order.sites)) {
          expect(index.next(order.sites, 0, 0, order.gpus)).toBe(0); // walked site by site
          continue;
        }
        for (let slot = 0; slot < model.slotCount; slot++) {
          for (let from = 0; from <= order.sites.length; from++) {
            expect(index.next(order.sites, slot, from, order.gpus)).toBe(
              linear(order.sites, slot, from, order.gpus),
            );
          }
        }
      }
    };
    check(); // builds every tree from the empty state
    let placed = 0;
    model.orders.forEach((order, orderIndex) => {
      if (order.staticReason !== undefined) return;
      for (const slot of order.slots) {
        if (!engine.bestSite(orderIndex, slot, choice)) continue;
        engine.place(orderIndex, choice.site, slot);
        placed++;
        break;
      }
    });
    expect(placed).toBeGreaterThan(50);
    check();
  });
});
