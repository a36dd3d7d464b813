import fc from 'fast-check';
import { matchOrders } from './match-orders';
import { MatchingEnergyOffer, MatchingResult, MatchingSnapshot } from './model/types';
import { slotsToFill } from './model/rules';
import { verifyMatching } from './result/verify-matching';
import { randomSnapshot } from './testing/random-snapshot';
import { handWorkedOrder as order, handWorkedSite, S0, S1, S2 } from './testing/hand-worked-order';

const site = handWorkedSite;

const offer = (
  offerId: string,
  overrides: Partial<MatchingEnergyOffer> = {},
): MatchingEnergyOffer => ({
  offerId,
  producerId: `producer-of-${offerId}`,
  siteIds: ['fr-1'],
  source: 'wind',
  carbonGPerKwh: 11,
  floorPricePerMwh: 500,
  currency: 'EUR',
  unallocatedWh: { [S0]: 100_000, [S1]: 100_000 },
  ...overrides,
});

function run(snapshot: Partial<MatchingSnapshot>): MatchingResult {
  const full: MatchingSnapshot = {
    horizon: { start: S0, end: S2 },
    platformFeeBps: 0,
    orders: [],
    sites: [site('fr-1')],
    offers: [offer('w')],
    ...snapshot,
  };
  const result = matchOrders(full);
  expect(verifyMatching(full, result)).toEqual([]);
  return result;
}

const prices = (result: MatchingResult) =>
  Object.fromEntries(
    result.clearingPrices.map((p) => [`${p.siteId}@${p.slot.slice(11, 13)}`, p.pricePerGpuHour]),
  );

describe('matching: clearing prices', () => {
  it('rises above the reserve to the highest bid left unserved for want of GPUs there', () => {
    const result = run({
      orders: [
        order('high', { maxPricePerGpuHour: 300 }),
        order('low', { maxPricePerGpuHour: 250 }),
      ],
    });
    expect(result.allocations.map((a) => [a.orderId, a.pricePerGpuHour])).toEqual([['high', 250]]);
    expect(prices(result)).toEqual({ 'fr-1@10': 250 });
    expect(result.unfilled).toEqual([
      expect.objectContaining({
        orderId: 'low',
        reason: 'outbid',
        clearingPricePerGpuHour: 250,
        message: expect.stringContaining('2.50 EUR'),
      }),
    ]);
  });

  it('never rises above the lowest bid accepted there', () => {
    // `green` fits only on dear renewable energy (reserve 230): 8 × 10 of welfare loses to the
    // 4 × 50 + 4 × 40 of the two cheaper bids, which take the site.
    const result = run({
      offers: [
        offer('grid', { source: 'grid', carbonGPerKwh: 60 }),
        offer('solar', { floorPricePerMwh: 287_500 }),
      ],
      orders: [
        order('a', { gpus: 4, maxPricePerGpuHour: 200 }),
        order('b', { gpus: 4, maxPricePerGpuHour: 190 }),
        order('green', { maxPricePerGpuHour: 240, constraints: { renewableOnly: true } }),
      ],
    });
    expect(result.allocations.map((a) => a.orderId)).toEqual(['a', 'b']);
    expect(prices(result)).toEqual({ 'fr-1@10': 190 });
  });

  it('is not raised by an all-or-none order left out, nor by one too large for the site', () => {
    const result = run({
      sites: [site('fr-1', { freeGpus: { [S0]: 8, [S1]: 0 } })],
      orders: [
        order('plain', { maxPricePerGpuHour: 200 }),
        order('bundle', { hours: 2, deadline: S2, allOrNone: true, maxPricePerGpuHour: 400 }),
        order('huge', { gpus: 16, maxPricePerGpuHour: 500 }),
      ],
    });
    expect(prices(result)).toEqual({ 'fr-1@10': 150 });
    const reasons = Object.fromEntries(result.unfilled.map((u) => [u.orderId, u.reason]));
    expect(reasons).toEqual({ bundle: 'all_or_none', huge: 'no_free_gpus' });
  });

  it('is raised only in the slots a multi-slot order was left out of, not where it was served', () => {
    const result = run({
      orders: [
        order('first', { maxPricePerGpuHour: 300 }),
        order('long', { hours: 2, deadline: S2, maxPricePerGpuHour: 250 }),
      ],
    });
    expect(result.allocations.map((a) => `${a.orderId}@${a.slot.slice(11, 13)}`)).toEqual([
      'first@10',
      'long@11',
    ]);
    expect(prices(result)).toEqual({ 'fr-1@10': 250, 'fr-1@11': 150 });
  });

  describe('on random instances', () => {
    const instances = fc
      .record({
        seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        orders: fc.integer({ min: 2, max: 40 }),
        sites: fc.integer({ min: 1, max: 4 }),
        slots: fc.integer({ min: 1, max: 8 }),
        tightness: fc.constantFrom(0.5, 1.2, 3),
        priceyEnergy: fc.boolean(),
        constraintRate: fc.constantFrom(0, 0.25),
        allOrNoneRate: fc.constantFrom(0, 0.3),
        maxGpus: fc.constantFrom(4, 32),
      })
      .map(randomSnapshot);
    const match = (snapshot: MatchingSnapshot) => matchOrders(snapshot, { workBudget: 50_000 });

    it('no buyer pays above its bid, nobody accepted is paid below reserve', () => {
      fc.assert(
        fc.property(instances, (snapshot) => {
          const result = match(snapshot);
          const price = new Map(result.clearingPrices.map((p) => [`${p.siteId}|${p.slot}`, p]));
          for (const a of result.allocations) {
            const cleared = price.get(`${a.siteId}|${a.slot}`)!.pricePerGpuHour;
            expect(a.pricePerGpuHour).toBe(cleared);
            expect(cleared).toBeLessThanOrEqual(a.bidPerGpuHour);
            expect(cleared).toBeGreaterThanOrEqual(a.reservePerGpuHour);
          }
        }),
        { numRuns: 40 },
      );
    });

    it('clears at the highest accepted reserve unless demand was left short: then at a bid', () => {
      fc.assert(
        fc.property(instances, (snapshot) => {
          const result = match(snapshot);
          const short = new Set(
            result.unfilled.filter((u) => u.slotsFilled < u.slotsRequested).map((u) => u.orderId),
          );
          for (const p of result.clearingPrices) {
            const here = result.allocations.filter(
              (a) => a.siteId === p.siteId && a.slot === p.slot,
            );
            const maxReserve = Math.max(...here.map((a) => a.reservePerGpuHour));
            const minBid = Math.min(...here.map((a) => a.bidPerGpuHour));
            if (p.pricePerGpuHour === maxReserve) continue;
            // Raised: to the lowest accepted bid, or to the bid of a divisible order left short
            // whose window holds the slot and that is not served in it.
            const served = new Set(
              result.allocations.filter((a) => a.slot === p.slot).map((a) => a.orderId),
            );
            const setters = snapshot.orders.filter(
              (o) =>
                short.has(o.orderId) &&
                !o.allOrNone &&
                !served.has(o.orderId) &&
                o.earliestStart <= p.slot &&
                p.slot < o.deadline &&
                slotsToFill(o) > 0,
            );
            expect(
              p.pricePerGpuHour === minBid ||
                setters.some((o) => o.maxPricePerGpuHour === p.pricePerGpuHour),
            ).toBe(true);
            expect(setters.some((o) => o.maxPricePerGpuHour >= p.pricePerGpuHour)).toBe(true);
          }
        }),
        { numRuns: 40 },
      );
    });
  });
});
