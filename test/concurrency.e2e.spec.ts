import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { computeOrderStreamId, energyOfferStreamId, siteStreamId } from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import {
  Marketplace,
  offerBody,
  orderBody,
  Party,
  Response,
  siteBody,
} from './support/marketplace-fixture';

/**
 * Concurrent writers (DESIGN §4): updates carry `If-Match` and exactly one of several racing
 * updates of one revision wins, the others get 412; POSTs carry `Idempotency-Key` and any number
 * of racing or repeated requests with one key and body create one thing and answer alike.
 */

const PARALLEL = 50;
const SITE = 'concurrency-site';

function tally(responses: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
}

describe('concurrency: If-Match and Idempotency-Key under parallel requests', () => {
  let market: Marketplace;
  let host: Party;
  let producer: Party;

  beforeAll(async () => {
    market = await Marketplace.boot();
    host = await market.participant(['host']);
    producer = await market.participant(['producer']);
    await market.site(siteBody(SITE, host.id));
    await market.agreement(SITE, host.id, [producer.id]);
  });
  afterAll(() => market.close());

  async function streamLength(streamId: string): Promise<number> {
    return (await market.store.readStream(streamId)).length;
  }

  async function eventsAfter(position: number) {
    return market.store.readAll({ after: position, maxCount: 10_000 });
  }

  describe('(a) If-Match: one winner per revision', () => {
    it(`${PARALLEL} parallel amendments of an offer with the same If-Match: exactly one 200, the others 412, one new event`, async () => {
      const listed = await market.request<{ id: string; revision: number }>(
        'POST',
        '/v1/energy-offers',
        {
          key: producer.key,
          body: offerBody([SITE]),
        },
      );
      expect(listed.status).toBe(201);
      const { id, revision } = listed.body;
      const streamId = energyOfferStreamId(id);
      const eventsBefore = await streamLength(streamId);
      const headBefore = await market.head();

      // Every request changes the slot to its own value, so each would write if it won.
      const responses = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          market.request<{ id: string; revision: number }>('PATCH', `/v1/energy-offers/${id}`, {
            key: producer.key,
            body: { profile: [{ slot: '2027-03-01T10:00:00Z', wh: 10_000 + i }] },
            headers: { 'if-match': String(revision) },
          }),
        ),
      );

      expect(tally(responses)).toEqual({ 200: 1, 412: PARALLEL - 1 });
      for (const response of responses.filter((r) => r.status === 412)) {
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({
          type: expect.any(String),
          title: expect.any(String),
          status: 412,
        });
      }
      const winner = responses.findIndex((r) => r.status === 200);
      expect(responses[winner].body).toEqual({ id, revision: revision + 1 });
      expect(responses[winner].headers.etag).toBe(`"${revision + 1}"`);
      expect(await streamLength(streamId)).toBe(eventsBefore + 1);
      expect(await market.head()).toBe(headBefore + 1);

      const offer = await market.request<{
        revision: number;
        slots: Record<string, { offeredWh: number }>;
      }>('GET', `/v1/energy-offers/${id}`, { key: producer.key });
      expect(offer.body.revision).toBe(revision + 1);
      expect(offer.body.slots['2027-03-01T10:00:00Z'].offeredWh).toBe(10_000 + winner);
    });

    it(`${PARALLEL} parallel site updates with the same If-Match: exactly one 200, the others 412, one new event`, async () => {
      const current = await market.request<{ revision: number }>('GET', `/v1/sites/${SITE}`);
      const revision = current.body.revision;
      const streamId = siteStreamId(SITE);
      const eventsBefore = await streamLength(streamId);
      const headBefore = await market.head();

      const responses = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          market.request<{ id: string; revision: number }>('PATCH', `/v1/sites/${SITE}`, {
            body: { name: `Concurrent name ${i}` },
            headers: { 'if-match': `"${revision}"` },
          }),
        ),
      );

      expect(tally(responses)).toEqual({ 200: 1, 412: PARALLEL - 1 });
      for (const response of responses.filter((r) => r.status === 412)) {
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({
          type: expect.any(String),
          title: expect.any(String),
          status: 412,
        });
      }
      const winner = responses.findIndex((r) => r.status === 200);
      expect(responses[winner].body).toEqual({ id: SITE, revision: revision + 1 });
      expect(await streamLength(streamId)).toBe(eventsBefore + 1);
      expect(await market.head()).toBe(headBefore + 1);
      const site = await market.request('GET', `/v1/sites/${SITE}`);
      expect(site.body).toMatchObject({
        name: `Concurrent name ${winner}`,
        revision: revision + 1,
      });
    });
  });

  describe('(b) Idempotency-Key: racing repeats create one order', () => {
    /** Racing requests interleave differently each time: the race is run in several rounds. */
    const ROUNDS = [1, 2, 3, 4, 5];
    const rounds = new Map<number, { buyer: Party; key: string; orderId: string }>();

    it.each(ROUNDS)(
      `round %d: ${PARALLEL} parallel POST /v1/compute-orders with one Idempotency-Key and body all answer 201 with one id; one order, one ComputeOrderPlaced`,
      async (round) => {
        const buyer = await market.participant(['buyer']);
        const key = `order-${randomUUID()}`;
        const headBefore = await market.head();

        const responses = await Promise.all(
          Array.from({ length: PARALLEL }, () =>
            market.request<{ id: string; revision: number }>('POST', '/v1/compute-orders', {
              key: buyer.key,
              body: orderBody(),
              headers: { 'idempotency-key': key },
            }),
          ),
        );

        const answered = (await eventsAfter(headBefore)).filter(
          (event) => event.type === 'ComputeOrderPlaced',
        );
        expect(answered).toHaveLength(1);
        const orderId = answered[0].streamId.replace(/^computeorder-/, '');
        rounds.set(round, { buyer, key, orderId });

        const outcomes = responses.map((r) => `${r.status} ${JSON.stringify(r.body)}`);
        const expected = `201 ${JSON.stringify({ id: orderId, revision: 0 })}`;
        expect(outcomes.filter((outcome) => outcome !== expected)).toEqual([]);
        expect(answered[0].streamId).toBe(computeOrderStreamId(orderId));
        const mine = await market.request<{ items: { id: string }[] }>(
          'GET',
          '/v1/compute-orders',
          { key: buyer.key },
        );
        expect(mine.body.items.map((order) => order.id)).toEqual([orderId]);
        expect(await market.head()).toBe(headBefore + 1);
      },
    );

    it('the same Idempotency-Key with another body is a 409 problem+json and writes nothing', async () => {
      const { buyer, key, orderId } = rounds.get(1)!;
      const headBefore = await market.head();
      const response = await market.request('POST', '/v1/compute-orders', {
        key: buyer.key,
        body: orderBody({ gpus: 16 }),
        headers: { 'idempotency-key': key },
      });
      expect(response.status).toBe(409);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        type: expect.any(String),
        title: expect.any(String),
        status: 409,
      });
      expect(await market.head()).toBe(headBefore);
      const mine = await market.request<{ items: { id: string; gpus: number }[] }>(
        'GET',
        '/v1/compute-orders',
        {
          key: buyer.key,
        },
      );
      expect(mine.body.items).toEqual([expect.objectContaining({ id: orderId, gpus: 8 })]);
    });

    it(`${PARALLEL} parallel repeats with one key but another body than the stored one are all 409 and write nothing`, async () => {
      const { buyer, key } = rounds.get(1)!;
      const headBefore = await market.head();
      const responses = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          market.request('POST', '/v1/compute-orders', {
            key: buyer.key,
            body: orderBody({ hours: 6 }),
            headers: { 'idempotency-key': key },
          }),
        ),
      );
      expect(tally(responses)).toEqual({ 409: PARALLEL });
      expect(await market.head()).toBe(headBefore);
    });
  });

  describe('(c) Idempotency-Key: a sequential repeat answers as the first time', () => {
    it('a repeat with the same key and body returns the first response body exactly, byte for byte, and writes nothing', async () => {
      const buyer = await market.participant(['buyer']);
      const post = () =>
        market.app.inject({
          method: 'POST',
          url: '/v1/compute-orders',
          headers: {
            authorization: `Bearer ${buyer.key}`,
            'content-type': 'application/json',
            'idempotency-key': 'sequential-repeat',
          },
          payload: JSON.stringify(orderBody({ allOrNone: true })),
        });

      const first = await post();
      expect(first.statusCode).toBe(201);
      const headAfterFirst = await market.head();

      const repeat = await post();
      expect(repeat.statusCode).toBe(first.statusCode);
      expect(repeat.body).toBe(first.body);
      expect(repeat.headers['content-type']).toBe(first.headers['content-type']);
      expect(await market.head()).toBe(headAfterFirst);

      const again = await post();
      expect(again.body).toBe(first.body);
      const mine = await market.request<{ items: unknown[] }>('GET', '/v1/compute-orders', {
        key: buyer.key,
      });
      expect(mine.body.items).toHaveLength(1);
    });

    it('a repeat carries the ETag of the first response too (clients send it back as If-Match)', async () => {
      const buyer = await market.participant(['buyer']);
      const post = () =>
        market.request('POST', '/v1/compute-orders', {
          key: buyer.key,
          body: orderBody(),
          headers: { 'idempotency-key': 'etag-repeat' },
        });
      const first = await post();
      expect(first.status).toBe(201);
      expect(first.headers.etag).toBe('"0"');
      const repeat = await post();
      expect(repeat.status).toBe(201);
      expect({ etag: repeat.headers.etag }).toEqual({ etag: first.headers.etag });
    });

    it('the same key used by another buyer is another request: keys are scoped to their participant', async () => {
      const [a, b] = [await market.participant(['buyer']), await market.participant(['buyer'])];
      const post = (party: Party) =>
        market.request<{ id: string }>('POST', '/v1/compute-orders', {
          key: party.key,
          body: orderBody(),
          headers: { 'idempotency-key': 'shared-by-chance' },
        });
      const first = await post(a);
      const second = await post(b);
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.body.id).not.toBe(first.body.id);
    });

    it('a repeated participant registration does not show the API key again, and the key is stored nowhere in clear', async () => {
      const body = { name: 'Idempotent buyer', roles: ['buyer'], country: 'FR' };
      const idempotencyKey = `participant-${randomUUID()}`;
      const send = () =>
        market.request<{ id: string; apiKey: string | null }>('POST', '/v1/participants', {
          body,
          headers: { 'idempotency-key': idempotencyKey },
        });

      const first = await send();
      expect(first.status).toBe(201);
      const apiKey = first.body.apiKey!;
      expect(apiKey).toEqual(expect.any(String));
      const me = await market.request('GET', '/v1/participants/me', { key: apiKey });
      expect(me.body).toMatchObject({ id: first.body.id });

      // Everything the platform persists: the event store and the read models share the schema.
      const db = market.app.get<DataSource>(READ_MODELS);
      const tables: { table_name: string }[] = await db.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
      );
      const holding: string[] = [];
      for (const { table_name } of tables) {
        const [{ count }] = await db.query(
          `SELECT count(*)::int AS count FROM "${table_name}" t WHERE strpos(t::text, $1) > 0`,
          [apiKey],
        );
        if (count > 0) holding.push(table_name);
      }
      expect({ tablesHoldingTheKeyInClear: holding }).toEqual({ tablesHoldingTheKeyInClear: [] });

      const repeat = await send();
      expect(repeat.status).toBe(201);
      expect(repeat.body).toMatchObject({ id: first.body.id, apiKey: null });
    });
  });
});
