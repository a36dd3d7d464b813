import { MatchingInputError } from './model/input-error';
import { canonicalJson } from '@policloud/audit';
import { matchOrders } from './match-orders';
import { randomSnapshot } from './testing/random-snapshot';
import { verifyMatching } from './result/verify-matching';
import { MatchingEnergyOffer, MatchingResult, MatchingSite, MatchingSnapshot } from './model/types';
import { handWorkedOrder as order, S0, S1, S2 } from './testing/hand-worked-order';

function site(siteId: string, overrides: Partial<MatchingSite> = {}): MatchingSite {
  return {
    siteId,
    country: 'FR',
    operatorJurisdiction: 'FR',
    certifications: ['SecNumCloud'],
    gpuModel: 'H100',
    location: { lat: 48.8, lon: 2.3 },
    currency: 'EUR',
    reservePricePerGpuHour: 150,
    energyPerGpuHourWh: 800,
    freeGpus: { [S0]: 8 },
    ...overrides,
  };
}

/** Energy at 5 EUR/MWh: 800 Wh cost 0.4 cents, far under any site reserve here. */
function offer(
  offerId: string,
  siteIds: string[],
  overrides: Partial<MatchingEnergyOffer> = {},
): MatchingEnergyOffer {
  return {
    offerId,
    producerId: `producer-of-${offerId}`,
    siteIds,
    source: 'wind',
    carbonGPerKwh: 11,
    floorPricePerMwh: 500,
    currency: 'EUR',
    unallocatedWh: { [S0]: 100_000 },
    ...overrides,
  };
}

function run(snapshot: Partial<MatchingSnapshot>): MatchingResult {
  const full: MatchingSnapshot = {
    horizon: { start: S0, end: S2 },
    platformFeeBps: 0,
    orders: [],
    sites: [],
    offers: [],
    ...snapshot,
  };
  const result = matchOrders(full);
  expect(verifyMatching(full, result)).toEqual([]);
  return result;
}

const placements = (result: MatchingResult) =>
  result.allocations.map((a) => `${a.orderId}→${a.siteId}@${a.slot.slice(11, 13)}×${a.gpus}`);

describe('matching: hand-worked cases', () => {
  it('sends a FR-only order to the pricier French site while a cheaper AE site exists', () => {
    const result = run({
      sites: [
        site('ae-1', { country: 'AE', operatorJurisdiction: 'AE', reservePricePerGpuHour: 100 }),
        site('fr-1', { reservePricePerGpuHour: 180 }),
      ],
      offers: [offer('w-ae', ['ae-1']), offer('w-fr', ['fr-1'])],
      orders: [
        order('o-fr', { constraints: { jurisdictions: ['FR'] } }),
        order('o-any', { maxPricePerGpuHour: 250 }),
      ],
    });
    expect(result.allocations).toEqual([
      {
        allocationId: `o-any@${S0}`,
        orderId: 'o-any',
        buyerId: 'buyer-1',
        siteId: 'ae-1',
        slot: S0,
        gpus: 8,
        currency: 'EUR',
        pricePerGpuHour: 100,
        bidPerGpuHour: 250,
        reservePerGpuHour: 100,
        energy: [
          {
            offerId: 'w-ae',
            producerId: 'producer-of-w-ae',
            wh: 6_400,
            source: 'wind',
            carbonGPerKwh: 11,
            floorPricePerMwh: 500,
          },
        ],
        site: {
          country: 'AE',
          operatorJurisdiction: 'AE',
          certifications: ['SecNumCloud'],
          energyPerGpuHourWh: 800,
        },
      },
      {
        allocationId: `o-fr@${S0}`,
        orderId: 'o-fr',
        buyerId: 'buyer-1',
        siteId: 'fr-1',
        slot: S0,
        gpus: 8,
        currency: 'EUR',
        pricePerGpuHour: 180,
        bidPerGpuHour: 300,
        reservePerGpuHour: 180,
        energy: [
          {
            offerId: 'w-fr',
            producerId: 'producer-of-w-fr',
            wh: 6_400,
            source: 'wind',
            carbonGPerKwh: 11,
            floorPricePerMwh: 500,
          },
        ],
        site: {
          country: 'FR',
          operatorJurisdiction: 'FR',
          certifications: ['SecNumCloud'],
          energyPerGpuHourWh: 800,
        },
      },
    ]);
    expect(result.clearingPrices).toEqual([
      { siteId: 'ae-1', slot: S0, currency: 'EUR', pricePerGpuHour: 100, gpus: 8 },
      { siteId: 'fr-1', slot: S0, currency: 'EUR', pricePerGpuHour: 180, gpus: 8 },
    ]);
    // 8 × (300 − 180) + 8 × (250 − 100)
    expect(result.totalWelfare).toBe(2_160);
    expect(result.welfare).toEqual([{ currency: 'EUR', welfare: 2_160, gpuHours: 16 }]);
    expect(result.unfilled).toEqual([]);
  });

  it('moves a flexible order to a dearer site so that a constrained one fits (welfare, not first come)', () => {
    const result = run({
      sites: [
        site('de-1', { country: 'DE', operatorJurisdiction: 'DE', reservePricePerGpuHour: 150 }),
        site('fr-1', { reservePricePerGpuHour: 100 }),
      ],
      offers: [offer('w-de', ['de-1']), offer('w-fr', ['fr-1'])],
      orders: [
        order('a-any', { maxPricePerGpuHour: 400 }),
        order('b-fr', { constraints: { jurisdictions: ['FR'] } }),
      ],
    });
    expect(placements(result)).toEqual(['a-any→de-1@10×8', 'b-fr→fr-1@10×8']);
    // 8 × (400 − 150) + 8 × (300 − 100), against 8 × 300 if a-any kept the cheap site.
    expect(result.totalWelfare).toBe(3_600);
  });

  it('gives up a slot elsewhere whose energy a more valuable order needs (energy shared by two sites)', () => {
    const result = run({
      sites: [
        site('de-1', {
          country: 'DE',
          operatorJurisdiction: 'DE',
          reservePricePerGpuHour: 189,
          energyPerGpuHourWh: 1213,
          freeGpus: { [S0]: 4 },
        }),
        site('fr-1', {
          reservePricePerGpuHour: 85,
          energyPerGpuHourWh: 364,
          freeGpus: { [S0]: 16 },
        }),
      ],
      offers: [offer('shared', ['de-1', 'fr-1'], { unallocatedWh: { [S0]: 3_000 } })],
      orders: [
        // The best surplus per GPU-hour (223), so the greedy serves it first...
        order('x-de', { gpus: 1, maxPricePerGpuHour: 412, constraints: { jurisdictions: ['DE'] } }),
        // ...leaving 1,787 Wh where this one needs 8 × 364 = 2,912 Wh for 8 × 58 = 464.
        order('y-fr', { gpus: 8, maxPricePerGpuHour: 143, constraints: { jurisdictions: ['FR'] } }),
      ],
    });
    expect(placements(result)).toEqual(['y-fr→fr-1@10×8']);
    expect(result.totalWelfare).toBe(464);
  });

  it('caps capacity at the energy: min(free GPUs, floor(Wh / e))', () => {
    const result = run({
      sites: [site('fr-1', { freeGpus: { [S0]: 10 } })],
      offers: [offer('w', ['fr-1'], { unallocatedWh: { [S0]: 3 * 800 + 799 } })],
      orders: [
        order('big', { gpus: 4, maxPricePerGpuHour: 500 }),
        order('small', { gpus: 3, maxPricePerGpuHour: 200 }),
      ],
    });
    expect(placements(result)).toEqual(['small→fr-1@10×3']);
    expect(result.unfilled).toEqual([
      {
        orderId: 'big',
        slotsRequested: 1,
        slotsFilled: 0,
        unfilledGpuHours: 4,
        reason: 'energy_short',
        message: expect.stringContaining('not enough qualifying energy'),
      },
    ]);
  });

  it('keeps renewable energy for renewable-only orders: others draw the grid first', () => {
    const result = run({
      sites: [site('fr-1', { freeGpus: { [S0]: 16 } })],
      offers: [
        offer('grid', ['fr-1'], {
          source: 'grid',
          carbonGPerKwh: 56,
          unallocatedWh: { [S0]: 6_400 },
        }),
        offer('wind', ['fr-1'], { unallocatedWh: { [S0]: 6_400 } }),
      ],
      orders: [
        order('any', { maxPricePerGpuHour: 400 }),
        order('green', { maxPricePerGpuHour: 200, constraints: { renewableOnly: true } }),
      ],
    });
    const drawn = Object.fromEntries(
      result.allocations.map((a) => [a.orderId, a.energy.map((e) => e.offerId)]),
    );
    expect(drawn).toEqual({ any: ['grid'], green: ['wind'] });
  });

  it('judges maxCarbonGPerKwh offer by offer, not on the average of the mix', () => {
    const result = run({
      sites: [site('fr-1')],
      offers: [
        offer('wind', ['fr-1'], { unallocatedWh: { [S0]: 4 * 800 } }),
        offer('grid', ['fr-1'], { source: 'grid', carbonGPerKwh: 60 }),
      ],
      // Half wind (11) and half grid (60) would average 35.5 g/kWh, under the cap of 50.
      orders: [order('capped', { constraints: { maxCarbonGPerKwh: 50 } })],
    });
    expect(result.allocations).toEqual([]);
    expect(result.unfilled.map((u) => u.reason)).toEqual(['energy_short']);
  });

  it('fills all-or-none orders completely or not at all, divisible ones by the hour', () => {
    const sites = [site('fr-1', { freeGpus: { [S0]: 8 } })];
    const offers = [offer('w', ['fr-1'], { unallocatedWh: { [S0]: 100_000, [S1]: 100_000 } })];
    const window = { earliestStart: S0, deadline: S2, hours: 2 };
    const aon = run({ sites, offers, orders: [order('aon', { ...window, allOrNone: true })] });
    expect(aon.allocations).toEqual([]);
    expect(aon.unfilled).toEqual([
      {
        orderId: 'aon',
        slotsRequested: 2,
        slotsFilled: 0,
        unfilledGpuHours: 16,
        reason: 'all_or_none',
        message: expect.stringContaining('could not all be filled together'),
      },
    ]);
    const divisible = run({ sites, offers, orders: [order('div', window)] });
    expect(placements(divisible)).toEqual(['div→fr-1@10×8']);
    expect(divisible.unfilled[0]).toMatchObject({ slotsFilled: 1, unfilledGpuHours: 8 });
  });

  it('prices a (site, slot) at its highest accepted reserve, energy included, never above a bid', () => {
    // e = 1000 Wh at 1800 EUR/MWh with a 10% fee: ⌈1000 × 180000 / 1e6 / 0.9⌉ = 200 per GPU-hour.
    const result = run({
      platformFeeBps: 1_000,
      sites: [
        site('fr-1', {
          energyPerGpuHourWh: 1_000,
          reservePricePerGpuHour: 100,
          freeGpus: { [S0]: 4 },
        }),
      ],
      offers: [offer('pricey', ['fr-1'], { floorPricePerMwh: 180_000 })],
      orders: [
        order('high', { gpus: 2, maxPricePerGpuHour: 250 }),
        order('low', { gpus: 2, maxPricePerGpuHour: 220 }),
      ],
    });
    expect(
      result.allocations.map((a) => [a.orderId, a.reservePerGpuHour, a.pricePerGpuHour]),
    ).toEqual([
      ['high', 200, 200],
      ['low', 200, 200],
    ]);
    expect(result.totalWelfare).toBe(2 * (250 - 200) + 2 * (220 - 200));
  });

  it('takes the reserve of a mix from the energy actually drawn (Wh-weighted, rounded up)', () => {
    const result = run({
      sites: [
        site('fr-1', {
          energyPerGpuHourWh: 1_000,
          reservePricePerGpuHour: 100,
          freeGpus: { [S0]: 2 },
        }),
      ],
      offers: [
        offer('free', ['fr-1'], { floorPricePerMwh: 0, unallocatedWh: { [S0]: 500 } }),
        offer('dear', ['fr-1'], { floorPricePerMwh: 200_000 }),
      ],
      orders: [order('o', { gpus: 2 })],
    });
    // 500 Wh at 0 and 1500 Wh at 200 per GPU-hour: (500 × 0 + 1500 × 200) / 2000 = 150.
    expect(result.allocations[0].energy.map((e) => [e.offerId, e.wh])).toEqual([
      ['dear', 1_500],
      ['free', 500],
    ]);
    expect(result.allocations[0].reservePerGpuHour).toBe(150);
  });

  it('never puts together a bid below another allocation’s reserve in one (site, slot)', () => {
    const result = run({
      sites: [site('fr-1', { reservePricePerGpuHour: 100, freeGpus: { [S0]: 16 } })],
      offers: [
        offer('grid', ['fr-1'], { source: 'grid', carbonGPerKwh: 56 }),
        // 800 Wh × 375000 / 1e6 = 300 per GPU-hour.
        offer('wind', ['fr-1'], { floorPricePerMwh: 375_000 }),
      ],
      orders: [
        order('green', { maxPricePerGpuHour: 400, constraints: { renewableOnly: true } }),
        order('grey', { maxPricePerGpuHour: 250 }),
      ],
    });
    // Together no price fits [300, 250]: grey (8 × 150) beats green (8 × 100).
    expect(placements(result)).toEqual(['grey→fr-1@10×8']);
    expect(result.clearingPrices[0].pricePerGpuHour).toBe(100);
  });

  it('breaks ties by placement time, then by order id', () => {
    const base = {
      sites: [site('fr-1')],
      offers: [offer('w', ['fr-1'])],
    };
    const byTime = run({
      ...base,
      orders: [
        order('a', { placedAt: '2026-03-01T09:00:00.000Z' }),
        order('b', { placedAt: '2026-03-01T08:00:00.000Z' }),
      ],
    });
    expect(placements(byTime)).toEqual(['b→fr-1@10×8']);
    const byId = run({ ...base, orders: [order('b'), order('a')] });
    expect(placements(byId)).toEqual(['a→fr-1@10×8']);
  });

  it('says why an order got nothing', () => {
    const result = run({
      sites: [site('fr-1', { freeGpus: { [S0]: 64 } })],
      offers: [offer('w', ['fr-1'])],
      orders: [
        order('cheap', { maxPricePerGpuHour: 149 }),
        order('h200', { gpuModel: 'H200' }),
        order('usd', { currency: 'USD' }),
        order('later', { earliestStart: '2026-03-03T00:00:00Z', deadline: '2026-03-03T05:00:00Z' }),
        order('far', {
          constraints: { maxDistanceKm: { origin: { lat: 40.7, lon: -74 }, km: 1000 } },
        }),
        order('sovereign', { constraints: { sovereignOperator: true } }),
      ],
    });
    expect(Object.fromEntries(result.unfilled.map((u) => [u.orderId, u.reason]))).toEqual({
      cheap: 'below_reserve',
      far: 'no_eligible_site',
      h200: 'no_eligible_site',
      later: 'no_slot_in_horizon',
      usd: 'no_eligible_site',
    });
    const byId = new Map(result.unfilled.map((u) => [u.orderId, u]));
    expect(byId.get('usd')).toMatchObject({ constraint: 'currency' });
    expect(byId.get('h200')).toMatchObject({
      constraint: 'gpuModel',
      message: "No site meets the order's constraints: no site has H200 GPUs.",
    });
    expect(byId.get('far')).toMatchObject({ constraint: 'constraints.maxDistanceKm' });
    expect(byId.get('cheap')).toMatchObject({ lowestReservePerGpuHour: 150 });
    expect(placements(result)).toEqual(['sovereign→fr-1@10×8']);
  });

  it('never fills a slot an earlier run filled, and only what is left', () => {
    const result = run({
      sites: [site('fr-1', { freeGpus: { [S0]: 8, [S1]: 8 } })],
      offers: [offer('w', ['fr-1'], { unallocatedWh: { [S0]: 100_000, [S1]: 100_000 } })],
      orders: [order('o', { hours: 3, remainingGpuHours: 8, filledSlots: [S0], deadline: S2 })],
    });
    expect(placements(result)).toEqual(['o→fr-1@11×8']);
  });

  it('rejects a snapshot with duplicate ids', () => {
    expect(() =>
      matchOrders({
        horizon: { start: S0, end: S1 },
        platformFeeBps: 0,
        orders: [order('o'), order('o')],
        sites: [],
        offers: [],
      }),
    ).toThrow(MatchingInputError);
  });

  describe('work budget', () => {
    const market = () => randomSnapshot({ seed: 1, orders: 20, sites: 2, slots: 6, maxGpus: 16 });

    it('gives the production result when the budget is the default one, 6 M', () => {
      expect(canonicalJson(matchOrders(market(), { workBudget: 6_000_000 }))).toBe(
        canonicalJson(matchOrders(market())),
      );
    });

    it('gives a valid, deterministic result at a small budget', () => {
      const snapshot = market();
      const result = matchOrders(snapshot, { workBudget: 10_000 });
      expect(verifyMatching(snapshot, result)).toEqual([]);
      expect(result.allocations.length).toBeGreaterThan(0);
      expect(canonicalJson(matchOrders(market(), { workBudget: 10_000 }))).toBe(
        canonicalJson(result),
      );
    });

    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
      'rejects a budget of %p',
      (workBudget) => {
        expect(() => matchOrders(market(), { workBudget })).toThrow(MatchingInputError);
      },
    );
  });
});
