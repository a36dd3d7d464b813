import { matchOrders } from '../../libs/matching/src';
import { randomSnapshot } from '../../libs/matching/src/testing/random-snapshot';
import { loadHighs, solveMatchingMilp } from '../../libs/matching/src/testing/milp-reference';

async function main() {
  const highs = await loadHighs();
  const [orders, sites, slots, seed, pricey] = process.argv.slice(2).map(Number);
  const snap = randomSnapshot({ seed, orders, sites, slots, priceyEnergy: pricey === 1, maxGpus: Number(process.env.MAXG ?? 128) });
  const ours = matchOrders(snap);
  const milp = solveMatchingMilp(highs, snap, { timeLimitSeconds: 60 });
  const byOrder = new Map<string, { ours: string[]; milp: string[] }>();
  const get = (id: string) => byOrder.get(id) ?? (byOrder.set(id, { ours: [], milp: [] }).get(id)!);
  for (const a of ours.allocations) get(a.orderId).ours.push(`${a.siteId}@${a.slot.slice(11, 13)} r${a.reservePerGpuHour}`);
  for (const c of milp.chosen) get(c.orderId).milp.push(`${c.siteId}@${c.slot.slice(11, 13)}`);
  for (const o of snap.orders) {
    const x = byOrder.get(o.orderId);
    if (!x) continue;
    if (x.ours.length !== x.milp.length || x.ours.some((v, i) => !v.startsWith(x.milp[i] ?? '-'))) {
      console.log(o.orderId, `g=${o.gpus} H=${o.remainingGpuHours / o.gpus} bid=${o.maxPricePerGpuHour} aon=${o.allOrNone} win=${o.earliestStart.slice(11,13)}-${o.deadline.slice(8,13)} model=${o.gpuModel} ${JSON.stringify(o.constraints)}`);
      console.log('   ours', x.ours.join(' '));
      console.log('   milp', x.milp.join(' '));
    }
  }
  for (const s of snap.sites) console.log(s.siteId, s.country, s.gpuModel, 'r', s.reservePricePerGpuHour, 'e', s.energyPerGpuHourWh, s.currency, JSON.stringify(Object.values(s.freeGpus)));
  for (const k of snap.offers) console.log(k.offerId, k.siteIds.join(','), k.source, k.carbonGPerKwh, 'floor', k.floorPricePerMwh, JSON.stringify(Object.values(k.unallocatedWh)));
  console.log('fee', snap.platformFeeBps, 'ours', ours.totalWelfare, 'milp', milp.welfare);
}
main();
