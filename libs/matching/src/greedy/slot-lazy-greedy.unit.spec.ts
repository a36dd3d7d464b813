import fc from 'fast-check';
import { canonicalJson } from '@policloud/audit';
import { MatchingEngine } from '../engine-state/matching-engine';
import { compileSnapshot } from '../model/compiled-model';
import { MatchingSnapshot } from '../model/types';
import { buildResult } from '../result/build-result';
import { verifyMatching } from '../result/verify-matching';
import { randomSnapshot } from '../testing/random-snapshot';
import { runGreedy } from './lazy-greedy';
import { runSlotLazyGreedy } from './slot-lazy-greedy';

const instances = fc
  .record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    orders: fc.integer({ min: 1, max: 120 }),
    sites: fc.integer({ min: 1, max: 6 }),
    slots: fc.integer({ min: 1, max: 24 }),
    tightness: fc.constantFrom(0.5, 1.2, 3),
    allOrNoneRate: fc.constantFrom(0, 0.3),
    maxGpus: fc.constantFrom(8, 64),
  })
  .map(randomSnapshot);

function greedyResult(snapshot: MatchingSnapshot, greedy: (engine: MatchingEngine) => void) {
  const engine = new MatchingEngine(compileSnapshot(snapshot));
  greedy(engine);
  return buildResult(engine);
}

describe('matching: the greedy lazy per slot (large regions)', () => {
  it('gives results that pass the independent verifier', () => {
    fc.assert(
      fc.property(instances, (snapshot) => {
        expect(verifyMatching(snapshot, greedyResult(snapshot, runSlotLazyGreedy))).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(instances, (snapshot) => {
        expect(canonicalJson(greedyResult(snapshot, runSlotLazyGreedy))).toBe(
          canonicalJson(greedyResult(snapshot, runSlotLazyGreedy)),
        );
      }),
      { numRuns: 30 },
    );
  });

  it('fills about as much welfare as the full re-scan (within 2 % on a 2,000-order market)', () => {
    const snapshot = randomSnapshot({ seed: 11, orders: 2_000, sites: 20, slots: 48 });
    const lazy = greedyResult(snapshot, runSlotLazyGreedy).totalWelfare;
    const full = greedyResult(snapshot, (engine) => runGreedy(engine, 0)).totalWelfare;
    expect(lazy).toBeGreaterThanOrEqual(full * 0.98);
  });
});
