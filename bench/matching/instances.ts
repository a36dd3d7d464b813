/**
 * The markets the matching benches share: the 107 random instances of the optimality sweep and
 * the 10,000-order speed market. Same options, same snapshot (`randomSnapshot` is seeded).
 */
import { RandomSnapshotOptions } from '../../libs/matching/src/testing/random-snapshot';

/** One family of sweep instances: its seeds `first`..`last`, the rest of the options shared. */
function family(
  first: number,
  last: number,
  options: Omit<RandomSnapshotOptions, 'seed'>,
): RandomSnapshotOptions[] {
  const list: RandomSnapshotOptions[] = [];
  for (let seed = first; seed <= last; seed++) list.push({ seed, ...options });
  return list;
}

/**
 * The sweep's 107 instances, family by family: 40 orders × 3 sites × 8 slots (seeds 1–56),
 * 30 × 3 × 6 with energy dear enough to set reserves (seeds 101–128), 120 × 4 × 12 (seeds
 * 201–223). `share` keeps the first part of each family (at least its first instance).
 */
export function sweepInstances(share = 1): RandomSnapshotOptions[] {
  const take = (first: number, last: number) =>
    first + Math.floor((last - first) * Math.min(1, Math.max(0, share)));
  return [
    ...family(1, take(1, 56), { orders: 40, sites: 3, slots: 8, maxGpus: 16 }),
    ...family(101, take(101, 128), {
      orders: 30,
      sites: 3,
      slots: 6,
      maxGpus: 16,
      priceyEnergy: true,
    }),
    ...family(201, take(201, 223), { orders: 120, sites: 4, slots: 12, maxGpus: 16 }),
  ];
}

/** The speed market of `npm run bench:matching`: 10,000 orders × 100 sites × 168 hourly slots. */
export const LARGE_MARKET: RandomSnapshotOptions = {
  seed: 42,
  orders: 10_000,
  sites: 100,
  slots: 168,
};
