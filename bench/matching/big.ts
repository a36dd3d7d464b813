import { matchOrders } from '../../libs/matching/src';
import { randomSnapshot } from '../../libs/matching/src/testing/random-snapshot';
const t0 = performance.now();
const snap = randomSnapshot({ seed: 42, orders: 10000, sites: 100, slots: 168 });
const t1 = performance.now();
console.log('gen ms', (t1 - t0).toFixed(0));
for (let i = 0; i < 3; i++) {
  const a = performance.now();
  const g = matchOrders(snap, { improve: false });
  const b = performance.now();
  const r = matchOrders(snap);
  const c = performance.now();
  console.log('greedy ms', (b - a).toFixed(0), 'w', g.totalWelfare, 'full ms', (c - b).toFixed(0), 'w', r.totalWelfare, 'allocs', r.allocations.length, 'unfilled', r.unfilled.length);
}
