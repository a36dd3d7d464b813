/**
 * The 2030 network (issue 18): 1,000 sites of the demo's units over FR, ES, the rest of the EU,
 * the Gulf and the US, and 100,000 orders over a week (`network.ts`).
 *
 *   npm run bench:network-2030 [-- --quick | --smoke] [-- --library-only | --service-only]
 *
 * Library: `matchOrders` on the network's snapshot, in a child process each (its peak RSS is
 * the matching's and its input's): regions matched alone (`match_ms_100k_orders`,
 * `peak_rss_mb`), and as the reference in the same run today's single run of the whole market
 * (`reference_match_ms`, where it finishes within its time limit). Welfare against an upper
 * bound (`welfare_gap_vs_bound_pct`: the Lagrangian relaxation of the cells' GPUs and the
 * offers' Wh, `lagrangian-bound.ts`; `welfare_gap_vs_knapsack_pct`: the looser fractional
 * knapsack per region and GPU model, `welfare-bound.ts`) and, on the 10,000-order network,
 * against today's single run.
 * Service: see `service-leg.ts`.
 * --quick: a tenth of the size; --smoke: a tiny network. Figures go to stdout as
 * `RESULT key=value`; progress goes to stderr.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { bySize, hasFlag, progress, result } from '../support/bench-io';
import { LegOutcome } from './library-leg';
import { runServiceLeg } from './service-leg';

const HOUR_MS = 3_600_000;
const SEED = 2030;
const SIZE = bySize({
  full: { sites: 1_000, orders: 100_000 },
  quick: { sites: 100, orders: 10_000 },
  smoke: { sites: 6, orders: 100 },
});
/** The 10,000-order network on which the regions are compared with today's single run. */
const TENTH = { sites: 100, orders: 10_000 };
/** Today's single run of the whole market is the reference only where it finishes by then. */
const REFERENCE_LIMIT_MS = bySize({ full: 600_000, quick: 60_000, smoke: 30_000 });
/** Subgradient iterations of the Lagrangian welfare bound (each iterate is a valid bound). */
const BOUND_ITERATIONS = bySize({ full: 300, quick: 300, smoke: 30 });

interface LegRequest {
  sites: number;
  orders: number;
  decompose: boolean;
  bound: boolean;
  limitMs?: number;
}

/** Runs `library-leg.ts` in a child process; undefined when it ran past its time limit. */
function libraryLeg(week: string, request: LegRequest): Promise<LegOutcome | undefined> {
  const args = [
    require.resolve('ts-node/dist/bin.js'),
    '--transpile-only',
    '-r',
    'tsconfig-paths/register',
    join(__dirname, 'library-leg.ts'),
    `--week=${week}`,
    `--sites=${request.sites}`,
    `--orders=${request.orders}`,
    `--seed=${SEED}`,
    `--decompose=${request.decompose ? 1 : 0}`,
    `--bound=${request.bound ? 1 : 0}`,
    `--bound-iterations=${BOUND_ITERATIONS}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    let timedOut = false;
    const timer = request.limitMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, request.limitMs)
      : undefined;
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (timedOut) return resolve(undefined);
      const line = stdout.split('\n').find((text) => text.startsWith('LEG '));
      if (code !== 0 || !line) return reject(new Error(`library leg exited with ${code}`));
      resolve(JSON.parse(line.slice(4)) as LegOutcome);
    });
  });
}

function sizeKey(orders: number): string {
  return orders % 1000 === 0 ? `${orders / 1000}k` : String(orders);
}

async function library(week: string): Promise<void> {
  const key = sizeKey(SIZE.orders);
  progress(`library: ${SIZE.sites} sites × ${SIZE.orders} orders × 168 slots, regions alone`);
  const ours = (await libraryLeg(week, { ...SIZE, decompose: true, bound: true }))!;
  const bound = ours.bound!;
  const lagrangian = ours.lagrangian!;
  // Both are valid bounds: the tighter one is the bound.
  const best = Math.min(lagrangian.bound, bound.bound);
  progress(
    `  ${ours.ms.toFixed(0)} ms (CPU ${ours.cpuMs.toFixed(0)} ms), peak RSS ${ours.peakRssMb.toFixed(0)} MB, welfare ${ours.welfare}, ` +
      `${ours.allocations} allocations, ${ours.filledOrders} orders filled; ${bound.regions} regions ` +
      `(largest ${bound.largestRegionOrders} orders); Lagrangian bound ${lagrangian.bound.toFixed(0)} ` +
      `(${lagrangian.iterations} iterations, ${lagrangian.evaluations} dual values, ${lagrangian.ms.toFixed(0)} ms), knapsack bound ${bound.bound}, ceiling ${bound.ceiling}`,
  );
  result(`match_ms_${key}_orders`, Math.round(ours.ms));
  result(`match_cpu_ms_${key}_orders`, Math.round(ours.cpuMs));
  result('peak_rss_mb', Math.round(ours.peakRssMb));
  result('regions', bound.regions);
  result('largest_region_orders', bound.largestRegionOrders);
  result('welfare', ours.welfare);
  result('allocation_ranges_per_filled_order', ours.rangesPerOrder, 2);
  result('sites_per_filled_order', ours.sitesPerOrder, 2);
  result('welfare_bound', Math.floor(best));
  result('welfare_gap_vs_bound_pct', ((best - ours.welfare) / best) * 100, 3);
  result('welfare_bound_iterations', lagrangian.iterations);
  result('welfare_bound_ms', Math.round(lagrangian.ms));
  result('welfare_bound_knapsack', bound.bound);
  result('welfare_gap_vs_knapsack_pct', ((bound.bound - ours.welfare) / bound.bound) * 100, 3);

  progress(`reference: today's single run of the same market (limit ${REFERENCE_LIMIT_MS} ms)`);
  const today = await libraryLeg(week, {
    ...SIZE,
    decompose: false,
    bound: false,
    limitMs: REFERENCE_LIMIT_MS,
  });
  if (today) {
    progress(
      `  ${today.ms.toFixed(0)} ms (CPU ${today.cpuMs.toFixed(0)} ms), peak RSS ${today.peakRssMb.toFixed(0)} MB, welfare ${today.welfare}`,
    );
    result('reference_match_ms', Math.round(today.ms));
    result('reference_match_cpu_ms', Math.round(today.cpuMs));
    result('reference_peak_rss_mb', Math.round(today.peakRssMb));
    result('reference_welfare', today.welfare);
    result('reference_allocation_ranges_per_filled_order', today.rangesPerOrder, 2);
    result('match_ms_vs_reference', ours.ms / today.ms, 2);
    result('welfare_vs_reference_pct', ((ours.welfare - today.welfare) / today.welfare) * 100, 4);
  } else {
    progress('  did not finish within its limit');
    result('reference_match_ms', NaN);
  }

  if (SIZE.orders > TENTH.orders) {
    progress(`the ${TENTH.orders}-order network: regions alone against today's single run`);
    const tenthOurs = (await libraryLeg(week, { ...TENTH, decompose: true, bound: false }))!;
    const tenthToday = (await libraryLeg(week, { ...TENTH, decompose: false, bound: false }))!;
    progress(
      `  regions ${tenthOurs.welfare} in ${tenthOurs.ms.toFixed(0)} ms; ` +
        `today ${tenthToday.welfare} in ${tenthToday.ms.toFixed(0)} ms`,
    );
    result(
      'welfare_vs_today_10k_pct',
      ((tenthOurs.welfare - tenthToday.welfare) / tenthToday.welfare) * 100,
      4,
    );
  }
}

async function main(): Promise<void> {
  // A week starting at the next whole hour but one: the service accepts orders for it.
  const weekStart = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 2 * HOUR_MS);
  const week = weekStart.toISOString();
  if (!hasFlag('--service-only')) await library(week);
  if (!hasFlag('--library-only')) await runServiceLeg(weekStart, SIZE, SEED);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
