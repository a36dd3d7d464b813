import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { eventually } from './support/eventually';
import { freePort } from './support/free-port';
import { Marketplace, Party, offerBody, orderBody, profile } from './support/marketplace-fixture';
import { expectProblem, fieldsOf } from './support/problem-assertions';

interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}
interface Delivery {
  eventId: string;
  eventType: string;
  position: number;
  status: string;
  attempts: number;
  lastError: string | null;
  lastStatusCode: number | null;
}

/** A real HTTP receiver on a local port: down (not listening), slow (answers too late), or up. */
class Receiver {
  readonly received: Received[] = [];
  mode: 'slow' | 'up' = 'up';
  private server: Server | null = null;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(mode: 'slow' | 'up'): Promise<void> {
    this.mode = mode;
    if (this.server) return;
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private handle(request: IncomingMessage, response: ServerResponse) {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const answer = () => {
        this.received.push({
          id: request.headers['webhook-id'] as string,
          timestamp: request.headers['webhook-timestamp'] as string,
          signature: request.headers['webhook-signature'] as string,
          body,
        });
        response.writeHead(204).end();
      };
      if (this.mode === 'slow') setTimeout(answer, 1_000).unref();
      else answer();
    });
  }
}

/** Standard Webhooks verification, as a receiver would do it. */
function verifies(secret: string, delivery: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${delivery.id}.${delivery.timestamp}.${delivery.body}`)
    .digest('base64');
  return delivery.signature === `v1,${expected}`;
}

describe('webhooks on PostgreSQL, against a real local receiver', () => {
  let market: Marketplace;
  let buyer: Party;
  let producer: Party;
  let receiver: Receiver;

  /** The producer's offer and the buyer's 1-GPU order for 10:00 of `day`, matched over that day. */
  const tradeOneGpuHour = async (day: string) => {
    await market.request('POST', '/v1/energy-offers', {
      key: producer.key,
      body: offerBody(['hook-site'], { profile: profile(`${day}T10:00:00Z`, 1, 100_000) }),
    });
    await market.request('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody({
        gpus: 1,
        hours: 1,
        earliestStart: `${day}T10:00:00Z`,
        deadline: `${day}T11:00:00Z`,
      }),
    });
    const from = `${day}T00:00:00Z`;
    const to = new Date(Date.parse(from) + 86_400_000).toISOString().replace('.000Z', 'Z');
    await market.request('POST', '/v1/matching/runs', { body: { from, to } });
  };
  const deliveries = async (id: string, key: string) =>
    (await market.request<{ items: Delivery[] }>('GET', `/v1/webhooks/${id}/deliveries`, { key }))
      .body.items;

  beforeAll(async () => {
    market = await Marketplace.boot('postgres', {
      env: {
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        WEBHOOK_RETRY_BASE_MS: '50',
        WEBHOOK_TIMEOUT_MS: '300',
        WEBHOOK_MAX_FAILURES: '8',
      },
    });
    ({ buyer, producer } = await market.siteWithOffer('hook-site'));
    receiver = new Receiver(await freePort());
  });
  afterAll(async () => {
    await receiver.stop();
    await market.close();
  });

  it('refuses a malformed subscription, naming each field, and writes nothing', async () => {
    const head = await market.head();
    const refused = await market.request('POST', '/v1/webhooks', {
      key: buyer.key,
      body: { url: 'ftp://example.com/x', eventTypes: ['order.exploded'] },
    });
    expectProblem(refused, 400);
    expect(fieldsOf(refused).sort()).toEqual(['eventTypes.0', 'url']);
    expect(await market.head()).toBe(head);
  });

  it('delivers signed, in order per resource, at least once, while the receiver is down, slow, then up', async () => {
    const created = await market.request<{ id: string; secret: string; scope: string }>(
      'POST',
      '/v1/webhooks',
      {
        key: buyer.key,
        body: { url: receiver.url, eventTypes: ['order.filled', 'allocation.made'] },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body.scope).toBe('own');
    const { id, secret } = created.body;
    // The secret is shown once: listing never shows it.
    const listed = await market.request<{ items: Record<string, unknown>[] }>(
      'GET',
      '/v1/webhooks',
      {
        key: buyer.key,
      },
    );
    expect(listed.body.items).toEqual([expect.objectContaining({ id, status: 'active' })]);
    expect(listed.body.items[0]).not.toHaveProperty('secret');

    await market.request('POST', '/v1/energy-offers', {
      key: producer.key,
      body: offerBody(['hook-site'], { profile: profile('2027-03-01T10:00:00Z', 2, 100_000) }),
    });
    const order = await market.request<{ id: string }>('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody({
        gpus: 2,
        hours: 2,
        earliestStart: '2027-03-01T10:00:00Z',
        deadline: '2027-03-01T12:00:00Z',
      }),
    });
    const run = await market.request('POST', '/v1/matching/runs', {
      body: { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' },
    });
    expect(run.body).toMatchObject({ allocationCount: 2 });

    // Down: nobody listens, the first attempt fails and is retried later.
    await eventually(
      async () => (await deliveries(id, buyer.key)).some((d) => d.attempts > 0 && d.lastError),
      'a failed attempt while the receiver is down',
    );
    // The order's two consecutive hours on one site: one allocation event, one fill event.
    expect((await deliveries(id, buyer.key)).map((d) => d.eventType).sort()).toEqual([
      'allocation.made',
      'order.filled',
    ]);
    // Slow: it answers after the timeout, which counts as a failure.
    await receiver.start('slow');
    await eventually(
      async () =>
        (await deliveries(id, buyer.key)).some((d) => d.lastError?.includes('no answer within')),
      'a timed-out attempt while the receiver is slow',
    );
    // Up: everything is delivered.
    receiver.mode = 'up';
    await eventually(
      async () => (await deliveries(id, buyer.key)).every((d) => d.status === 'delivered'),
      'every delivery once the receiver is up',
      20_000,
    );

    const log = await deliveries(id, buyer.key);
    expect(log[0].attempts).toBeGreaterThan(1);
    expect(log.every((d) => d.lastStatusCode === 204)).toBe(true);
    // At least once: every event arrived, some maybe twice (a slow answer was retried).
    const ids = new Set(receiver.received.map((r) => r.id));
    expect([...ids].sort()).toEqual(log.map((d) => d.eventId).sort());
    expect(receiver.received.every((delivery) => verifies(secret, delivery))).toBe(true);
    const bodies = receiver.received.map(
      (r) => JSON.parse(r.body) as { type: string; data: { orderId: string; position: number } },
    );
    const fills = bodies.filter((body) => body.type === 'order.filled');
    expect(fills.every((fill) => fill.data.orderId === order.body.id)).toBe(true);
    // In order per resource: the order's fills were first received in log order.
    const firstSeen = [...new Map(fills.map((fill) => [fill.data.position, fill])).keys()];
    expect(firstSeen).toEqual([...firstSeen].sort((a, b) => a - b));
  });

  it('tells nobody of another participant’s resources', async () => {
    const other = await market.participant(['buyer']);
    const created = await market.request<{ id: string }>('POST', '/v1/webhooks', {
      key: other.key,
      body: { url: receiver.url, eventTypes: ['order.filled'] },
    });
    expect(created.status).toBe(201);
    const before = receiver.received.length;
    await tradeOneGpuHour('2027-03-03');
    // The buyer hears of its new fill; the other buyer of nothing.
    await eventually(
      () => receiver.received.length >= before + 2,
      "the buyer's new fill and allocation",
    );
    expect(await deliveries(created.body.id, other.key)).toEqual([]);
    const foreign = await market.request('GET', `/v1/webhooks/${created.body.id}`, {
      key: buyer.key,
    });
    expect(foreign.status).toBe(404);
  });

  it('disables a subscription after a run of failures, and deletes on request', async () => {
    const closed = await freePort();
    const created = await market.request<{ id: string }>('POST', '/v1/webhooks', {
      key: producer.key,
      body: { url: `http://127.0.0.1:${closed}/nobody`, eventTypes: ['allocation.made'] },
    });
    const { id } = created.body;
    await tradeOneGpuHour('2027-03-02');
    await eventually(
      async () =>
        (
          await market.request<{ status: string }>('GET', `/v1/webhooks/${id}`, {
            key: producer.key,
          })
        ).body.status === 'disabled',
      'the subscription disabled after 8 failures in a row',
      20_000,
    );
    const [delivery] = await deliveries(id, producer.key);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 8 });
    const deleted = await market.request('DELETE', `/v1/webhooks/${id}`, { key: producer.key });
    expect(deleted.status).toBe(200);
    expect((await market.request('GET', `/v1/webhooks/${id}`, { key: producer.key })).status).toBe(
      404,
    );
  });
});

describe('webhook URLs on a default deployment', () => {
  let market: Marketplace;
  beforeAll(async () => {
    market = await Marketplace.boot('postgres');
  });
  afterAll(() => market.close());

  it('refuses private and loopback addresses (400 naming url), writing nothing', async () => {
    const buyer = await market.participant(['buyer']);
    const head = await market.head();
    for (const url of [
      'http://127.0.0.1:9/hooks',
      'http://169.254.169.254/latest',
      'http://[::1]/x',
    ]) {
      const refused = await market.request('POST', '/v1/webhooks', {
        key: buyer.key,
        body: { url, eventTypes: ['order.filled'] },
      });
      expectProblem(refused, 400);
      expect(fieldsOf(refused)).toEqual(['url']);
    }
    expect(await market.head()).toBe(head);
  });
});
