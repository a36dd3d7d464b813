import { MatchingOrder, MatchingSnapshot } from '../model/types';
import { MatchingEngine } from '../engine-state/matching-engine';
import { compileSnapshot } from '../model/compiled-model';
import { clearingPricesOf } from '../result/clearing-prices';
import { randomSnapshot } from '../testing/random-snapshot';
import { quoteOrder } from './quote-order';
import { handWorkedOrder, handWorkedSite, S0, S1, S2 } from '../testing/hand-worked-order';

/** Quotes look over the whole horizon [S0, S2). */
const order = (orderId: string, overrides: Partial<MatchingOrder> = {}): MatchingOrder =>
  handWorkedOrder(orderId, { deadline: S2, ...overrides });

const market = (orders: MatchingOrder[], freeAtS1 = 8): MatchingSnapshot => ({
  horizon: { start: S0, end: S2 },
  platformFeeBps: 0,
  orders,
  sites: [
    handWorkedSite('fr-1', { energyPerGpuHourWh: 1_000, freeGpus: { [S0]: 8, [S1]: freeAtS1 } }),
  ],
  offers: [
    {
      offerId: 'wind',
      producerId: 'p',
      siteIds: ['fr-1'],
      source: 'wind',
      carbonGPerKwh: 12,
      floorPricePerMwh: 0,
      currency: 'EUR',
      unallocatedWh: { [S0]: 100_000, [S1]: 100_000 },
    },
  ],
});

describe('quoteOrder', () => {
  it('places the order alone on the residual market at its reserve, with its carbon', () => {
    const quote = quoteOrder(market([order('q', { hours: 2 })]), 'q');
    expect(quote.slots).toEqual([
      {
        siteId: 'fr-1',
        slot: S0,
        gpus: 8,
        pricePerGpuHour: 150,
        reservePerGpuHour: 150,
        carbonGPerGpuHour: 12,
      },
      {
        siteId: 'fr-1',
        slot: S1,
        gpus: 8,
        pricePerGpuHour: 150,
        reservePerGpuHour: 150,
        carbonGPerGpuHour: 12,
      },
    ]);
    expect(quote.unfilled).toBeUndefined();
  });

  it('prices a cell by the clearing rule: an open order it would crowd out raises the price', () => {
    const quote = quoteOrder(
      market(
        [order('q', { maxPricePerGpuHour: 300 }), order('rival', { maxPricePerGpuHour: 220 })],
        0,
      ),
      'q',
    );
    expect(quote.slots.map((s) => [s.slot, s.pricePerGpuHour])).toEqual([[S0, 220]]);
  });

  it('says why it would not fill, and fills an all-or-none order whole or not at all', () => {
    const aon = quoteOrder(market([order('q', { hours: 2, allOrNone: true })], 0), 'q');
    expect(aon.slots).toEqual([]);
    expect(aon.unfilled).toMatchObject({ reason: 'all_or_none', slotsFilled: 0 });
    const cheap = quoteOrder(market([order('q', { maxPricePerGpuHour: 100 })]), 'q');
    expect(cheap.unfilled).toMatchObject({ reason: 'below_reserve', lowestReservePerGpuHour: 150 });
  });
});

describe('quoteOrder on random markets', () => {
  it('prices as the whole snapshot would: restricting the horizon to its slots changes nothing', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const snapshot = randomSnapshot({ seed, orders: 60, sites: 3, slots: 12, tightness: 3 });
      for (const quoted of snapshot.orders.slice(0, 8)) {
        const quote = quoteOrder(snapshot, quoted.orderId);
        // The same placements in a model of the whole snapshot, priced there.
        const model = compileSnapshot(snapshot);
        const index = model.orders.findIndex((o) => o.order.orderId === quoted.orderId);
        const engine = new MatchingEngine(model);
        const sites = new Map(model.sites.map((site, i) => [site.siteId, i]));
        for (const slot of quote.slots) {
          engine.place(index, sites.get(slot.siteId)!, model.slots.indexOf(slot.slot));
        }
        const price = clearingPricesOf(engine, new MatchingEngine(model));
        expect(quote.slots.map((s) => s.pricePerGpuHour)).toEqual(
          quote.slots.map(
            (s) => price[sites.get(s.siteId)! * model.slotCount + model.slots.indexOf(s.slot)],
          ),
        );
      }
    }
  });
});
