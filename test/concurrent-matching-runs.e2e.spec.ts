import { EVENT_STORE, EventStore, StreamBatch } from '@policloud/event-store';
import {
  Marketplace,
  offerBody,
  orderBody,
  Party,
  profile,
  siteBody,
} from './support/marketplace-fixture';

/**
 * Two matching runs at once never allocate a site's GPUs twice, nor a run the GPUs maintenance
 * took offline while it was matching, on PostgreSQL and on the embedded store. The site has 100 H100 GPUs at e = 0.7 kW × 1.2 = 840 Wh per GPU-hour, so
 * 84 kWh powers all of them for one hour. Each iteration uses its own hours, so earlier
 * iterations' orders and offers never reach into the next one.
 */

const T0 = Date.parse('2027-03-01T00:00:00Z');
const ITERATIONS = 10;

const slotOf = (hour: number) =>
  new Date(T0 + hour * 3_600_000).toISOString().replace('.000Z', 'Z');

interface CapacitySlot {
  slot: string;
  gpusOnline: number;
  gpusAllocated: number;
}

/**
 * Holds the first appends back until `count` of them are waiting (or a second passes), then lets
 * them through in arrival order, and every later one at once, to the real store: the runs read
 * the same market before any of them commits.
 */
function holdAppendsUntil(store: EventStore, count: number): () => void {
  const original = store.appendMany.bind(store);
  const waiting: (() => void)[] = [];
  let released = false;
  let timer: NodeJS.Timeout | undefined;
  const releaseAll = () => {
    released = true;
    clearTimeout(timer);
    for (const release of waiting.splice(0)) release();
  };
  store.appendMany = async (batches: readonly StreamBatch[]) => {
    if (!released) {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length >= count) releaseAll();
        else timer ??= setTimeout(releaseAll, 1_000);
      });
    }
    return original(batches);
  };
  return () => {
    releaseAll();
    store.appendMany = original;
  };
}

/**
 * Holds the next append back until `release` is called, to the real store: a run that has read
 * and matched commits only after what the test does meanwhile.
 */
function holdNextAppend(store: EventStore): { held: Promise<void>; release: () => void } {
  const original = store.appendMany.bind(store);
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = new Promise<void>((resolve) => (reached = resolve));
  store.appendMany = async (batches: readonly StreamBatch[]) => {
    store.appendMany = original;
    reached();
    await gate;
    return original(batches);
  };
  return { held, release };
}

describe.each(['postgres', 'embedded'] as const)('two matching runs at once on %s', (storeKind) => {
  let market: Marketplace;
  let host: Party;
  let wind: Party;
  let grid: Party;
  let buyer: Party;
  const siteId = `guarded-${storeKind}`;

  beforeAll(async () => {
    market = await Marketplace.boot(storeKind);
    [host, wind, grid, buyer] = await Promise.all([
      market.participant(['host']),
      market.participant(['producer']),
      market.participant(['producer']),
      market.participant(['buyer']),
    ]);
    await market.site(siteBody(siteId, host.id, { reservePricePerGpuHour: 100 }));
    await market.agreement(siteId, host.id, [wind.id, grid.id]);
  }, 60_000);
  afterAll(() => market.close());

  const store = () => market.app.get<EventStore>(EVENT_STORE);

  async function offer(producer: Party, source: string, start: number, hours: number) {
    const response = await market.request('POST', '/v1/energy-offers', {
      key: producer.key,
      body: offerBody([siteId], {
        source,
        carbonGPerKwh: source === 'grid' ? 300 : 12,
        profile: profile(slotOf(start), hours, 84_000),
      }),
    });
    expect(response.status).toBe(201);
  }

  async function order(start: number, overrides: Record<string, unknown>) {
    const response = await market.request('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody({
        gpus: 100,
        earliestStart: slotOf(start),
        deadline: slotOf(start + 2),
        constraints: {},
        ...overrides,
      }),
    });
    expect(response.status).toBe(201);
  }

  const run = (from: number, to: number) =>
    market.request<{ allocationCount: number }>('POST', '/v1/matching/runs', {
      body: { from: slotOf(from), to: slotOf(to) },
    });

  /** Allocated GPUs never exceed the GPUs online, by the capacity read model and the allocations. */
  async function expectCapacityHeld(start: number, hours: number) {
    const capacity = await market.request<{ slots: CapacitySlot[] }>(
      'GET',
      `/v1/sites/${siteId}/capacity?from=${slotOf(start)}&to=${slotOf(start + hours)}`,
    );
    expect(capacity.status).toBe(200);
    for (const slot of capacity.body.slots) {
      expect({ slot: slot.slot, over: Math.max(0, slot.gpusAllocated - slot.gpusOnline) }).toEqual({
        slot: slot.slot,
        over: 0,
      });
    }
    const allocations = await market.request<{ items: { slot: string; gpus: number }[] }>(
      'GET',
      `/v1/allocations?siteId=${siteId}&from=${slotOf(start)}&to=${slotOf(start + hours)}`,
    );
    const perSlot = new Map<string, number>();
    for (const { slot, gpus } of allocations.body.items)
      perSlot.set(slot, (perSlot.get(slot) ?? 0) + gpus);
    for (const [slot, gpus] of perSlot)
      expect({ slot, gpus: Math.min(gpus, 100) }).toEqual({ slot, gpus });
    return perSlot;
  }

  it('overlapping horizons: a 1-hour run and a 2-hour run read the same market, one site', async () => {
    for (let i = 0; i < ITERATIONS; i++) {
      const t = 10 + 3 * i;
      await offer(wind, 'wind', t, 1);
      await offer(grid, 'grid', t, 2);
      await order(t, { hours: 1, maxPricePerGpuHour: 250, constraints: { renewableOnly: true } });
      await order(t, { hours: 2, maxPricePerGpuHour: 400, allOrNone: true });

      const restore = holdAppendsUntil(store(), 2);
      try {
        const [a, b] = await Promise.all([run(t, t + 1), run(t, t + 2)]);
        expect([a.status, b.status]).toEqual([201, 201]);
      } finally {
        restore();
      }
      await expectCapacityHeld(t, 2);
    }
  }, 90_000);

  it('one horizon: an offer and a better order arrive while a run is matching', async () => {
    for (let i = 0; i < ITERATIONS; i++) {
      const t = 100 + 3 * i;
      await offer(wind, 'wind', t, 1);
      await order(t, { hours: 1, maxPricePerGpuHour: 250 });

      const first = holdNextAppend(store());
      const runA = run(t, t + 1);
      await first.held; // run A has read the market and matched
      await offer(grid, 'grid', t, 1);
      await order(t, { hours: 1, maxPricePerGpuHour: 400 });
      const b = await run(t, t + 1);
      first.release();
      const a = await runA;
      expect([a.status, b.status]).toEqual([201, 201]);
      const perSlot = await expectCapacityHeld(t, 1);
      expect(perSlot.get(slotOf(t))).toBe(100); // the better order runs; the other waits
    }
  }, 90_000);

  it('maintenance taking every GPU of a slot is scheduled while a run that read the market before is matching', async () => {
    for (let i = 0; i < ITERATIONS; i++) {
      const t = 200 + 3 * i;
      await offer(wind, 'wind', t, 2);
      await order(t, { hours: 1, maxPricePerGpuHour: 250 });
      await order(t + 1, { hours: 1, maxPricePerGpuHour: 250 });

      const held = holdNextAppend(store());
      const running = run(t, t + 2);
      await held.held; // the run has read the market, with every GPU online, and matched
      const maintenance = await market.request('POST', `/v1/sites/${siteId}/maintenance`, {
        body: { from: slotOf(t), to: slotOf(t + 1), gpusOffline: 100 },
      });
      held.release();
      expect(maintenance.status).toBe(201);
      expect((await running).status).toBe(201);
      const perSlot = await expectCapacityHeld(t, 2);
      expect(perSlot.get(slotOf(t)) ?? 0).toBe(0); // offline: nothing runs
      expect(perSlot.get(slotOf(t + 1))).toBe(100); // the next hour still runs
    }
  }, 90_000);
});
