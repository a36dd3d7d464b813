/**
 * Matching benchmark.
 *
 *   npm run bench:matching [-- --quick]
 *
 *  1. Speed: 10,000 orders × 100 sites × 168 hourly slots (a week), a realistic random market
 *     (libs/matching/src/testing/random-snapshot.ts, demand ≈ 1.2 × supply), median wall time of
 *     `matchOrders` over several runs after a warm-up.
 *  2. Quality and speed against the reference: HiGHS (MILP of the same problem,
 *     testing/milp-reference.ts) on growing instances until it no longer proves optimality
 *     within its time limit (60 s; 8 s with --quick); on the largest instance it solved, the
 *     welfare gap of ours to its optimum and HiGHS time / our time.
 * Figures go to stdout as `RESULT key=value`; progress goes to stderr.
 */
import { performance } from 'node:perf_hooks';
import { matchOrders } from '../../libs/matching/src';
import { loadHighs, solveMatchingMilp } from '../../libs/matching/src/testing/milp-reference';
import {
  randomSnapshot,
  RandomSnapshotOptions,
} from '../../libs/matching/src/testing/random-snapshot';
import { bySize, progress, result } from '../support/bench-io';
import { LARGE_MARKET } from './instances';

const SPEED_RUNS = bySize({ full: 7, quick: 3, smoke: 1 });
const HIGHS_LIMIT_S = bySize({ full: 60, quick: 8, smoke: 2 });
/** Stop growing once this much time went into the reference (quick mode stays under 60 s). */
const HIGHS_TOTAL_S = bySize({ full: 900, quick: 30, smoke: 1 });
/** --smoke: a small market, only to prove the bench still runs. */
const SPEED_MARKET = bySize<RandomSnapshotOptions>({
  full: LARGE_MARKET,
  quick: LARGE_MARKET,
  smoke: { seed: 42, orders: 500, sites: 10, slots: 24 },
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeMatching(
  options: RandomSnapshotOptions,
  runs: number,
): { ms: number; welfare: number } {
  const snapshot = randomSnapshot(options);
  let welfare = matchOrders(snapshot).totalWelfare; // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    welfare = matchOrders(snapshot).totalWelfare;
    times.push(performance.now() - started);
  }
  return { ms: median(times), welfare };
}

async function main(): Promise<void> {
  const big = SPEED_MARKET;
  progress(
    `speed: ${big.orders} orders × ${big.sites} sites × ${big.slots} slots, ${SPEED_RUNS} runs`,
  );
  const speed = timeMatching(big, SPEED_RUNS);
  progress(`  median ${speed.ms.toFixed(0)} ms, welfare ${speed.welfare}`);
  result(`matching_ms_${big.orders === 10_000 ? '10k' : big.orders}_orders`, Math.round(speed.ms));

  const highs = await loadHighs();
  const steps: RandomSnapshotOptions[] = [];
  for (const [orders, sites, slots] of [
    [20, 2, 6],
    [40, 3, 8],
    [60, 3, 12],
    [100, 4, 12],
    [150, 5, 12],
    [200, 6, 24],
    [300, 8, 24],
    [500, 10, 24],
    [800, 12, 48],
    [1200, 16, 48],
  ]) {
    steps.push({ seed: 7, orders, sites, slots, maxGpus: 16 });
  }
  let largest: { options: RandomSnapshotOptions; gapPct: number; speedup: number } | undefined;
  let spent = 0;
  for (const options of steps) {
    if (spent >= HIGHS_TOTAL_S) {
      progress(`reference: stop growing, ${spent.toFixed(0)} s spent in HiGHS`);
      break;
    }
    const snapshot = randomSnapshot(options);
    const ours = timeMatching(options, 3);
    const milp = solveMatchingMilp(highs, snapshot, { timeLimitSeconds: HIGHS_LIMIT_S });
    spent += milp.seconds;
    const gapPct = milp.welfare > 0 ? ((milp.welfare - ours.welfare) / milp.welfare) * 100 : 0;
    progress(
      `  ${options.orders} orders × ${options.sites} sites × ${options.slots} slots: ours ${ours.welfare} in ` +
        `${ours.ms.toFixed(1)} ms; HiGHS ${milp.status} ${milp.welfare.toFixed(0)} in ${milp.seconds.toFixed(2)} s ` +
        `(${milp.columns} columns); gap ${gapPct.toFixed(3)}%`,
    );
    if (!milp.optimal) break;
    largest = { options, gapPct, speedup: (milp.seconds * 1000) / Math.max(ours.ms, 0.001) };
  }
  if (!largest) throw new Error('HiGHS solved no instance');
  progress(
    `reference: largest instance solved to optimality: ${largest.options.orders} orders × ` +
      `${largest.options.sites} sites × ${largest.options.slots} slots`,
  );
  result('welfare_gap_vs_highs_pct', largest.gapPct, 3);
  result('speedup_vs_highs', largest.speedup, 1);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
