import {
  ManualClock,
  SandboxClock,
  SandboxClockFollower,
  WorkerRegistry,
} from '@policloud/runtime';
import {
  Marketplace,
  offerBody,
  orderBody,
  profile,
  usageBody,
} from './support/marketplace-fixture';
import { expectProblem, fieldsOf } from './support/problem-assertions';

interface Allocation {
  allocationId: string;
  slot: string;
}

/**
 * CLOCK=sandbox: real time stands at 1 February 2027 (market.clock) and never moves; the operator
 * moves the service's clock through a month's cycle, as the README walkthrough does.
 */
describe('sandbox clock (CLOCK=sandbox) on PostgreSQL', () => {
  let market: Marketplace;
  const advance = (advanceTo: unknown, key?: string) =>
    market.request<{ now: string; previous: string }>('POST', '/v1/sandbox/clock', {
      body: { advanceTo },
      ...(key ? { key } : {}),
    });

  beforeAll(async () => {
    market = await Marketplace.boot('postgres', { sandboxClock: true });
  });
  afterAll(() => market.close());

  it('reads real time until an operator moves it, then the time moved to', async () => {
    const moved = await advance('2027-02-15T09:30:00Z');
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      previous: '2027-02-01T00:00:00.000Z',
      now: '2027-02-15T09:30:00.000Z',
    });
  });

  it('only moves forward: an earlier or equal time is a 409 naming advanceTo, nothing written', async () => {
    const head = await market.head();
    for (const advanceTo of ['2027-02-10T00:00:00Z', '2027-02-15T09:30:00Z']) {
      const refused = await advance(advanceTo);
      expectProblem(refused, 409);
      expect(fieldsOf(refused)).toEqual(['advanceTo']);
    }
    expect(await market.head()).toBe(head);
  });

  it('refuses what is not an instant (400 naming advanceTo) and callers who are not operators', async () => {
    const malformed = await advance('next month');
    expectProblem(malformed, 400);
    expect(fieldsOf(malformed)).toEqual(['advanceTo']);
    const buyer = await market.participant(['buyer']);
    expect((await advance('2027-03-01T00:00:00Z', buyer.key)).status).toBe(403);
  });

  it('records each move as an event auditors read', async () => {
    const events = await market.request<{ items: { type: string; data: unknown }[] }>(
      'GET',
      '/v1/audit/events?type=SandboxClockAdvanced',
      { key: (await market.participant(['auditor'])).key },
    );
    expect(events.status).toBe(200);
    expect(events.body.items.map((event) => event.data)).toEqual([
      expect.objectContaining({
        from: '2027-02-01T00:00:00.000Z',
        to: '2027-02-15T09:30:00.000Z',
      }),
    ]);
  });

  it('a restarted process, or another replica, reads the last move from the log', async () => {
    const elsewhere = new SandboxClock(new ManualClock(new Date('2027-02-01T00:00:00Z')));
    const follower = new SandboxClockFollower(elsewhere, market.store, new WorkerRegistry());
    expect(elsewhere.now().toISOString()).toBe('2027-02-01T00:00:00.000Z');
    await follower.refresh();
    expect(elsewhere.now().toISOString()).toBe('2027-02-15T09:30:00.000Z');
  });

  it('windows, usage and settlement closes follow it through a month', async () => {
    const { producer, buyer, offerId } = await market.siteWithOffer('sandbox-site');
    expect(offerId).toBeDefined();
    const meter = await market.participant(['site'], { siteId: 'sandbox-site' });
    // An order window in the sandbox's past is refused, as on real time.
    const late = await market.request('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody({ earliestStart: '2027-02-15T08:00:00Z', deadline: '2027-02-16T08:00:00Z' }),
    });
    expectProblem(late, 400);
    expect(fieldsOf(late)).toEqual(['earliestStart']);
    await market.request('POST', '/v1/energy-offers', {
      key: producer.key,
      body: offerBody(['sandbox-site'], { profile: profile('2027-03-01T10:00:00Z', 2, 100_000) }),
    });
    const order = await market.request('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody({
        gpus: 4,
        hours: 2,
        earliestStart: '2027-03-01T10:00:00Z',
        deadline: '2027-03-01T12:00:00Z',
      }),
    });
    expect(order.status).toBe(201);
    const run = await market.request('POST', '/v1/matching/runs', {
      body: { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' },
    });
    expect(run.status).toBe(201);
    const allocations = (await market.request<{ items: Allocation[] }>('GET', '/v1/allocations'))
      .body.items;
    expect(allocations.length).toBeGreaterThan(0);
    const report = () =>
      market.request('POST', '/v1/usage', {
        key: meter.key,
        body: usageBody(allocations[0], 4, 3_360),
      });
    // Before the slot starts on the sandbox clock, there is nothing to meter.
    expect((await report()).status).toBeGreaterThanOrEqual(400);
    expect((await advance('2027-03-01T12:05:00Z')).status).toBe(200);
    expect((await report()).status).toBe(201);
    // March is not over on the sandbox clock: it cannot close yet.
    const early = await market.request('POST', '/v1/settlements/2027-03/close');
    expect(early.status).toBe(409);
    expect((await advance('2027-04-01T00:00:00Z')).status).toBe(200);
    const closed = await market.request<{ items: { role: string; total: number }[] }>(
      'POST',
      '/v1/settlements/2027-03/close',
    );
    expect(closed.status).toBe(200);
    // 4 GPU-hours delivered at the site's reserve, 1.50 €: the buyer owes 6.00 € (a debit).
    expect(closed.body.items.find((statement) => statement.role === 'buyer')?.total).toBe(-600);
    const closedEvent = await market.request<{ items: { data: { closedAt: string } }[] }>(
      'GET',
      '/v1/audit/events?type=SettlementPeriodClosed',
      { key: (await market.participant(['auditor'])).key },
    );
    expect(closedEvent.body.items[0].data.closedAt).toBe('2027-04-01T00:00:00.000Z');
  });
});

describe('sandbox clock on real time (CLOCK=system)', () => {
  let market: Marketplace;
  beforeAll(async () => {
    market = await Marketplace.boot('postgres');
  });
  afterAll(() => market.close());

  it('is off: moving it is a 404 that says how to turn it on', async () => {
    const response = await market.request<{ detail: string }>('POST', '/v1/sandbox/clock', {
      body: { advanceTo: '2030-01-01T00:00:00Z' },
    });
    expectProblem(response, 404);
    expect(response.body.detail).toContain('CLOCK=sandbox');
  });
});
