import { addHours } from '@policloud/domain';
import { matchOrders, MatchingOrder, MatchingSnapshot } from '@policloud/matching';
import { hashOf } from './matching-input';
import { runDecisions } from './run-events';
import { contextOf } from './testing/run-context';

const WEEK_START = '2027-03-01T00:00:00Z';
const WEEK_END = addHours(WEEK_START, 168);
const week = Array.from({ length: 168 }, (_, hour) => addHours(WEEK_START, hour));
const perSlot = (value: number) => Object.fromEntries(week.map((slot) => [slot, value]));

/** Buyers who each want `gpus` GPUs for the whole week, on one site that has room for all. */
function weekLongOrders(count: number): MatchingSnapshot {
  const order = (index: number): MatchingOrder => ({
    orderId: `order-${index}`,
    buyerId: `buyer-${index}`,
    placedAt: `2027-02-01T00:00:0${index}.000Z`,
    gpus: 10,
    hours: 168,
    remainingGpuHours: 10 * 168,
    earliestStart: WEEK_START,
    deadline: WEEK_END,
    maxPricePerGpuHour: 300,
    currency: 'EUR',
    allOrNone: false,
    constraints: {},
  });
  return {
    horizon: { start: WEEK_START, end: WEEK_END },
    platformFeeBps: 1_000,
    sites: [
      {
        siteId: 'site-1',
        country: 'FR',
        operatorJurisdiction: 'FR',
        certifications: [],
        gpuModel: 'H100',
        location: { lat: 43.55, lon: 7.02 },
        currency: 'EUR',
        reservePricePerGpuHour: 150,
        energyPerGpuHourWh: 840,
        freeGpus: perSlot(100),
      },
    ],
    offers: [
      {
        offerId: 'offer-1',
        producerId: 'producer-1',
        siteIds: ['site-1'],
        source: 'wind',
        carbonGPerKwh: 12,
        floorPricePerMwh: 4_000,
        currency: 'EUR',
        unallocatedWh: perSlot(100_000),
      },
    ],
    orders: Array.from({ length: count }, (_, index) => order(index)),
  };
}

describe("a run's events follow its decisions, not the hours it fills", () => {
  it('a week-long order filled on one site is one allocation event and one fill event', () => {
    const snapshot = weekLongOrders(5);
    const result = matchOrders(snapshot);
    expect(result.allocations).toHaveLength(5 * 168);
    const decisions = runDecisions(
      {
        runId: 'run-1',
        requestedBy: 'operator',
        completedAt: '2027-02-28T00:00:00.000Z',
        horizon: { from: WEEK_START, to: WEEK_END },
        inputPosition: 1,
        inputHash: hashOf(snapshot),
        platformFeeBps: 1_000,
      },
      result,
      contextOf(snapshot),
    );
    const events = decisions.flatMap((decision) => decision.events);
    const count = (type: string) => events.filter((event) => event.type === type).length;
    expect(count('AllocationMade')).toBe(5);
    expect(count('ComputeOrderFilled')).toBe(5);
    // Shared by the run's orders: the offer's draws, the site's GPUs, the run's completion.
    expect(count('EnergyAllocated')).toBe(1);
    expect(count('SiteGpusAllocated')).toBe(1);
    expect(count('MatchingRunCompleted')).toBe(1);
    expect(events.length / 5).toBeLessThanOrEqual(3);
  });
});
