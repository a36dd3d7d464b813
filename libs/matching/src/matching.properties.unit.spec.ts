import fc from 'fast-check';
import { canonicalJson } from '@policloud/audit';
import { matchOrders } from './match-orders';
import { energyReservePerGpuHour, slotsToFill } from './model/rules';
import { MatchingSnapshot } from './model/types';
import { verifyMatching } from './result/verify-matching';
import { randomSnapshot, shuffled } from './testing/random-snapshot';

/** Random marketplaces: tight or loose, cheap or dear energy, lumpy or fine-grained orders. */
const instances = fc
  .record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    orders: fc.integer({ min: 1, max: 60 }),
    sites: fc.integer({ min: 1, max: 5 }),
    slots: fc.integer({ min: 1, max: 12 }),
    tightness: fc.constantFrom(0.5, 1.2, 3),
    priceyEnergy: fc.boolean(),
    constraintRate: fc.constantFrom(0, 0.25, 0.8),
    allOrNoneRate: fc.constantFrom(0, 0.15, 0.6),
    maxGpus: fc.constantFrom(4, 32, 128),
  })
  .map(randomSnapshot);

const RUNS = 60;

/**
 * The invariants and determinism hold at any work budget, so the properties run the whole
 * engine (greedy, improvement, neighbourhood search) at a small one: about 30 times faster
 * than the production budget. Welfare at full budget is the matching benches' job.
 */
const PROPERTY_BUDGET = 100_000;
const match = (snapshot: MatchingSnapshot) =>
  matchOrders(snapshot, { workBudget: PROPERTY_BUDGET });

describe('matching: properties on random instances', () => {
  it('every result passes the independent verifier (capacity, energy, constraints, prices, all-or-none, welfare, order)', () => {
    fc.assert(
      fc.property(instances, (snapshot) => {
        expect(verifyMatching(snapshot, match(snapshot))).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('never allocates a GPU or a Wh twice', () => {
    fc.assert(
      fc.property(instances, (snapshot) => {
        const result = match(snapshot);
        const gpus = new Map<string, number>();
        const wh = new Map<string, number>();
        for (const a of result.allocations) {
          gpus.set(`${a.siteId}|${a.slot}`, (gpus.get(`${a.siteId}|${a.slot}`) ?? 0) + a.gpus);
          for (const draw of a.energy) {
            wh.set(
              `${draw.offerId}|${a.slot}`,
              (wh.get(`${draw.offerId}|${a.slot}`) ?? 0) + draw.wh,
            );
          }
        }
        for (const site of snapshot.sites) {
          for (const [key, used] of gpus) {
            const [siteId, slot] = key.split('|');
            if (siteId === site.siteId) expect(used).toBeLessThanOrEqual(site.freeGpus[slot] ?? 0);
          }
        }
        for (const offer of snapshot.offers) {
          for (const [key, used] of wh) {
            const [offerId, slot] = key.split('|');
            if (offerId === offer.offerId)
              expect(used).toBeLessThanOrEqual(offer.unallocatedWh[slot] ?? 0);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('prices every (site, slot) at or under each accepted bid and at or over the reserve of the energy used', () => {
    fc.assert(
      fc.property(instances, (snapshot) => {
        const result = match(snapshot);
        const sites = new Map(snapshot.sites.map((s) => [s.siteId, s]));
        const offers = new Map(snapshot.offers.map((o) => [o.offerId, o]));
        for (const a of result.allocations) {
          const site = sites.get(a.siteId)!;
          expect(a.pricePerGpuHour).toBeLessThanOrEqual(a.bidPerGpuHour);
          expect(a.pricePerGpuHour).toBeGreaterThanOrEqual(site.reservePricePerGpuHour);
          expect(a.pricePerGpuHour).toBeGreaterThanOrEqual(a.reservePerGpuHour);
          // Single-offer allocations: at least that offer's energy reserve.
          if (a.energy.length === 1) {
            const offer = offers.get(a.energy[0].offerId)!;
            expect(a.pricePerGpuHour).toBeGreaterThanOrEqual(
              energyReservePerGpuHour(site, offer, snapshot.platformFeeBps),
            );
          }
          // Any mix: the charge covers the energy floor of what was drawn, after the fee.
          const energyCost = a.energy.reduce(
            (sum, d) => sum + (d.wh * d.floorPricePerMwh) / 1e6,
            0,
          );
          expect(
            a.pricePerGpuHour * a.gpus * (1 - snapshot.platformFeeBps / 10_000),
          ).toBeGreaterThanOrEqual(energyCost - 1e-6);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('honours all-or-none and hours: an order gets 0 or all its slots, never more than it wants', () => {
    fc.assert(
      fc.property(instances, (snapshot) => {
        const result = match(snapshot);
        const count = new Map<string, number>();
        for (const a of result.allocations) count.set(a.orderId, (count.get(a.orderId) ?? 0) + 1);
        for (const order of snapshot.orders) {
          const filled = count.get(order.orderId) ?? 0;
          expect(filled).toBeLessThanOrEqual(slotsToFill(order));
          if (order.allOrNone) expect([0, slotsToFill(order)]).toContain(filled);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('is deterministic: the same snapshot gives a deep-equal result and the same JSON', () => {
    fc.assert(
      fc.property(instances, (snapshot) => {
        const first = match(snapshot);
        const second = match(structuredClone(snapshot));
        expect(second).toEqual(first);
        expect(JSON.stringify(second)).toBe(JSON.stringify(first));
        expect(canonicalJson(second)).toBe(canonicalJson(first));
      }),
      { numRuns: RUNS },
    );
  });

  it('does not depend on the order of orders, sites, offers or their site lists', () => {
    fc.assert(
      fc.property(instances, fc.integer(), (snapshot, seed) => {
        const shuffledSnapshot: MatchingSnapshot = {
          ...snapshot,
          orders: shuffled(snapshot.orders, seed),
          sites: shuffled(snapshot.sites, seed + 1),
          offers: shuffled(snapshot.offers, seed + 2).map((o) => ({
            ...o,
            siteIds: shuffled(o.siteIds, seed + 3),
          })),
        };
        expect(JSON.stringify(match(shuffledSnapshot))).toBe(JSON.stringify(match(snapshot)));
      }),
      { numRuns: RUNS },
    );
  });

  it('has a verifier that catches a broken result (it is not vacuous)', () => {
    fc.assert(
      fc.property(instances, (snapshot) => {
        const result = match(snapshot);
        fc.pre(result.allocations.length > 0);
        const [first, ...rest] = result.allocations;
        const overbooked = {
          ...result,
          allocations: [{ ...first, gpus: first.gpus + 1 }, ...rest],
        };
        expect(verifyMatching(snapshot, overbooked)).not.toEqual([]);
        const overpriced = {
          ...result,
          allocations: [{ ...first, pricePerGpuHour: first.bidPerGpuHour + 1 }, ...rest],
        };
        expect(verifyMatching(snapshot, overpriced)).not.toEqual([]);
        const twice = { ...result, allocations: [first, ...result.allocations] };
        expect(verifyMatching(snapshot, twice)).not.toEqual([]);
      }),
      { numRuns: 20 },
    );
  });
});
