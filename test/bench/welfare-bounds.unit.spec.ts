/**
 * The welfare bounds of `npm run bench:network-2030` are upper bounds: on markets small enough
 * for the MILP reference (HiGHS, built from the shared rules only), the Lagrangian bound is at
 * least the proven optimum and the engine's welfare, and never above the fractional knapsack's
 * bound it replaces.
 */
import fc from 'fast-check';
import { slotAt, slotHour } from '@policloud/domain';
import type { Highs } from 'highs';
import { matchOrders, MatchingSnapshot } from '../../libs/matching/src';
import { loadHighs, solveMatchingMilp } from '../../libs/matching/src/testing/milp-reference';
import {
  randomSnapshot,
  RandomSnapshotOptions,
} from '../../libs/matching/src/testing/random-snapshot';
import { lagrangianBound } from '../../bench/network-2030/lagrangian-bound';
import { buildNetwork, snapshotOfSeed } from '../../bench/network-2030/network';
import { welfareBound } from '../../bench/network-2030/welfare-bound';

let highs: Highs;

beforeAll(async () => {
  highs = await loadHighs();
});

/** Rounding slack of the bound's floating-point sums. */
const EPSILON = 1e-6;

function checkBounds(snapshot: MatchingSnapshot, milpSeconds: number) {
  const engine = matchOrders(snapshot).totalWelfare;
  const milp = solveMatchingMilp(highs, snapshot, { timeLimitSeconds: milpSeconds });
  const lagrangian = lagrangianBound(snapshot, { iterations: 60, lowerBound: engine });
  const knapsack = welfareBound(snapshot).bound;
  // The MILP's incumbent is a matching (with continuous energy) whether or not it is proven.
  expect(lagrangian.bound).toBeGreaterThanOrEqual(milp.welfare * (1 - EPSILON));
  expect(lagrangian.bound).toBeGreaterThanOrEqual(engine * (1 - EPSILON));
  expect(lagrangian.bound).toBeLessThanOrEqual(lagrangian.unpriced);
  return { engine, milp, lagrangian, knapsack };
}

const TINY: RandomSnapshotOptions[] = [
  ...[1, 2, 3].map((seed) => ({ seed, orders: 40, sites: 3, slots: 8, maxGpus: 64 })),
  ...[101, 103].map((seed) => ({
    seed,
    orders: 40,
    sites: 3,
    slots: 8,
    maxGpus: 32,
    priceyEnergy: true,
  })),
  ...[202, 203].map((seed) => ({
    seed,
    orders: 30,
    sites: 3,
    slots: 6,
    maxGpus: 32,
    allOrNoneRate: 0.4,
    constraintRate: 0.8,
  })),
  { seed: 7, orders: 24, sites: 2, slots: 6, singleMarket: true, tightness: 2 },
  // Many sites of one market: long per-slot frontiers of (value, room).
  ...[11, 12].map((seed) => ({ seed, orders: 40, sites: 14, slots: 3, singleMarket: true })),
];

describe('welfare bounds of the 2030 bench', () => {
  it.each(TINY)(
    'the Lagrangian bound is ≥ the MILP optimum and ≤ the knapsack on %j',
    (options) => {
      const { milp, lagrangian, knapsack } = checkBounds(randomSnapshot(options), 20);
      expect(milp.optimal).toBe(true);
      expect(lagrangian.bound).toBeLessThanOrEqual(knapsack * (1 + EPSILON));
    },
  );

  it("holds on the bench's own generated network (6 sites, 100 orders, a week)", () => {
    const snapshot = snapshotOfSeed(
      buildNetwork(new Date('2027-01-04T00:00:00Z'), { sites: 6, orders: 100, seed: 2030 }),
    );
    const { engine, lagrangian, knapsack } = checkBounds(snapshot, 30);
    expect(lagrangian.bound).toBeLessThanOrEqual(knapsack);
    // Tighter than the knapsack's: within 1 % of the engine here.
    expect(lagrangian.bound).toBeLessThanOrEqual(engine * 1.01);
  });

  it("is ≥ the engine's welfare on a larger generated network (40 sites, 1,000 orders)", () => {
    const snapshot = snapshotOfSeed(
      buildNetwork(new Date('2027-01-04T00:00:00Z'), { sites: 40, orders: 1_000, seed: 2030 }),
    );
    const engine = matchOrders(snapshot).totalWelfare;
    const lagrangian = lagrangianBound(snapshot, { iterations: 60, lowerBound: engine });
    expect(lagrangian.bound).toBeGreaterThanOrEqual(engine);
    expect(lagrangian.bound).toBeLessThanOrEqual(welfareBound(snapshot).bound);
  });

  it('is ≥ the MILP optimum on random small markets (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          orders: fc.integer({ min: 1, max: 24 }),
          sites: fc.integer({ min: 1, max: 3 }),
          slots: fc.integer({ min: 1, max: 6 }),
          maxGpus: fc.constantFrom(8, 64, 400),
          priceyEnergy: fc.boolean(),
          singleMarket: fc.boolean(),
          allOrNoneRate: fc.constantFrom(0, 0.15, 0.5),
          tightness: fc.constantFrom(0.5, 1.2, 3),
          holes: fc.boolean(),
        }),
        ({ holes, ...options }) => {
          const snapshot = randomSnapshot(options);
          // Slots filled by an earlier run leave holes in a window: usable slots not contiguous.
          if (holes) {
            for (const order of snapshot.orders) {
              const from = slotHour(order.earliestStart);
              if (slotHour(order.deadline) - from >= 3) order.filledSlots = [slotAt(from + 1)];
            }
          }
          const { milp } = checkBounds(snapshot, 10);
          expect(milp.optimal).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});
