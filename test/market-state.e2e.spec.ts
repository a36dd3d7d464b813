import { DataSource } from 'typeorm';
import { READ_MODELS } from '@policloud/http';
import { canonicalJson } from '@policloud/audit';
import {
  hashOf,
  matchingSnapshot,
  MatchingRunsService,
  MatchingThread,
  runContextOf,
} from '@policloud/matching-runs';
import { marketHistoryAt, readMarketState } from '@policloud/projections';
import { Marketplace, offerBody, orderBody, Party, profile } from './support/marketplace-fixture';

/**
 * A run reads its market from the read models at their checkpoint; folding the log up to that
 * position (what a replay and an auditor do) must give the same snapshot, byte for byte, and the
 * read must cost what the run's window holds, not what the history holds.
 */
describe('the market a run reads, from the read models, on PostgreSQL', () => {
  let market: Marketplace;
  let buyer: Party;
  let producer: Party;
  const dayOne = { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' };
  const twoDays = { from: '2027-03-01T00:00:00Z', to: '2027-03-03T00:00:00Z' };
  const FEE_BPS = 1_000;

  const order = async (body: Record<string, unknown>) => {
    const placed = await market.request<{ id: string }>('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody(body),
    });
    expect(placed.status).toBe(201);
    return placed.body.id;
  };
  const run = async (horizon: { from: string; to: string }) => {
    const recorded = await market.request<{ id: string; allocationCount: number }>(
      'POST',
      '/v1/matching/runs',
      { body: horizon },
    );
    expect(recorded.status).toBe(201);
    return recorded.body;
  };
  const service = () => market.app.get(MatchingRunsService);
  const readModels = () => market.app.get<DataSource>(READ_MODELS);

  beforeAll(async () => {
    market = await Marketplace.boot();
    ({ buyer, producer } = await market.siteWithOffer('cannes'));
    await market.request('POST', '/v1/energy-offers', {
      key: producer.key,
      body: offerBody(['cannes'], { profile: profile('2027-03-02T00:00:00Z', 24, 50_000) }),
    });
    // Day one is matched: a filled order holds GPUs there without being open any more.
    await order({ gpus: 30, hours: 2, earliestStart: '2027-03-01T10:00:00Z' });
    const cancelled = await order({ gpus: 5, hours: 1, deadline: '2027-03-03T00:00:00Z' });
    await market.request('DELETE', `/v1/compute-orders/${cancelled}`, { key: buyer.key });
    expect((await run(dayOne)).allocationCount).toBeGreaterThan(0);
    // Open orders for the next run, one of them reaching into day two.
    await order({ gpus: 80, hours: 3, earliestStart: '2027-03-01T10:00:00Z' });
    await order({ gpus: 20, hours: 6, deadline: '2027-03-03T00:00:00Z' });
  });
  afterAll(() => market.close());

  it('the snapshot read from the read models hashes as the one folded from the log', async () => {
    const fromReadModels = await service().marketFor(twoDays);
    // The read models stood for the log (a fold carries no held GPUs of its own).
    expect(fromReadModels.gpusHeld?.size).toBeGreaterThan(0);
    const folded = await marketHistoryAt(market.store, fromReadModels.position);
    const snapshot = matchingSnapshot(fromReadModels, twoDays, FEE_BPS);
    expect(snapshot.orders.length).toBe(2);
    expect(hashOf(snapshot)).toBe(hashOf(matchingSnapshot(folded, twoDays, FEE_BPS)));
  });

  it('a run given its market (sent to the matching thread in parts) records what one given its snapshot records', async () => {
    const fromReadModels = await service().marketFor(twoDays);
    const thread = market.app.get(MatchingThread);
    const run = {
      runId: 'run-from-parts',
      requestedBy: 'operator',
      horizon: twoDays,
      inputPosition: fromReadModels.position,
      platformFeeBps: FEE_BPS,
    };
    const completedAt = () => '2027-02-28T12:00:00.000Z';
    const fromParts = await thread.recordMarket(fromReadModels, run, completedAt);
    const snapshot = matchingSnapshot(fromReadModels, twoDays, FEE_BPS);
    const fromSnapshot = await thread.record(
      snapshot,
      run,
      runContextOf(fromReadModels),
      completedAt,
    );
    expect(fromParts.inputHash).toBe(hashOf(snapshot));
    expect(fromParts.decisions.length).toBeGreaterThan(1);
    expect(canonicalJson(fromParts.decisions)).toBe(canonicalJson(fromSnapshot.decisions));
  });

  it('a run made from the read models replays identically from the log', async () => {
    const recorded = await run(twoDays);
    expect(recorded.allocationCount).toBeGreaterThan(0);
    const report = await service().replay(recorded.id);
    expect(report).toMatchObject({ identical: true, inputHashMatches: true });
    expect(report.replayedAllocations).toBe(recorded.allocationCount);
  });

  it('a run after more history reads no more rows: only its window', async () => {
    await market.request('GET', '/v1/compute-orders', { key: buyer.key }); // read models caught up
    const before = await readMarketState(readModels(), twoDays);
    // A later month: energy, orders and a run that fills them all, outside the window.
    await market.request('POST', '/v1/energy-offers', {
      key: producer.key,
      body: offerBody(['cannes'], { profile: profile('2027-04-01T00:00:00Z', 48, 100_000) }),
    });
    for (let i = 0; i < 5; i++) {
      await order({
        gpus: 10,
        hours: 2,
        earliestStart: '2027-04-01T00:00:00Z',
        deadline: '2027-04-03T00:00:00Z',
      });
    }
    const later = await run({ from: '2027-04-01T00:00:00Z', to: '2027-04-03T00:00:00Z' });
    expect(later.allocationCount).toBe(10);
    await market.request('GET', '/v1/compute-orders', { key: buyer.key });
    const after = await readMarketState(readModels(), twoDays);
    expect(after!.market.position).toBeGreaterThan(before!.market.position);
    expect(after!.rowsRead).toEqual(before!.rowsRead);
  });

  it('a producer pages its allocations by cursor, in the order an operator sees them', async () => {
    type Page = {
      items: { allocationId: string }[];
      nextAfter: string | null;
      nextCursor: string | null;
    };
    // The market's one producer: its view (its own index) holds every allocation.
    const everything = await market.request<Page>('GET', '/v1/allocations');
    expect(everything.body.items.length).toBeGreaterThan(2);
    const seen: { allocationId: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = (
        await market.request<Page>(
          'GET',
          `/v1/allocations?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          {
            key: producer.key,
          },
        )
      ).body;
      expect(page.nextAfter).toBe(page.nextCursor);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(everything.body.items);
  });

  it("an auditor's query of one participant reads that participant's events, not the log", async () => {
    const auditor = await market.participant(['auditor']);
    const newcomer = await market.participant(['buyer']);
    await market.request('POST', '/v1/compute-orders', {
      key: newcomer.key,
      body: orderBody({ deadline: '2027-03-03T00:00:00Z' }),
    });
    const head = await market.head();
    const everything = await market.store.readAll({ after: 0, maxCount: head });
    const expected = everything
      .filter(
        (event) =>
          event.metadata.actor === newcomer.id ||
          ['buyerId', 'producerId', 'hostParticipantId', 'participantId', 'partyId'].some(
            (field) => event.data[field] === newcomer.id,
          ),
      )
      .map((event) => event.id);
    expect(expected.length).toBeGreaterThan(1);

    const readAll = jest.spyOn(market.store, 'readAll');
    try {
      const found = await market.request<{ items: { id: string }[]; nextAfter: number | null }>(
        'GET',
        `/v1/audit/events?participant=${newcomer.id}&limit=1000`,
        { key: auditor.key },
      );
      expect(found.body.items.map((event) => event.id)).toEqual(expected);
      const eventsRead = (await Promise.all(readAll.mock.results.map((r) => r.value))).reduce(
        (sum: number, page: unknown[]) => sum + page.length,
        0,
      );
      expect(eventsRead).toBeLessThan(everything.length / 4);
    } finally {
      readAll.mockRestore();
    }
  });
});
