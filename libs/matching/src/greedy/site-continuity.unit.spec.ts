import { matchOrders } from '../match-orders';
import {
  MatchingEnergyOffer,
  MatchingResult,
  MatchingSite,
  MatchingSnapshot,
} from '../model/types';
import { verifyMatching } from '../result/verify-matching';
import { handWorkedOrder, handWorkedSite, S0, S1, S2 } from '../testing/hand-worked-order';

const S3 = '2026-03-02T13:00:00Z';

function site(siteId: string, freeGpus: number[], reservePricePerGpuHour = 150): MatchingSite {
  return handWorkedSite(siteId, {
    reservePricePerGpuHour,
    freeGpus: { [S0]: freeGpus[0], [S1]: freeGpus[1], [S2]: freeGpus[2] },
  });
}

/** Plenty of cheap energy for both sites in every hour: reserves are the sites' own. */
const wind: MatchingEnergyOffer = {
  offerId: 'wind',
  producerId: 'producer-1',
  siteIds: ['a', 'b'],
  source: 'wind',
  carbonGPerKwh: 11,
  floorPricePerMwh: 500,
  currency: 'EUR',
  unallocatedWh: { [S0]: 100_000, [S1]: 100_000, [S2]: 100_000 },
};

/** 8 GPUs for 3 hours over [S0, S3), bid 3.00 EUR. */
const job = handWorkedOrder('job', { hours: 3, deadline: S3 });

function run(sites: MatchingSite[]): MatchingResult {
  const snapshot: MatchingSnapshot = {
    horizon: { start: S0, end: S3 },
    platformFeeBps: 0,
    orders: [job],
    sites,
    offers: [wind],
  };
  const result = matchOrders(snapshot);
  expect(verifyMatching(snapshot, result)).toEqual([]);
  return result;
}

const placements = (result: MatchingResult) =>
  result.allocations.map((a) => `${a.siteId}@${a.slot.slice(11, 13)}`);

describe('matching: an order stays on the site it runs on', () => {
  it('keeps adjacent hours on one site when another site is only as cheap', () => {
    // Each hour alone, the site with more room left would win: a, b, a (a hop each hour).
    const result = run([site('a', [16, 9, 16]), site('b', [9, 16, 9])]);
    expect(placements(result)).toEqual(['a@10', 'a@11', 'a@12']);
    // The same welfare as hopping: 3 h × 8 GPUs × (300 − 150).
    expect(result.totalWelfare).toBe(3 * 8 * 150);
  });

  it('still moves to a cheaper site: continuity never costs welfare', () => {
    // b is cheaper but full in the first hour: the job starts on a and moves to b.
    const result = run([site('a', [16, 16, 16]), site('b', [0, 16, 16], 140)]);
    expect(placements(result)).toEqual(['a@10', 'b@11', 'b@12']);
    expect(result.totalWelfare).toBe(8 * 150 + 2 * 8 * 160);
  });
});
