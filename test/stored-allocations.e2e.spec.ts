import { randomUUID } from 'node:crypto';
import { verifyBundle } from '@policloud/audit';
import {
  computeOrderStreamId,
  energyOfferStreamId,
  matchingRunStreamId,
  siteCapacityStreamId,
} from '@policloud/domain';
import { ANY, EventToAppend, NO_STREAM } from '@policloud/event-store';
import { Marketplace, orderBody, Party } from './support/marketplace-fixture';
import { cannesWithWindOffer, MARCH_FIRST, placeTenGpuOrder } from './support/cannes-market';

interface Allocation {
  allocationId: string;
  slot: string;
  gpus: number;
  pricePerGpuHour: number;
  energy: { offerId: string; wh: number }[];
}

/**
 * A run recorded before allocations, fills and energy draws were grouped: one AllocationMade,
 * one ComputeOrderFilled and one EnergyAllocated per slot (schema v1), written straight into the
 * store as such a run wrote them. Its allocations must still list, meter, settle, report and
 * export, and a run made today must not take its GPUs or Wh again.
 */
describe('a run stored one event per slot (v1), on PostgreSQL', () => {
  let market: Marketplace;
  let host: Party;
  let producer: Party;
  let buyer: Party;
  let siteMeter: Party;
  let auditor: Party;
  let orderId: string;
  let offerId: string;
  const runId = randomUUID();
  const slots = ['2027-03-01T10:00:00Z', '2027-03-01T11:00:00Z', '2027-03-01T12:00:00Z'];
  const allocationIds = slots.map(() => randomUUID());

  const sumOf = (lines: { amount: number }[]) => lines.reduce((sum, line) => sum + line.amount, 0);
  const event = (type: string, data: Record<string, unknown>): EventToAppend => ({
    id: randomUUID(),
    type,
    schemaVersion: 1,
    metadata: { actor: 'operator', correlationId: runId },
    data,
  });

  beforeAll(async () => {
    market = await Marketplace.boot();
    [host, producer, buyer, auditor] = await Promise.all([
      market.participant(['host']),
      market.participant(['producer']),
      market.participant(['buyer']),
      market.participant(['auditor']),
    ]);
    ({ siteMeter, offerId } = await cannesWithWindOffer(market, host, producer, {
      offerHours: 4,
      site: { reservePricePerGpuHour: 150 },
    }));
    orderId = await placeTenGpuOrder(market, buyer, 3);

    // 10 GPUs × e = 840 Wh: 8,400 Wh of the offer per slot, at the site's reserve of 1.50 €.
    const site = {
      country: 'FR',
      operatorJurisdiction: 'FR',
      operatorLegalEntity: 'Policloud SAS',
      certifications: ['SecNumCloud'],
      hostParticipantId: host.id,
      gpuModel: 'H100',
    };
    const energy = {
      offerId,
      producerId: producer.id,
      wh: 8_400,
      source: 'wind',
      carbonGPerKwh: 12,
      floorPricePerMwh: 4_500,
    };
    const store = market.store;
    await store.append(
      matchingRunStreamId(runId),
      [
        ...slots.map((slot, i) =>
          event('AllocationMade', {
            runId,
            allocationId: allocationIds[i],
            orderId,
            buyerId: buyer.id,
            siteId: 'cannes',
            slot,
            gpus: 10,
            pricePerGpuHour: 150,
            currency: 'EUR',
            energyPerGpuHourWh: 840,
            reservePerGpuHour: 150,
            energy: [energy],
            site,
          }),
        ),
        event('MatchingRunCompleted', {
          runId,
          requestedBy: 'operator',
          completedAt: '2027-02-01T00:00:00.000Z',
          horizon: { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' },
          inputPosition: 1,
          inputHash: 'a'.repeat(64),
          platformFeeBps: 1_000,
          welfare: 4_500,
          allocationCount: 3,
          filledGpuHours: 30,
          prices: slots.map((slot) => ({
            siteId: 'cannes',
            slot,
            currency: 'EUR',
            pricePerGpuHour: 150,
          })),
          unfilledOrderIds: [],
        }),
      ],
      NO_STREAM,
    );
    await store.append(
      computeOrderStreamId(orderId),
      slots.map((slot, i) =>
        event('ComputeOrderFilled', {
          orderId,
          allocationId: allocationIds[i],
          siteId: 'cannes',
          slot,
          gpus: 10,
          pricePerGpuHour: 150,
        }),
      ),
      ANY,
    );
    await store.append(
      energyOfferStreamId(offerId),
      slots.map((slot, i) =>
        event('EnergyAllocated', { offerId, slot, wh: 8_400, allocationId: allocationIds[i] }),
      ),
      ANY,
    );
    await store.append(
      siteCapacityStreamId('cannes'),
      [
        event('SiteGpusAllocated', {
          siteId: 'cannes',
          runId,
          slots: slots.map((slot) => ({ slot, gpus: 10 })),
        }),
      ],
      ANY,
    );
  });
  afterAll(() => market.close());

  it('its allocations list one per slot, and the order and offer show them', async () => {
    const listed = await market.request<{ items: Allocation[] }>('GET', '/v1/allocations', {
      key: buyer.key,
    });
    expect(listed.body.items.map((a) => [a.allocationId, a.slot, a.gpus])).toEqual(
      slots.map((slot, i) => [allocationIds[i], slot, 10]),
    );
    const order = await market.request('GET', `/v1/compute-orders/${orderId}`, {
      key: buyer.key,
    });
    expect(order.body).toMatchObject({ status: 'filled', filledGpuHours: 30 });
    const offer = await market.request<{ slots: Record<string, { allocatedWh: number }> }>(
      'GET',
      `/v1/energy-offers/${offerId}`,
      { key: producer.key },
    );
    expect(offer.body.slots[slots[0]].allocatedWh).toBe(8_400);
  });

  it('a run made today takes none of its GPUs twice: the market holds them', async () => {
    const other = await market.participant(['buyer']);
    await market.request('POST', '/v1/compute-orders', {
      key: other.key,
      body: orderBody({
        gpus: 95,
        hours: 1,
        earliestStart: '2027-03-01T10:00:00Z',
        deadline: '2027-03-01T11:00:00Z',
        maxPricePerGpuHour: 300,
      }),
    });
    const run = await market.request<{ allocationCount: number }>('POST', '/v1/matching/runs', {
      body: MARCH_FIRST,
    });
    expect(run.status).toBe(201);
    // 100 GPUs, 10 held by the stored run: 95 more do not fit in 10:00 (the only slot allowed).
    expect(run.body.allocationCount).toBe(0);
  });

  it('meters, settles, reports and exports as a run recorded by range does', async () => {
    market.clock.set('2027-03-01T13:05:00Z');
    for (const allocationId of allocationIds) {
      const slot = slots[allocationIds.indexOf(allocationId)];
      const reported = await market.request('POST', '/v1/usage', {
        key: siteMeter.key,
        body: { allocationId, slot, gpuHoursDelivered: 10, whConsumed: 8_400, heatWhRecovered: 0 },
      });
      expect(reported.status).toBe(201);
    }
    market.clock.set('2027-04-02T00:00:00Z');
    const closed = await market.request<{
      items: { role: string; partyId: string; lines: { kind: string; amount: number }[] }[];
    }>('POST', '/v1/settlements/2027-03/close');
    expect(closed.status).toBe(200);
    const charge = closed.body.items
      .find((statement) => statement.role === 'buyer')!
      .lines.filter((line) => line.kind === 'compute_charge')
      .reduce((sum, line) => sum + line.amount, 0);
    // What the buyer owes (negative on its statement) for 30 delivered GPU-hours at 1.50 €.
    expect(charge).toBe(-3 * 10 * 150);
    // To the cent: what the buyer pays is what the producer, the host and the platform get.
    expect(closed.body.items.reduce((total, statement) => total + sumOf(statement.lines), 0)).toBe(
      0,
    );

    const report = await market.request<{
      allocations: { slot: string; country: string; gpuHoursDelivered: number | null }[];
    }>('GET', `/v1/audit/sovereignty/${buyer.id}`, { key: auditor.key });
    // Where each GPU-hour ran, and what the site metered for it.
    expect(report.body.allocations.map((a) => [a.slot, a.country, a.gpuHoursDelivered])).toEqual(
      slots.map((slot) => [slot, 'FR', 10]),
    );

    const exported = await market.app.inject({
      method: 'GET',
      url: `/v1/audit/export?participant=${buyer.id}`,
      headers: { authorization: `Bearer ${auditor.key}` },
    });
    expect(exported.statusCode).toBe(200);
    expect(verifyBundle(exported.body).ok).toBe(true);
    expect(
      exported.body.split('\n').filter((line) => line.includes('"AllocationMade"')),
    ).toHaveLength(3);
  });
});
