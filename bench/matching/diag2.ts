import { matchOrders } from '../../libs/matching/src';
import { randomSnapshot } from '../../libs/matching/src/testing/random-snapshot';
import { loadHighs, solveMatchingMilp } from '../../libs/matching/src/testing/milp-reference';

async function main() {
  const highs = await loadHighs();
  const [orders, sites, slots, seed, pricey] = process.argv.slice(2).map(Number);
  const snap = randomSnapshot({ seed, orders, sites, slots, priceyEnergy: pricey === 1, maxGpus: Number(process.env.MAXG ?? 128) });
  const ours = matchOrders(snap);
  const milp = solveMatchingMilp(highs, snap, { timeLimitSeconds: Number(process.env.TL ?? 60) });
  const ord = new Map(snap.orders.map((o) => [o.orderId, o]));
  const site = new Map(snap.sites.map((s) => [s.siteId, s]));
  let gh1 = 0, gh2 = 0, bid1 = 0, bid2 = 0, res1 = 0, res2 = 0;
  for (const a of ours.allocations) { gh1 += a.gpus; bid1 += a.gpus * a.bidPerGpuHour; res1 += a.gpus * a.reservePerGpuHour; }
  for (const c of milp.chosen) { const o = ord.get(c.orderId)!; gh2 += o.gpus; bid2 += o.gpus * o.maxPricePerGpuHour; res2 += o.gpus * site.get(c.siteId)!.reservePricePerGpuHour; }
  console.log({ gh1, gh2, bid1, bid2, res1, res2, w1: ours.totalWelfare, w2: milp.welfare, st: milp.status });
  // per order filled slot count differences
  const cnt = (list: { orderId: string }[]) => { const m = new Map<string, number>(); for (const a of list) m.set(a.orderId, (m.get(a.orderId) ?? 0) + 1); return m; };
  const c1 = cnt(ours.allocations), c2 = cnt(milp.chosen);
  let more = 0, less = 0;
  for (const o of snap.orders) { const d = (c2.get(o.orderId) ?? 0) - (c1.get(o.orderId) ?? 0); if (d !== 0) { console.log(o.orderId, `g=${o.gpus} H=${o.remainingGpuHours/o.gpus} bid=${o.maxPricePerGpuHour} aon=${o.allOrNone}`, 'ours', c1.get(o.orderId) ?? 0, 'milp', c2.get(o.orderId) ?? 0); d > 0 ? more++ : less++; } }
  console.log('orders with more in milp', more, 'less', less);
}
main();
