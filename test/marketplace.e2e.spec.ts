import {
  Marketplace,
  offerBody,
  orderBody,
  Party,
  profile,
  siteBody,
} from './support/marketplace-fixture';
import { expectProblem, fieldsOf } from './support/problem-assertions';

describe('marketplace core on PostgreSQL', () => {
  let market: Marketplace;
  let host: Party;
  let producer: Party;
  let buyer: Party;

  beforeAll(async () => {
    market = await Marketplace.boot();
    host = await market.participant(['host']);
    producer = await market.participant(['producer']);
    buyer = await market.participant(['buyer']);
  });
  afterAll(() => market.close());

  it('the operator registers the seed sites, with agreements, and anyone lists them', async () => {
    const uae = await market.participant(['host'], { country: 'AE' });
    await market.site(siteBody('cannes', host.id));
    await market.site(siteBody('dijon', host.id, { location: { lat: 47.322, lon: 5.041 } }));
    await market.site(
      siteBody('uae', uae.id, {
        country: 'AE',
        operatorJurisdiction: 'AE',
        certifications: [],
        location: { lat: 24.45, lon: 54.38 },
        currency: 'EUR',
      }),
    );
    await market.agreement('cannes', host.id, [producer.id]);

    const sites = await market.request<{ items: { id: string; country: string }[] }>(
      'GET',
      '/v1/sites',
      {
        key: buyer.key,
      },
    );
    expect(sites.status).toBe(200);
    expect(sites.body.items.map((s) => s.id)).toEqual(['cannes', 'dijon', 'uae']);
    const french = await market.request<{ items: unknown[] }>('GET', '/v1/sites?country=FR', {
      key: buyer.key,
    });
    expect(french.body.items).toHaveLength(2);

    const cannes = await market.request('GET', '/v1/sites/cannes', { key: producer.key });
    expect(cannes.body).toMatchObject({
      id: 'cannes',
      gpuCount: 100,
      country: 'FR',
      agreements: [{ hostParticipantId: host.id, producersShareBps: 7000, hostShareBps: 3000 }],
    });
    expect(cannes.headers.etag).toBe(`"${cannes.body.revision}"`);
  });

  it('the operator updates a site with If-Match and schedules maintenance', async () => {
    const before = await market.request('GET', '/v1/sites/dijon');
    const updated = await market.request('PATCH', '/v1/sites/dijon', {
      body: { reservePricePerGpuHour: 180 },
      headers: { 'if-match': String(before.body.revision) },
    });
    expect(updated.body).toMatchObject({ id: 'dijon' });
    expect(updated.status).toBe(200);
    expect(updated.body.revision).toBe((before.body.revision as number) + 1);
    const stale = await market.request('PATCH', '/v1/sites/dijon', {
      body: { reservePricePerGpuHour: 190 },
      headers: { 'if-match': String(before.body.revision) },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers['content-type']).toContain('application/problem+json');

    const maintenance = await market.request('POST', '/v1/sites/dijon/maintenance', {
      body: { from: '2027-03-02T00:00:00Z', to: '2027-03-02T06:00:00Z', gpusOffline: 40 },
    });
    expect(maintenance.status).toBe(201);
    const dijon = await market.request('GET', '/v1/sites/dijon');
    expect(dijon.body).toMatchObject({
      reservePricePerGpuHour: 180,
      maintenance: [{ from: '2027-03-02T00:00:00Z', to: '2027-03-02T06:00:00Z', gpusOffline: 40 }],
    });
  });

  it('a producer lists, amends, curtails and withdraws an offer', async () => {
    const listed = await market.request<{ id: string; revision: number }>(
      'POST',
      '/v1/energy-offers',
      {
        key: producer.key,
        body: offerBody(['cannes']),
      },
    );
    expect(listed.status).toBe(201);
    const id = listed.body.id;

    const amended = await market.request('PATCH', `/v1/energy-offers/${id}`, {
      key: producer.key,
      body: { profile: profile('2027-03-01T10:00:00Z', 2, 40_000) },
      headers: { 'if-match': String(listed.body.revision) },
    });
    expect(amended.status).toBe(200);

    market.clock.set('2027-03-01T13:05:00Z');
    const curtailed = await market.request('POST', `/v1/energy-offers/${id}/curtailments`, {
      key: producer.key,
      body: { slot: '2027-03-01T12:00:00Z', whCurtailed: 30_000 },
    });
    expect(curtailed.status).toBe(201);

    const offer = await market.request<{ slots: Record<string, object> }>(
      'GET',
      `/v1/energy-offers/${id}`,
      {
        key: producer.key,
      },
    );
    const slot = (at: string) => offer.body.slots[at];
    expect(slot('2027-03-01T10:00:00Z')).toMatchObject({ offeredWh: 40_000, allocatedWh: 0 });
    expect(slot('2027-03-01T12:00:00Z')).toMatchObject({ offeredWh: 100_000, curtailedWh: 30_000 });

    market.clock.set('2027-02-01T00:00:00Z');
    const withdrawn = await market.request('DELETE', `/v1/energy-offers/${id}`, {
      key: producer.key,
    });
    expect(withdrawn.status).toBe(200);
    const after = await market.request<{ status: string }>('GET', `/v1/energy-offers/${id}`, {
      key: producer.key,
    });
    expect(after.body.status).toBe('withdrawn');

    const mine = await market.request<{ items: { id: string }[] }>('GET', '/v1/energy-offers', {
      key: producer.key,
    });
    expect(mine.body.items.map((o) => o.id)).toContain(id);
  });

  it('a producer raises a slot and adds one, where the agreement lists it', async () => {
    const listed = await market.request<{ id: string; revision: number }>(
      'POST',
      '/v1/energy-offers',
      {
        key: producer.key,
        body: offerBody(['cannes'], { profile: profile('2027-03-03T10:00:00Z', 2, 40_000) }),
      },
    );
    expect(listed.status).toBe(201);
    const raised = await market.request('PATCH', `/v1/energy-offers/${listed.body.id}`, {
      key: producer.key,
      body: {
        profile: [
          { slot: '2027-03-03T10:00:00Z', wh: 90_000 },
          { slot: '2027-03-03T12:00:00Z', wh: 10_000 },
        ],
      },
    });
    expect(raised.status).toBe(200);
    const offer = await market.request<{ slots: Record<string, object> }>(
      'GET',
      `/v1/energy-offers/${listed.body.id}`,
      {
        key: producer.key,
      },
    );
    expect(offer.body.slots['2027-03-03T10:00:00Z']).toMatchObject({ offeredWh: 90_000 });
    expect(offer.body.slots['2027-03-03T12:00:00Z']).toMatchObject({ offeredWh: 10_000 });
  });

  it('an offer spans at most 366 days, when listed and when amended, and a refusal writes nothing', async () => {
    const twoYearsApart = [
      { slot: '2027-03-04T10:00:00Z', wh: 1_000 },
      { slot: '2029-03-04T10:00:00Z', wh: 1_000 },
    ];
    const head = await market.head();
    const refused = await market.request('POST', '/v1/energy-offers', {
      key: producer.key,
      body: offerBody(['cannes'], { profile: twoYearsApart }),
    });
    expectProblem(refused, 400);
    expect(fieldsOf(refused)).toEqual(['profile']);
    expect(await market.head()).toBe(head);

    const listed = await market.request<{ id: string }>('POST', '/v1/energy-offers', {
      key: producer.key,
      body: offerBody(['cannes'], { profile: twoYearsApart.slice(0, 1) }),
    });
    expect(listed.status).toBe(201);
    const afterListing = await market.head();
    const stretched = await market.request('PATCH', `/v1/energy-offers/${listed.body.id}`, {
      key: producer.key,
      body: { profile: twoYearsApart.slice(1) },
    });
    expectProblem(stretched, 400);
    expect(fieldsOf(stretched)).toEqual(['profile']);
    expect(await market.head()).toBe(afterListing);
  });

  it('an offer for a site whose agreement does not list the producer is refused', async () => {
    const response = await market.request('POST', '/v1/energy-offers', {
      key: producer.key,
      body: offerBody(['dijon']),
    });
    expect(response.status).toBe(403);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'siteIds[0]' })]);
  });

  it('a buyer places and cancels orders and sees only its own', async () => {
    const placed = await market.request<{ id: string }>('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody(),
    });
    expect(placed.status).toBe(201);
    const second = await market.request<{ id: string }>('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody({
        allOrNone: true,
        constraints: { jurisdictions: ['EU'], renewableOnly: true },
      }),
    });
    expect(second.status).toBe(201);

    const order = await market.request('GET', `/v1/compute-orders/${placed.body.id}`, {
      key: buyer.key,
    });
    expect(order.body).toMatchObject({
      status: 'open',
      gpus: 8,
      hours: 4,
      allOrNone: false,
      fills: [],
    });

    const cancelled = await market.request('DELETE', `/v1/compute-orders/${placed.body.id}`, {
      key: buyer.key,
    });
    expect(cancelled.status).toBe(200);
    const again = await market.request('DELETE', `/v1/compute-orders/${placed.body.id}`, {
      key: buyer.key,
    });
    expect(again.status).toBe(409);

    const other = await market.participant(['buyer']);
    const theirs = await market.request<{ items: unknown[] }>('GET', '/v1/compute-orders', {
      key: other.key,
    });
    expect(theirs.body.items).toEqual([]);
    const mine = await market.request<{ items: { id: string; status: string }[] }>(
      'GET',
      '/v1/compute-orders',
      {
        key: buyer.key,
      },
    );
    expect(new Map(mine.body.items.map((o) => [o.id, o.status]))).toEqual(
      new Map([
        [placed.body.id, 'cancelled'],
        [second.body.id, 'open'],
      ]),
    );

    // A page at a time, in placement order, the second page where the first one stopped.
    const first = await market.request<{ items: { id: string }[]; nextAfter: string }>(
      'GET',
      '/v1/compute-orders?limit=1',
      { key: buyer.key },
    );
    const rest = await market.request<{ items: { id: string }[]; nextAfter: string | null }>(
      'GET',
      `/v1/compute-orders?limit=1&after=${first.body.nextAfter}`,
      { key: buyer.key },
    );
    expect([...first.body.items, ...rest.body.items].map((o) => o.id)).toEqual(
      mine.body.items.map((o) => o.id),
    );
    expect(rest.body.nextAfter).toBeNull();
    const refused = await market.request('GET', '/v1/compute-orders?after=nope', {
      key: buyer.key,
    });
    expectProblem(refused, 400);
    expect(fieldsOf(refused)).toEqual(['after']);
  });

  it('every event records the acting participant', async () => {
    const events = await market.store.readAll({ after: 0, maxCount: 10_000 });
    const actors = new Set(events.map((event) => event.metadata.actor));
    expect(actors).toEqual(new Set(['system', 'operator', producer.id, buyer.id]));
  });
});
