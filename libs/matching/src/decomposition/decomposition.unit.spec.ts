import fc from 'fast-check';
import { canonicalJson } from '@policloud/audit';
import { matchOrders } from '../match-orders';
import { CompiledModel, compileSnapshot } from '../model/compiled-model';
import { MatchingSnapshot } from '../model/types';
import { verifyMatching } from '../result/verify-matching';
import { randomSnapshot, shuffled } from '../testing/random-snapshot';
import { findRegions, Region, regionModel } from './regions';

/** Several currencies, jurisdictions and models: markets that fall apart into regions. */
const instances = fc
  .record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    orders: fc.integer({ min: 1, max: 80 }),
    sites: fc.integer({ min: 1, max: 10 }),
    slots: fc.integer({ min: 1, max: 8 }),
    constraintRate: fc.constantFrom(0.25, 0.8),
    allOrNoneRate: fc.constantFrom(0, 0.3),
    maxGpus: fc.constantFrom(8, 64),
  })
  .map(randomSnapshot);

const BUDGET = 60_000;
const RUNS = 40;

/** The snapshot holding only a region's orders, sites and offers. */
function regionSnapshot(
  snapshot: MatchingSnapshot,
  model: CompiledModel,
  region: Region,
): MatchingSnapshot {
  return {
    ...snapshot,
    sites: region.sites.map((site) => model.sites[site]),
    offers: region.offers.map((offer) => model.offers[offer]),
    orders: region.orders.map((order) => model.orders[order].order),
  };
}

/** What the engine reads of a compiled model, with indices turned into ids. */
function readable(model: CompiledModel) {
  return {
    sites: model.sites.map((site) => site.siteId),
    offers: model.offers.map((offer) => offer.offerId),
    free: [...model.free],
    whLeft: [...model.whLeft],
    siteReserve: [...model.siteReserve],
    whPerGpuHour: [...model.whPerGpuHour],
    offerCarbon: [...model.offerCarbon],
    offerRenewable: [...model.offerRenewable],
    siteOffers: model.siteOffers.map((offers) => [...offers].map((o) => model.offers[o].offerId)),
    siteOfferReserve: model.siteOfferReserve.map((reserves) => [...reserves]),
    orders: model.orders.map((order) => ({
      orderId: order.order.orderId,
      rank: order.rank,
      idRank: order.idRank,
      wanted: order.wanted,
      slots: [...order.slots],
      sites: [...order.sites].map((site) => model.sites[site].siteId),
      minReserve: [...order.minReserve],
      staticReason: order.staticReason,
    })),
  };
}

describe('matching: independent regions', () => {
  it('a region shares no site, offer or order with another, and every order is in one', () => {
    fc.assert(
      fc.property(instances, (snapshot) => {
        const model = compileSnapshot(snapshot);
        const regions = findRegions(model);
        const regionOfSite = new Map<number, number>();
        regions.forEach((region, index) =>
          region.sites.forEach((site) => regionOfSite.set(site, index)),
        );
        expect(regionOfSite.size).toBe(regions.reduce((n, r) => n + r.sites.length, 0));
        const orders = regions.flatMap((region) => region.orders).sort((a, b) => a - b);
        expect(orders).toEqual(model.orders.map((_, index) => index));
        regions.forEach((region, index) => {
          // An order that could run somewhere has every site it could run at in its region.
          for (const order of region.orders) {
            const compiled = model.orders[order];
            if (compiled.staticReason !== undefined || compiled.wanted === 0) continue;
            compiled.sites.forEach((site, i) => {
              if (compiled.minReserve[i] <= compiled.bid)
                expect(regionOfSite.get(site)).toBe(index);
            });
          }
          // An offer feeds sites of its region only.
          for (const offer of region.offers) {
            model.siteOffers.forEach((feeding, site) => {
              if (feeding.includes(offer)) expect(regionOfSite.get(site)).toBe(index);
            });
          }
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("a region's model is the compiled snapshot of its own orders, sites and offers", () => {
    fc.assert(
      fc.property(instances, (snapshot) => {
        const model = compileSnapshot(snapshot);
        for (const region of findRegions(model)) {
          expect(readable(regionModel(model, region))).toEqual(
            readable(compileSnapshot(regionSnapshot(snapshot, model, region))),
          );
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a decomposed run passes the independent verifier', () => {
    fc.assert(
      fc.property(instances, (snapshot) => {
        const result = matchOrders(snapshot, { decompose: true, workBudget: BUDGET });
        expect(verifyMatching(snapshot, result)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('a decomposed run is byte-identical whatever the order of its input', () => {
    fc.assert(
      fc.property(instances, fc.integer({ min: 1, max: 1000 }), (snapshot, seed) => {
        const permuted: MatchingSnapshot = {
          ...snapshot,
          orders: shuffled(snapshot.orders, seed),
          sites: shuffled(snapshot.sites, seed + 1),
          offers: shuffled(snapshot.offers, seed + 2),
        };
        const options = { decompose: true, workBudget: BUDGET };
        expect(canonicalJson(matchOrders(permuted, options))).toBe(
          canonicalJson(matchOrders(snapshot, options)),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('a market of one region gives the same result split or not', () => {
    const snapshot = randomSnapshot({
      seed: 5,
      orders: 60,
      sites: 4,
      slots: 8,
      singleMarket: true,
    });
    expect(findRegions(compileSnapshot(snapshot))).toHaveLength(1);
    expect(canonicalJson(matchOrders(snapshot, { decompose: true, workBudget: BUDGET }))).toBe(
      canonicalJson(matchOrders(snapshot, { decompose: false, workBudget: BUDGET })),
    );
  });

  it('a large decomposed market (regions of 5,000 orders and more) passes the verifier, whatever its input order', () => {
    const snapshot = randomSnapshot({ seed: 3, orders: 12_000, sites: 8, slots: 12 });
    const options = { decompose: true, workBudget: BUDGET };
    const result = matchOrders(snapshot, options);
    expect(verifyMatching(snapshot, result)).toEqual([]);
    const permuted = { ...snapshot, orders: shuffled(snapshot.orders, 9) };
    expect(canonicalJson(matchOrders(permuted, options))).toBe(canonicalJson(result));
  });
});
