import {
  Marketplace,
  offerBody,
  orderBody,
  Party,
  profile,
  siteBody,
  usageBody,
} from './support/marketplace-fixture';
import { expectProblem, fieldsOf } from './support/problem-assertions';

const TEN = '2027-03-01T10:00:00Z';
const ELEVEN = '2027-03-01T11:00:00Z';

interface Quote {
  indicative: boolean;
  position: number;
  fill: string;
  hoursFilled: number;
  gpuHours: number;
  pricePerGpuHour: number | null;
  totalPrice: number;
  carbonGPerGpuHour: number | null;
  slots: { siteId: string; slot: string; gpus: number; pricePerGpuHour: number }[];
  unfilled?: { reason: string; message: string };
}

interface UnfilledReason {
  orderId: string;
  reason: string;
  message: string;
  constraint?: string;
  clearingPricePerGpuHour?: number;
}

/**
 * One contested site-hour, worked by hand: 100 H100 GPUs in Cannes (reserve 1.50 €, e = 840 Wh),
 * wind enough for 119 GPUs at 10:00. `first` wants 60 GPUs at 3.00 €, `second` 60 GPUs at
 * 2.50 €: only one fits, `first` adds more welfare, and `second`, left out for want of GPUs,
 * lifts the site-hour's price from the 1.50 € reserve to its 2.50 € bid. `elsewhere` only
 * accepts US sites: no site meets its constraints.
 */
describe('market: clearing prices, quotes, reasons and market data on PostgreSQL', () => {
  let market: Marketplace;
  let first: Party;
  let second: Party;
  let firstOrder: string;
  let secondOrder: string;
  let elsewhereOrder: string;
  const hour = { earliestStart: TEN, deadline: ELEVEN, hours: 1, gpus: 60 };

  beforeAll(async () => {
    market = await Marketplace.boot();
    const host = await market.participant(['host']);
    const wind = await market.participant(['producer']);
    [first, second] = await Promise.all([
      market.participant(['buyer']),
      market.participant(['buyer']),
    ]);
    await market.site(siteBody('cannes', host.id));
    await market.agreement('cannes', host.id, [wind.id]);
    const offer = await market.request('POST', '/v1/energy-offers', {
      key: wind.key,
      body: offerBody(['cannes'], { profile: profile(TEN, 1, 100_000) }),
    });
    expect(offer.status).toBe(201);
    const place = async (buyer: Party, body: Record<string, unknown>) => {
      const placed = await market.request<{ id: string }>('POST', '/v1/compute-orders', {
        key: buyer.key,
        body: orderBody(body),
      });
      expect(placed.status).toBe(201);
      return placed.body.id;
    };
    firstOrder = await place(first, { ...hour, maxPricePerGpuHour: 300 });
    secondOrder = await place(second, { ...hour, maxPricePerGpuHour: 250 });
    elsewhereOrder = await place(second, {
      ...hour,
      gpus: 8,
      constraints: { jurisdictions: ['US'] },
    });
  });
  afterAll(() => market.close());

  it('quotes an order without writing anything: fill, site, slot, price, carbon, position', async () => {
    const head = await market.head();
    const quote = await market.request<Quote>('POST', '/v1/quotes', {
      key: first.key,
      body: orderBody({ ...hour, maxPricePerGpuHour: 320 }),
    });
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({
      indicative: true,
      position: head,
      fill: 'full',
      hoursFilled: 1,
      gpuHours: 60,
      // Both open orders fit before it and neither does after it: the higher bid sets the price.
      pricePerGpuHour: 300,
      totalPrice: 60 * 300,
      // 840 Wh of wind at 12 g/kWh per GPU-hour.
      carbonGPerGpuHour: 10.1,
      slots: [{ siteId: 'cannes', slot: TEN, gpus: 60, pricePerGpuHour: 300 }],
    });
    expect(await market.head()).toBe(head);
  });

  it('refuses a quote with a bad body naming the field, and to a non-buyer', async () => {
    const head = await market.head();
    const bad = await market.request('POST', '/v1/quotes', {
      key: first.key,
      body: orderBody({ ...hour, gpus: 0 }),
    });
    expect(bad.status).toBe(400);
    expectProblem(bad, 400);
    expect(fieldsOf(bad)).toContain('gpus');
    const operator = await market.request('POST', '/v1/quotes', { body: orderBody(hour) });
    expect(operator.status).toBe(403);
    expect(await market.head()).toBe(head);
  });

  it('clears a contested site-hour above its reserve and says why each order was left out', async () => {
    const run = await market.request<{
      id: string;
      prices: { siteId: string; slot: string; pricePerGpuHour: number }[];
      unfilled: UnfilledReason[];
    }>('POST', '/v1/matching/runs', {
      body: { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' },
    });
    expect(run.status).toBe(201);
    expect(run.body.prices).toEqual([
      { siteId: 'cannes', slot: TEN, currency: 'EUR', pricePerGpuHour: 250 },
    ]);
    const reasons = new Map(run.body.unfilled.map((u) => [u.orderId, u]));
    expect(reasons.get(secondOrder)).toMatchObject({
      reason: 'outbid',
      clearingPricePerGpuHour: 250,
      message: expect.stringContaining('2.50 EUR'),
    });
    expect(reasons.get(elsewhereOrder)).toMatchObject({
      reason: 'no_eligible_site',
      constraint: 'constraints.jurisdictions',
      message: "No site meets the order's constraints: no site lies in US.",
    });
    expect(reasons.has(firstOrder)).toBe(false);

    // The buyer pays the cleared price, not the reserve.
    const allocations = await market.request<{
      items: { orderId: string; pricePerGpuHour: number }[];
    }>('GET', `/v1/allocations?orderId=${firstOrder}`, { key: first.key });
    expect(allocations.body.items.map((a) => a.pricePerGpuHour)).toEqual([250]);

    const recorded = await market.request<{ unfilled: UnfilledReason[] }>(
      'GET',
      `/v1/matching/runs/${run.body.id}`,
    );
    expect(recorded.body.unfilled).toEqual(run.body.unfilled);

    const order = await market.request<{ lastUnfilled: Record<string, unknown> }>(
      'GET',
      `/v1/compute-orders/${secondOrder}`,
      { key: second.key },
    );
    expect(order.status).toBe(200);
    expect(order.body.lastUnfilled).toMatchObject({
      runId: run.body.id,
      reason: 'outbid',
      clearingPricePerGpuHour: 250,
    });
    const filled = await market.request<Record<string, unknown>>(
      'GET',
      `/v1/compute-orders/${firstOrder}`,
      { key: first.key },
    );
    expect(filled.body.lastUnfilled).toBeUndefined();
  });

  it('quotes on the residual market after the run: no free GPUs left for 60', async () => {
    const quote = await market.request<Quote>('POST', '/v1/quotes', {
      key: first.key,
      body: orderBody({ ...hour, maxPricePerGpuHour: 320 }),
    });
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({
      fill: 'none',
      pricePerGpuHour: null,
      totalPrice: 0,
      unfilled: { reason: 'no_free_gpus' },
    });
    const small = await market.request<Quote>('POST', '/v1/quotes', {
      key: first.key,
      body: orderBody({ ...hour, gpus: 40, maxPricePerGpuHour: 320 }),
    });
    expect(small.body).toMatchObject({ fill: 'full', slots: [{ siteId: 'cannes', gpus: 40 }] });
  });

  it('publishes clearing prices per site-hour to any participant', async () => {
    const prices = await market.request<{ prices: Record<string, unknown>[] }>(
      'GET',
      `/v1/market/prices?site=cannes&from=${TEN}&to=${ELEVEN}`,
      { key: second.key },
    );
    expect(prices.status).toBe(200);
    expect(prices.body.prices).toEqual([
      {
        siteId: 'cannes',
        slot: TEN,
        runId: expect.any(String),
        currency: 'EUR',
        pricePerGpuHour: 250,
        gpuHours: 60,
      },
    ]);
    const none = await market.request<{ prices: unknown[] }>(
      'GET',
      `/v1/market/prices?site=elsewhere&from=${TEN}&to=${ELEVEN}`,
      { key: second.key },
    );
    expect(none.body.prices).toEqual([]);
    const bad = await market.request('GET', `/v1/market/prices?from=${ELEVEN}&to=${TEN}`, {
      key: second.key,
    });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual(['to']);
  });

  it('publishes the depth of the market per slot: GPU-hours offered and bid at each price', async () => {
    const depth = await market.request<{ slots: Record<string, unknown>[] }>(
      'GET',
      `/v1/market/depth?from=${TEN}&to=${ELEVEN}`,
      { key: first.key },
    );
    expect(depth.status).toBe(200);
    expect(depth.body.slots).toEqual([
      {
        slot: TEN,
        currency: 'EUR',
        // 40 GPUs left after the run, at the site's reserve.
        supply: [{ pricePerGpuHour: 150, gpuHours: 40, cumulativeGpuHours: 40 }],
        // Still open: `second` (60 at 2.50 €) and `elsewhere` (8 at 2.50 €).
        demand: [{ pricePerGpuHour: 250, gpuHours: 68, cumulativeGpuHours: 68 }],
      },
    ]);
    const missing = await market.request('GET', '/v1/market/depth', { key: first.key });
    expect(missing.status).toBe(400);
    expect(fieldsOf(missing).sort()).toEqual(['from', 'to']);
  });

  it('settles the buyer at the cleared price, not at the reserve', async () => {
    const meter = await market.participant(['site'], { siteId: 'cannes' });
    const [allocation] = (
      await market.request<{ items: { allocationId: string; slot: string }[] }>(
        'GET',
        `/v1/allocations?orderId=${firstOrder}`,
      )
    ).body.items;
    market.clock.set('2027-03-01T11:30:00Z');
    const reported = await market.request('POST', '/v1/usage', {
      key: meter.key,
      body: usageBody(allocation, 60, 60 * 840),
    });
    expect(reported.status).toBe(201);
    market.clock.set('2027-04-02T00:00:00Z');
    const closed = await market.request<{
      items: { partyId: string; role: string; lines: { kind: string; amount: number }[] }[];
    }>('POST', '/v1/settlements/2027-03/close');
    expect(closed.status).toBe(200);
    const statement = closed.body.items.find((s) => s.partyId === first.id && s.role === 'buyer')!;
    const charged = statement.lines
      .filter((line) => line.kind === 'compute_charge')
      .reduce((sum, line) => sum + line.amount, 0);
    expect(charged).toBe(-60 * 250);
  });
});
