import { Marketplace, Party, offerBody, orderBody, profile } from './support/marketplace-fixture';
import { expectProblem, fieldsOf } from './support/problem-assertions';

interface Order {
  id: string;
  revision: number;
  maxPricePerGpuHour: number;
  deadline: string;
  gpus: number;
  constraints: Record<string, unknown>;
  status: string;
}

/** Amending an order's terms (PATCH, If-Match) and withdrawing part of an offer, on PostgreSQL. */
describe('amendments on PostgreSQL', () => {
  let market: Marketplace;
  let buyer: Party;
  let producer: Party;
  let offerId: string;

  const amend = (id: string, body: unknown, revision?: number, key = buyer.key) =>
    market.request<{ id: string; revision: number; detail?: string }>(
      'PATCH',
      `/v1/compute-orders/${id}`,
      { key, body, headers: revision === undefined ? {} : { 'if-match': `"${revision}"` } },
    );
  const place = async (overrides: Record<string, unknown> = {}) => {
    const placed = await market.request<{ id: string }>('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody({
        gpus: 4,
        hours: 2,
        earliestStart: '2027-03-01T10:00:00Z',
        deadline: '2027-03-01T14:00:00Z',
        maxPricePerGpuHour: 100,
        ...overrides,
      }),
    });
    expect(placed.status).toBe(201);
    return placed.body.id;
  };
  const order = async (id: string) =>
    (await market.request<Order>('GET', `/v1/compute-orders/${id}`, { key: buyer.key })).body;

  beforeAll(async () => {
    market = await Marketplace.boot();
    ({ buyer, producer, offerId } = await market.siteWithOffer('amend-site'));
  });
  afterAll(() => market.close());

  it('changes price, window, GPUs and constraints of an unallocated order; the order shows them', async () => {
    const id = await place();
    const amended = await amend(
      id,
      {
        maxPricePerGpuHour: 300,
        deadline: '2027-03-01T18:00:00Z',
        gpus: 6,
        constraints: { jurisdictions: ['EU'] },
      },
      0,
    );
    expect(amended.status).toBe(200);
    expect(amended.body.revision).toBe(1);
    expect(amended.headers.etag).toBe('"1"');
    expect(await order(id)).toMatchObject({
      maxPricePerGpuHour: 300,
      deadline: '2027-03-01T18:00:00Z',
      gpus: 6,
      constraints: { jurisdictions: ['EU'] },
      status: 'open',
    });
  });

  it('refuses a stale If-Match (412), bad terms (400 naming each) and another buyer, writing nothing', async () => {
    const id = await place();
    const other = await market.participant(['buyer']);
    const head = await market.head();
    expect((await amend(id, { maxPricePerGpuHour: 200 }, 5)).status).toBe(412);
    const bad = await amend(id, { gpus: 0, deadline: 'soon', currency: 'USD' });
    expectProblem(bad, 400);
    expect(fieldsOf(bad)).toEqual(expect.arrayContaining(['gpus', 'deadline', 'currency']));
    const window = await amend(id, { hours: 5 });
    expectProblem(window, 400);
    expect(fieldsOf(window)).toEqual(['deadline']);
    expect((await amend(id, { gpus: 2 }, undefined, other.key)).status).toBe(404);
    expect(await market.head()).toBe(head);
  });

  it('once part of the order is allocated, nothing of it changes: 409 saying why', async () => {
    const id = await place({ maxPricePerGpuHour: 250 });
    const run = await market.request('POST', '/v1/matching/runs', {
      body: { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' },
    });
    expect(run.status).toBe(201);
    expect((await order(id)).status).not.toBe('open');
    const refused = await amend(id, { maxPricePerGpuHour: 400 });
    expectProblem(refused, 409);
    expect(refused.body.detail).toMatch(/allocated parts cannot change/);
  });

  it('a producer withdraws the unallocated energy of some future slots; the rest stays offered', async () => {
    const listed = await market.request<{ id: string }>('POST', '/v1/energy-offers', {
      key: producer.key,
      body: offerBody(['amend-site'], { profile: profile('2027-03-05T00:00:00Z', 4, 50_000) }),
    });
    const id = listed.body.id;
    const withdrawn = await market.request(
      'DELETE',
      `/v1/energy-offers/${id}?from=2027-03-05T01:00:00Z&to=2027-03-05T03:00:00Z`,
      { key: producer.key },
    );
    expect(withdrawn.status).toBe(200);
    const offer = await market.request<{
      status: string;
      slots: Record<string, { offeredWh: number }>;
    }>('GET', `/v1/energy-offers/${id}`, { key: producer.key });
    expect(offer.body.status).toBe('open');
    expect(
      Object.entries(offer.body.slots).map(([slot, { offeredWh }]) => [slot, offeredWh]),
    ).toEqual([
      ['2027-03-05T00:00:00Z', 50_000],
      ['2027-03-05T01:00:00Z', 0],
      ['2027-03-05T02:00:00Z', 0],
      ['2027-03-05T03:00:00Z', 50_000],
    ]);
    const again = await market.request(
      'DELETE',
      `/v1/energy-offers/${id}?from=2027-03-05T01:00:00Z&to=2027-03-05T03:00:00Z`,
      { key: producer.key },
    );
    expectProblem(again, 409);
    const half = await market.request(
      'DELETE',
      `/v1/energy-offers/${offerId}?from=2027-03-05T01:00:00Z`,
      {
        key: producer.key,
      },
    );
    expectProblem(half, 400);
    expect(fieldsOf(half)).toEqual(['to']);
  });
});
