import { randomUUID } from 'node:crypto';
import { MatchingRunsService } from '@policloud/matching-runs';
import { computeOrderDecider, computeOrderStreamId, matchingRunStreamId } from '@policloud/domain';
import { NO_STREAM } from '@policloud/event-store';
import {
  Marketplace,
  offerBody,
  orderBody,
  Party,
  profile,
  siteBody,
} from './support/marketplace-fixture';
import { expectProblem, fieldsOf } from './support/problem-assertions';

interface Allocation {
  allocationId: string;
  orderId: string;
  siteId: string;
  slot: string;
  gpus: number;
  pricePerGpuHour: number;
  reservePerGpuHour: number;
  energy: { offerId: string; producerId: string; wh: number; source: string }[];
  site: { country: string; operatorJurisdiction: string; certifications: string[] };
}

/**
 * Worked by hand: two sites of 100 H100 GPUs (e = 0.7 kW × 1.2 = 840 Wh per GPU-hour), Cannes
 * (FR, reserve 1.50 €) and an Emirates site (AE, reserve 1.00 €), each fed by its own wind
 * producer with 100 kWh in the slots 10:00 and 11:00. A FR-only order (10 GPUs × 2 h, bid 3.00 €)
 * must run in Cannes although the AE site is cheaper; an unconstrained order (20 GPUs × 2 h, bid
 * 2.00 €) goes where its surplus is larger: AE (2.00 − 1.00) rather than Cannes (2.00 − 1.50).
 */
describe('matching through the API on PostgreSQL', () => {
  let market: Marketplace;
  let hostFr: Party;
  let hostAe: Party;
  let windFr: Party;
  let windAe: Party;
  let sovereignBuyer: Party;
  let buyer: Party;
  let frOnlyOrder: string;
  let openOrder: string;
  let frOffer: string;
  let runId: string;
  const window = { earliestStart: '2027-03-01T10:00:00Z', deadline: '2027-03-01T12:00:00Z' };

  beforeAll(async () => {
    market = await Marketplace.boot();
    [hostFr, hostAe, windFr, windAe, sovereignBuyer, buyer] = await Promise.all([
      market.participant(['host']),
      market.participant(['host'], { country: 'AE' }),
      market.participant(['producer']),
      market.participant(['producer'], { country: 'AE' }),
      market.participant(['buyer']),
      market.participant(['buyer']),
    ]);
    await market.site(siteBody('cannes', hostFr.id, { reservePricePerGpuHour: 150 }));
    await market.site(
      siteBody('emirates', hostAe.id, {
        country: 'AE',
        operatorJurisdiction: 'AE',
        operatorLegalEntity: 'Gulf Compute LLC',
        certifications: [],
        location: { lat: 24.45, lon: 54.38 },
        reservePricePerGpuHour: 100,
      }),
    );
    await market.agreement('cannes', hostFr.id, [windFr.id]);
    await market.agreement('emirates', hostAe.id, [windAe.id]);
    const twoSlots = profile('2027-03-01T10:00:00Z', 2, 100_000);
    frOffer = (
      await market.request<{ id: string }>('POST', '/v1/energy-offers', {
        key: windFr.key,
        body: offerBody(['cannes'], { profile: twoSlots }),
      })
    ).body.id;
    await market.request('POST', '/v1/energy-offers', {
      key: windAe.key,
      body: offerBody(['emirates'], { profile: twoSlots }),
    });
    frOnlyOrder = (
      await market.request<{ id: string }>('POST', '/v1/compute-orders', {
        key: sovereignBuyer.key,
        body: orderBody({
          gpus: 10,
          hours: 2,
          ...window,
          maxPricePerGpuHour: 300,
          constraints: { jurisdictions: ['FR'] },
        }),
      })
    ).body.id;
    openOrder = (
      await market.request<{ id: string }>('POST', '/v1/compute-orders', {
        key: buyer.key,
        body: orderBody({
          gpus: 20,
          hours: 2,
          ...window,
          maxPricePerGpuHour: 200,
          constraints: {},
        }),
      })
    ).body.id;
  });
  afterAll(() => market.close());

  it('a run allocates as worked out by hand, FR-only order in France', async () => {
    const run = await market.request<{
      id: string;
      allocationCount: number;
      welfare: number;
      inputPosition: number;
    }>('POST', '/v1/matching/runs', {
      body: { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' },
    });
    expect(run.status).toBe(201);
    runId = run.body.id;
    expect(run.body.allocationCount).toBe(4);
    // welfare = 10 GPUs × 2 h × (300 − 150) + 20 GPUs × 2 h × (200 − 100)
    expect(run.body.welfare).toBe(10 * 2 * 150 + 20 * 2 * 100);

    const all = await market.request<{ items: Allocation[] }>('GET', '/v1/allocations');
    const placement = all.body.items.map((a) => [a.orderId, a.siteId, a.slot, a.gpus]);
    expect(placement).toEqual(
      expect.arrayContaining([
        [frOnlyOrder, 'cannes', '2027-03-01T10:00:00Z', 10],
        [frOnlyOrder, 'cannes', '2027-03-01T11:00:00Z', 10],
        [openOrder, 'emirates', '2027-03-01T10:00:00Z', 20],
        [openOrder, 'emirates', '2027-03-01T11:00:00Z', 20],
      ]),
    );
    expect(placement).toHaveLength(4);
    for (const allocation of all.body.items) {
      const bid = allocation.orderId === frOnlyOrder ? 300 : 200;
      expect(allocation.pricePerGpuHour).toBeLessThanOrEqual(bid);
      expect(allocation.pricePerGpuHour).toBeGreaterThanOrEqual(allocation.reservePerGpuHour);
      expect(allocation.energy.reduce((sum, draw) => sum + draw.wh, 0)).toBe(allocation.gpus * 840);
    }
    const cannes = all.body.items.find((a) => a.siteId === 'cannes')!;
    expect(cannes.site).toEqual(
      expect.objectContaining({
        country: 'FR',
        operatorJurisdiction: 'FR',
        certifications: ['SecNumCloud'],
      }),
    );
    expect(cannes.energy).toEqual([
      expect.objectContaining({
        offerId: frOffer,
        producerId: windFr.id,
        wh: 8_400,
        source: 'wind',
      }),
    ]);
  });

  it('orders show their fills, offers their consumed energy, sites their capacity', async () => {
    const order = await market.request('GET', `/v1/compute-orders/${frOnlyOrder}`, {
      key: sovereignBuyer.key,
    });
    expect(order.body).toMatchObject({ status: 'filled', filledGpuHours: 20 });
    expect(order.body.fills).toHaveLength(2);

    const offer = await market.request<{ slots: Record<string, { allocatedWh: number }> }>(
      'GET',
      `/v1/energy-offers/${frOffer}`,
      { key: windFr.key },
    );
    expect(offer.body.slots['2027-03-01T10:00:00Z'].allocatedWh).toBe(8_400);

    const capacity = await market.request<{ slots: Record<string, number | string>[] }>(
      'GET',
      '/v1/sites/cannes/capacity?from=2027-03-01T10:00:00Z&to=2027-03-01T13:00:00Z',
      { key: buyer.key },
    );
    expect(capacity.status).toBe(200);
    expect(capacity.body.slots).toEqual([
      {
        slot: '2027-03-01T10:00:00Z',
        gpusOnline: 100,
        gpusAllocated: 10,
        gpusFree: 90,
        whFree: 91_600,
        whAllocated: 8_400,
        capacityGpus: 90,
      },
      {
        slot: '2027-03-01T11:00:00Z',
        gpusOnline: 100,
        gpusAllocated: 10,
        gpusFree: 90,
        whFree: 91_600,
        whAllocated: 8_400,
        capacityGpus: 90,
      },
      {
        slot: '2027-03-01T12:00:00Z',
        gpusOnline: 100,
        gpusAllocated: 0,
        gpusFree: 100,
        whFree: 0,
        whAllocated: 0,
        capacityGpus: 0,
      },
    ]);
  });

  it('each party sees only the allocations it takes part in', async () => {
    const seen = async (party: Party) =>
      (
        await market.request<{ items: Allocation[] }>('GET', '/v1/allocations', { key: party.key })
      ).body.items.map((a) => a.orderId);
    expect(await seen(sovereignBuyer)).toEqual([frOnlyOrder, frOnlyOrder]);
    expect(await seen(windAe)).toEqual([openOrder, openOrder]);
    expect(await seen(hostFr)).toEqual([frOnlyOrder, frOnlyOrder]);
    expect(
      (
        await market.request('GET', '/v1/allocations', {
          key: (await market.participant(['auditor'])).key,
        })
      ).status,
    ).toBe(403);
  });

  it('lists allocations a page at a time, in the same order, and refuses a bad cursor or size', async () => {
    const whole = (
      await market.request<{ items: Allocation[]; nextAfter: string | null }>(
        'GET',
        `/v1/allocations?runId=${runId}`,
      )
    ).body;
    expect(whole.nextAfter).toBeNull();
    const first = (
      await market.request<{ items: Allocation[]; nextAfter: string }>(
        'GET',
        `/v1/allocations?runId=${runId}&limit=3`,
      )
    ).body;
    expect(first.items).toHaveLength(3);
    const second = (
      await market.request<{ items: Allocation[]; nextAfter: string | null }>(
        'GET',
        `/v1/allocations?runId=${runId}&limit=3&after=${first.nextAfter}`,
      )
    ).body;
    expect(second).toMatchObject({ items: [expect.anything()], nextAfter: null });
    expect([...first.items, ...second.items]).toEqual(whole.items);

    const notACursor = Buffer.from('[1,2]').toString('base64url');
    for (const query of [
      'after=not-a-cursor',
      `after=${notACursor}`,
      'limit=0',
      'limit=5001',
      'limit=two',
    ]) {
      const refused = await market.request('GET', `/v1/allocations?${query}`);
      expectProblem(refused, 400);
      expect(new Set(fieldsOf(refused))).toEqual(new Set([query.split('=')[0]]));
    }
  });

  it('a retried run request whose run was recorded answers with that run and writes nothing', async () => {
    const head = await market.head();
    const recorded = (
      await market.request<Record<string, unknown>>('GET', `/v1/matching/runs/${runId}`)
    ).body;
    const retried = await market.app
      .get(MatchingRunsService)
      .run(
        { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' },
        { actor: 'operator-retry', ids: () => runId },
      );
    expect(retried).toEqual(recorded);
    expect(await market.head()).toBe(head);
  });

  it('a second run allocates nothing twice', async () => {
    const again = await market.request<{ allocationCount: number }>('POST', '/v1/matching/runs', {
      body: { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' },
    });
    expect(again.body.allocationCount).toBe(0);
  });

  it('replaying the run from its recorded position reproduces its allocations exactly', async () => {
    const report = await market.app.get(MatchingRunsService).replay(runId);
    expect(report).toMatchObject({
      identical: true,
      inputHashMatches: true,
      recordedAllocations: 4,
      replayedAllocations: 4,
    });
  });

  it('replay tells a run whose recorded allocations differ from what the engine gives', async () => {
    const store = market.store;
    const movedFirstSlot = (data: Record<string, unknown>) => {
      const [first, ...rest] = data.slots as Record<string, unknown>[];
      return [{ ...first, slot: '2027-03-01T11:00:00Z' }, ...rest];
    };
    const recorded = await store.readStream(matchingRunStreamId(runId));
    const forgedId = `${runId}-forged`;
    const events = recorded.map((event, index) => ({
      id: randomUUID(),
      type: event.type,
      schemaVersion: event.schemaVersion,
      metadata: event.metadata,
      data:
        index === 0 // one allocation moved an hour later
          ? { ...event.data, runId: forgedId, slots: movedFirstSlot(event.data) }
          : { ...event.data, runId: forgedId },
    }));
    // A forged run, written around the command path on purpose: replay must tell it apart.
    await store.append(matchingRunStreamId(forgedId), events, NO_STREAM);
    const report = await market.app.get(MatchingRunsService).replay(forgedId);
    expect(report).toMatchObject({
      identical: false,
      inputHashMatches: true,
      recordedAllocations: 4,
      replayedAllocations: 4,
    });
  });

  it('GET /v1/matching/runs/:id returns the recorded run to operators only', async () => {
    const run = await market.request('GET', `/v1/matching/runs/${runId}`);
    expect(run.body).toMatchObject({
      id: runId,
      allocationCount: 4,
      inputHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(
      (await market.request('GET', `/v1/matching/runs/${runId}`, { key: buyer.key })).status,
    ).toBe(403);
  });

  it('an order priced beyond the bound is refused, naming the field, and writes nothing', async () => {
    const head = await market.head();
    const refused = await market.request('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody({
        gpus: 100,
        hours: 1,
        ...window,
        maxPricePerGpuHour: 1e14,
        constraints: {},
      }),
    });
    expectProblem(refused, 400);
    expect(fieldsOf(refused)).toEqual(['maxPricePerGpuHour']);
    expect(await market.head()).toBe(head);
  });

  it('an order stored before the bound existed is left out and does not fail the run for others', async () => {
    // As placed before prices were bounded: written through the store, past the API's checks.
    const [placed] = computeOrderDecider.decide(
      {
        type: 'PlaceComputeOrder',
        data: {
          orderId: 'unbounded-bid',
          buyerId: buyer.id,
          placedAt: '2027-02-01T00:00:00.000Z',
          gpus: 100,
          hours: 1,
          earliestStart: '2027-03-01T12:00:00Z',
          deadline: '2027-03-01T14:00:00Z',
          maxPricePerGpuHour: 300,
          currency: 'EUR',
          constraints: {},
        },
      },
      computeOrderDecider.initialState(),
      undefined,
    );
    // An order stored before the price bound existed: only the store can still hold one.
    await market.store.append(
      computeOrderStreamId('unbounded-bid'),
      [
        {
          id: randomUUID(),
          type: placed.type,
          schemaVersion: placed.schemaVersion,
          metadata: { actor: buyer.id },
          data: { ...placed.data, maxPricePerGpuHour: 1e14 },
        },
      ],
      NO_STREAM,
    );
    const fair = await market.request<{ id: string }>('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody({
        gpus: 10,
        hours: 1,
        earliestStart: '2027-03-01T12:00:00Z',
        deadline: '2027-03-01T14:00:00Z',
        maxPricePerGpuHour: 300,
        constraints: {},
      }),
    });
    expect(fair.status).toBe(201);
    await market.request('POST', '/v1/energy-offers', {
      key: windFr.key,
      body: offerBody(['cannes'], { profile: profile('2027-03-01T12:00:00Z', 2, 100_000) }),
    });

    const run = await market.request<{ allocationCount: number }>('POST', '/v1/matching/runs', {
      body: { from: '2027-03-01T12:00:00Z', to: '2027-03-01T14:00:00Z' },
    });
    expect(run.status).toBe(201);
    expect(run.body.allocationCount).toBe(1);
    const filled = await market.request('GET', `/v1/compute-orders/${fair.body.id}`, {
      key: buyer.key,
    });
    expect(filled.body).toMatchObject({ status: 'filled' });
  });
});
