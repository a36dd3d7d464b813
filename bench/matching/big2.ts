import { compileSnapshot } from '../../libs/matching/src/matching.model';
import { MatchingEngine } from '../../libs/matching/src/matching.engine';
import { buildResult } from '../../libs/matching/src/matching.result';
import { randomSnapshot } from '../../libs/matching/src/testing/random-snapshot';
const snap = randomSnapshot({ seed: 42, orders: 10000, sites: 100, slots: 168 });
for (let i = 0; i < 2; i++) {
  const a = performance.now();
  const m = compileSnapshot(snap);
  const b = performance.now();
  const e = new MatchingEngine(m);
  e.greedy();
  const c = performance.now();
  const r = buildResult(e);
  const d = performance.now();
  const sites = m.orders.reduce((s, o) => s + o.sites.length, 0) / m.orders.length;
  const slots = m.orders.reduce((s, o) => s + o.slots.length, 0) / m.orders.length;
  console.log('compile', (b - a).toFixed(0), 'greedy', (c - b).toFixed(0), 'result', (d - c).toFixed(0), 'avg sites', sites.toFixed(1), 'avg slots', slots.toFixed(1), r.allocations.length);
}
