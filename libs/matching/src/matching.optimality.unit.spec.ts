/**
 * Optimality against HiGHS on a handful of tiny instances, where the production budget always
 * reaches the proven optimum: the same problem as a MILP (testing/milp-reference.ts, built from
 * the shared rules only) solved in milliseconds. The welfare gap on small and medium markets
 * (107 instances, seconds each) is measured by `npm run bench:matching-gaps`, which fails when
 * the targets are missed.
 */
import type { Highs } from 'highs';
import { matchOrders } from './match-orders';
import { verifyMatching } from './result/verify-matching';
import { loadHighs, solveMatchingMilp } from './testing/milp-reference';
import { randomSnapshot, RandomSnapshotOptions } from './testing/random-snapshot';

let highs: Highs;

beforeAll(async () => {
  highs = await loadHighs();
});

const TINY: RandomSnapshotOptions[] = [
  ...[1, 2, 3].map((seed) => ({ seed, orders: 20, sites: 2, slots: 6, maxGpus: 16 })),
  // Energy dear enough for its reserve to set prices.
  ...[101, 103].map((seed) => ({
    seed,
    orders: 16,
    sites: 2,
    slots: 4,
    maxGpus: 16,
    priceyEnergy: true,
  })),
  // Most orders constrained, many all-or-none.
  ...[202, 203].map((seed) => ({
    seed,
    orders: 20,
    sites: 3,
    slots: 4,
    maxGpus: 32,
    allOrNoneRate: 0.4,
    constraintRate: 0.8,
  })),
];

describe('matching: welfare against the HiGHS optimum on tiny instances', () => {
  it.each(TINY)('reaches the proven optimum on %j', (options) => {
    const snapshot = randomSnapshot(options);
    const result = matchOrders(snapshot);
    expect(verifyMatching(snapshot, result)).toEqual([]);
    const milp = solveMatchingMilp(highs, snapshot, { timeLimitSeconds: 20 });
    expect(milp.optimal).toBe(true);
    expect(result.allocations.length).toBeGreaterThan(0);
    expect(Math.abs(result.totalWelfare - milp.welfare)).toBeLessThanOrEqual(1e-6);
  });
});
