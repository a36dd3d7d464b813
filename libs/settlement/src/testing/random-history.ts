/**
 * fast-check arbitrary of small, messy histories for settlement's property specs: two months of
 * allocations over two sites (EUR and JPY) with agreements that change, shared producers, a
 * producer that also hosts, draws above and below `e × GPUs`, usage that under-delivers, meters
 * more than declared or nothing at all, amendments, curtailments, heat, prices below the energy
 * cost, and positions in random order.
 */
import fc from 'fast-check';
import type { Agreement, CurrencyCode } from '@policloud/domain';
import {
  MeteredUsage,
  OfferSlotSupply,
  SettlementAllocation,
  SettlementSite,
} from '../settlement.types';

export interface RandomHistory {
  platformFeeBps: number;
  sites: SettlementSite[];
  allocations: SettlementAllocation[];
  usage: MeteredUsage[];
  supplies: OfferSlotSupply[];
}

const SITES: { siteId: string; currency: CurrencyCode }[] = [
  { siteId: 'site-a', currency: 'EUR' },
  { siteId: 'site-b', currency: 'JPY' },
];
const PRODUCERS = ['p1', 'p2', 'p3'];
const HOSTS = ['h1', 'h2', 'p1'];
const BUYERS = ['b1', 'b2', 'b3'];
const OFFERS = [0, 1, 2].flatMap((k) =>
  SITES.map((site) => ({
    offerId: `o-${site.siteId}-${k}`,
    siteId: site.siteId,
    producerId: PRODUCERS[k],
  })),
);

const slotArb = fc
  .record({
    month: fc.constantFrom('02', '03'),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
  })
  .map(
    ({ month, day, hour }) =>
      `2026-${month}-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`,
  );

const agreementArb = (version: number, effectiveFrom: string): fc.Arbitrary<Agreement> =>
  fc
    .record({
      host: fc.constantFrom(...HOSTS),
      hostShareBps: fc.oneof(
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom(0, 10_000, 3_333),
      ),
      heatPricePerMwh: fc.option(fc.integer({ min: 0, max: 9_999 }), { nil: undefined }),
    })
    .map(({ host, hostShareBps, heatPricePerMwh }) => ({
      version,
      effectiveFrom,
      hostParticipantId: host,
      producers: PRODUCERS.map((participantId) => ({ participantId })),
      producersShareBps: 10_000 - hostShareBps,
      hostShareBps,
      ...(heatPricePerMwh === undefined ? {} : { heatPricePerMwh }),
    }));

const siteArb = (siteId: string): fc.Arbitrary<SettlementSite> =>
  fc
    .tuple(agreementArb(1, '2026-01-01T00:00:00Z'), fc.option(slotArb))
    .chain(([first, changeAt]) =>
      changeAt === null
        ? fc.constant<SettlementSite>({ siteId, agreements: [first] })
        : agreementArb(2, changeAt).map((later) => ({ siteId, agreements: [first, later] })),
    );

const floorPrices: Record<string, number> = {};
OFFERS.forEach((offer, k) => (floorPrices[offer.offerId] = 1_000 + 3_777 * k));

const allocationArb = (index: number): fc.Arbitrary<SettlementAllocation> =>
  fc
    .record({
      siteIndex: fc.integer({ min: 0, max: SITES.length - 1 }),
      slot: slotArb,
      gpus: fc.integer({ min: 1, max: 8 }),
      price: fc.integer({ min: 0, max: 4_000 }),
      e: fc.integer({ min: 1, max: 1_500 }),
      buyerId: fc.constantFrom(...BUYERS),
      offerMask: fc.integer({ min: 1, max: 7 }),
      drawScale: fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 3, maxLength: 3 }),
      feeOverride: fc.option(fc.integer({ min: 0, max: 3_000 }), { nil: undefined }),
    })
    .map(({ siteIndex, slot, gpus, price, e, buyerId, offerMask, drawScale, feeOverride }) => {
      const site = SITES[siteIndex];
      const offers = OFFERS.filter((offer) => offer.siteId === site.siteId).filter(
        (_, k) => (offerMask >> k) & 1,
      );
      return {
        allocationId: `a${String(index).padStart(3, '0')}`,
        orderId: `order-${index}`,
        buyerId,
        siteId: site.siteId,
        slot,
        gpus,
        pricePerGpuHour: price,
        currency: site.currency,
        energyPerGpuHourWh: e,
        energy: offers.map((offer, k) => ({
          offerId: offer.offerId,
          producerId: offer.producerId,
          wh: Math.max(1, Math.floor((gpus * e * drawScale[k]) / 100 / offers.length)),
          floorPricePerMwh: floorPrices[offer.offerId],
        })),
        ...(feeOverride === undefined ? {} : { platformFeeBps: feeOverride }),
      };
    });

interface UsageDraft {
  delivered: number;
  metered: number;
  heat: number;
}

const usageDraftArb = (allocation: SettlementAllocation): fc.Arbitrary<UsageDraft> => {
  const drawn = allocation.energy.reduce((sum, draw) => sum + draw.wh, 0);
  return fc
    .record({
      delivered: fc.integer({ min: 0, max: allocation.gpus }),
      metered: fc.oneof(fc.integer({ min: 0, max: 2 * drawn }), fc.constant(drawn), fc.constant(0)),
      heatPermille: fc.integer({ min: 0, max: 1_000 }),
    })
    .map(({ delivered, metered, heatPermille }) => ({
      delivered,
      metered,
      heat: Math.floor((metered * heatPermille) / 1_000),
    }));
};

export const randomHistoryArb: fc.Arbitrary<RandomHistory> = fc
  .record({
    platformFeeBps: fc.integer({ min: 0, max: 3_000 }),
    sites: fc.tuple(...SITES.map((site) => siteArb(site.siteId))),
    count: fc.integer({ min: 1, max: 24 }),
  })
  .chain(({ platformFeeBps, sites, count }) =>
    fc.tuple(...Array.from({ length: count }, (_, i) => allocationArb(i))).chain((allocations) =>
      fc
        .record({
          reports: fc.tuple(
            ...allocations.map((allocation) =>
              fc.option(fc.array(usageDraftArb(allocation), { minLength: 1, maxLength: 3 }), {
                freq: 5,
              }),
            ),
          ),
          curtailments: fc.array(
            fc.record({
              pick: fc.nat(),
              deliverablePermille: fc.integer({ min: 0, max: 1_200 }),
              extraAllocated: fc.integer({ min: 0, max: 500 }),
            }),
            { maxLength: 6 },
          ),
          positionSeed: fc.nat(),
        })
        .map(({ reports, curtailments, positionSeed }) => {
          const usage: MeteredUsage[] = [];
          const eventCount = reports.reduce((sum, drafts) => sum + (drafts?.length ?? 0), 0);
          const ranks = shuffled([...Array(eventCount).keys()], positionSeed);
          let event = 0;
          reports.forEach((drafts, i) => {
            drafts?.forEach((draft, k) => {
              usage.push({
                eventId: `u-${allocations[i].allocationId}-${k}`,
                // First reports in random order, then first amendments, then second ones.
                position: k * 100_000 + ranks[event++] + 1,
                allocationId: allocations[i].allocationId,
                gpuHoursDelivered: draft.delivered,
                whConsumed: draft.metered,
                heatWhRecovered: draft.heat,
              });
            });
          });
          const slotsDrawn = new Map<string, number>();
          for (const allocation of allocations) {
            for (const draw of allocation.energy) {
              const key = `${draw.offerId}|${allocation.slot}`;
              slotsDrawn.set(key, (slotsDrawn.get(key) ?? 0) + draw.wh);
            }
          }
          const keys = [...slotsDrawn.keys()].sort();
          const supplies = new Map<string, OfferSlotSupply>();
          for (const curtailment of curtailments) {
            const key = keys[curtailment.pick % keys.length];
            const allocatedWh = slotsDrawn.get(key)! + curtailment.extraAllocated;
            const [offerId, slot] = key.split('|');
            supplies.set(key, {
              offerId,
              slot,
              allocatedWh,
              deliverableWh: Math.floor((allocatedWh * curtailment.deliverablePermille) / 1_000),
            });
          }
          return {
            platformFeeBps,
            sites,
            allocations,
            usage,
            supplies: [...supplies.values()],
          };
        }),
    ),
  );

/** A copy of every list in another order (a permutation drawn from `seed`). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed >>> 0 || 1;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
