import { matchOrders } from '../../libs/matching/src';
import { randomSnapshot } from '../../libs/matching/src/testing/random-snapshot';
import { loadHighs, solveMatchingMilp } from '../../libs/matching/src/testing/milp-reference';

async function main() {
  const highs = await loadHighs();
  const [orders, sites, slots, seeds, pricey, verbose] = process.argv.slice(2).map(Number);
  let worst = 0, worstG = 0, sum = 0, sumG = 0, n = 0, hs = 0;
  for (let seed = 1; seed <= seeds; seed++) {
      const snap = randomSnapshot({ seed, orders, sites, slots, priceyEnergy: pricey === 1, maxGpus: Number(process.env.MAXG ?? 128) });
      const t0 = performance.now();
      const greedy = matchOrders(snap, { improve: false });
      const t1 = performance.now();
      const ours = matchOrders(snap);
      const ms = performance.now() - t1;
      const milp = solveMatchingMilp(highs, snap, { timeLimitSeconds: Number(process.env.TL ?? 60) });
      hs += milp.seconds;
      const gap = milp.welfare > 0 ? (milp.welfare - ours.totalWelfare) / milp.welfare * 100 : 0;
      const ggap = milp.welfare > 0 ? (milp.welfare - greedy.totalWelfare) / milp.welfare * 100 : 0;
      worst = Math.max(worst, gap); worstG = Math.max(worstG, ggap); sum += gap; sumG += ggap; n++;
      if (verbose) console.log(`seed=${seed} ours=${ours.totalWelfare} milp=${milp.welfare.toFixed(1)} ${milp.status} gap=${gap.toFixed(3)}% greedyGap=${ggap.toFixed(3)}% allocs=${ours.allocations.length} greedyMs=${(t1-t0).toFixed(1)} ms=${ms.toFixed(1)} highs=${milp.seconds.toFixed(2)}s cols=${milp.columns}`);
  }
  console.log(`greedy mean ${(sumG/n).toFixed(3)} worst ${worstG.toFixed(3)} | improved mean ${(sum/n).toFixed(3)} worst ${worst.toFixed(3)} | highs ${hs.toFixed(1)}s`);
}
main();
