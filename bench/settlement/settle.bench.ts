/**
 * Settlement benchmark: one month of one million usage records (reports and amendments of
 * ~980,000 allocations over 40 sites, with curtailments, excess energy and heat), settled by
 * `settlePeriod` — exact arithmetic, rounding, statements and pool records — against a naive
 * reference in the same run: one loop over the same records that joins each to its allocation
 * and sums delivered GPU-hours × price and metered Wh × floor price in floating point (the least
 * any settlement must do; no rounding, no statements).
 *
 *   npm run bench:settlement [-- --quick]
 *
 * Figures go to stdout as `RESULT key=value`; progress goes to stderr. `--quick` settles the same
 * million records once (instead of best of three) and stays well within 60 s on 2 cores.
 * The generator is exported (libs/settlement/src/testing/synthetic-history.ts, re-exported here)
 * for other benchmarks that replay the same records, e.g. read-model catch-up.
 */
import { performance } from 'node:perf_hooks';
import { settlePeriod, SettlementInput } from '@policloud/settlement';
import {
  generateSyntheticHistory,
  SyntheticHistory,
} from '../../libs/settlement/src/testing/synthetic-history';
import { bySize, progress, result } from '../support/bench-io';

export {
  generateSyntheticHistory,
  usageEventOf,
} from '../../libs/settlement/src/testing/synthetic-history';
export type { SyntheticHistory } from '../../libs/settlement/src/testing/synthetic-history';

const USAGE_RECORDS = bySize({ full: 1_000_000, quick: 1_000_000, smoke: 20_000 });

/** The reference: one pass over the records, a join and two float sums. */
function naiveSum(history: SyntheticHistory): number {
  const byId = new Map(
    history.allocations.map((allocation) => [allocation.allocationId, allocation]),
  );
  let charges = 0;
  let energy = 0;
  for (const record of history.usage) {
    const allocation = byId.get(record.allocationId)!;
    charges += record.gpuHoursDelivered * allocation.pricePerGpuHour;
    energy += (record.whConsumed * allocation.energy[0].floorPricePerMwh) / 1e6;
  }
  return charges - energy;
}

function timed<T>(run: () => T): { value: T; seconds: number } {
  const start = performance.now();
  const value = run();
  return { value, seconds: (performance.now() - start) / 1_000 };
}

function main(): void {
  const repeats = bySize({ full: 3, quick: 1, smoke: 1 });
  progress(`generating ${USAGE_RECORDS} usage records`);
  const generated = timed(() => generateSyntheticHistory({ usageRecords: USAGE_RECORDS }));
  const history = generated.value;
  progress(
    `${history.allocations.length} allocations, ${history.usage.length} usage records, ` +
      `${history.supplies.length} curtailed offer slots (${generated.seconds.toFixed(1)} s)`,
  );
  const input: SettlementInput = {
    period: history.period,
    platformFeeBps: history.platformFeeBps,
    allocations: history.allocations,
    usage: history.usage,
    sites: history.sites,
    supplies: history.supplies,
  };

  let naiveBest = Infinity;
  let checksum = 0;
  for (let i = 0; i < repeats + 1; i++) {
    const run = timed(() => naiveSum(history));
    checksum += run.value;
    if (i > 0 || repeats === 1) naiveBest = Math.min(naiveBest, run.seconds);
  }
  progress(`naive sum: ${naiveBest.toFixed(3)} s (checksum ${checksum.toFixed(0)})`);

  let settleBest = Infinity;
  for (let i = 0; i < repeats; i++) {
    const run = timed(() => settlePeriod(input));
    settleBest = Math.min(settleBest, run.seconds);
    const balances = run.value.balances;
    if (balances.some((balance) => balance.difference !== 0)) throw new Error('Unbalanced');
    const lines = run.value.statements.reduce((sum, statement) => sum + statement.lines.length, 0);
    progress(
      `settle: ${run.seconds.toFixed(3)} s, ${run.value.statements.length} statements, ` +
        `${lines} lines, ${run.value.settledPools.length} pools, charged ${balances[0].charged}`,
    );
  }

  const allocationsPerSecond = history.allocations.length / settleBest;
  const recordsPerSecondNaive = history.usage.length / naiveBest;
  const recordsPerSecondSettle = history.usage.length / settleBest;
  result('settle_allocations_per_s', Math.round(allocationsPerSecond));
  result('settle_usage_records_per_s', Math.round(recordsPerSecondSettle));
  result('naive_sum_usage_records_per_s', Math.round(recordsPerSecondNaive));
  result('ratio_vs_naive_sum', recordsPerSecondSettle / recordsPerSecondNaive, 3);
}

if (require.main === module) main();
