import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProjectionRunner } from '@policloud/projections';
import { PROJECTION_RUNNER } from '@policloud/runtime';
import { eventually } from './support/eventually';
import { connectTestKafka } from './support/kafka-test-broker';
import { orderBody } from './support/marketplace-bodies';
import { Marketplace, Party } from './support/marketplace-fixture';
import { createTestSchema, TestSchema } from './support/postgres-test-database';
import { bootTestApp } from './support/test-app';

describe('GET /health and /docs', () => {
  describe('on the embedded default, with no server at all', () => {
    let app: NestFastifyApplication;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'policloud-e2e-'));
      ({ app } = await bootTestApp({ DATA_DIR: dataDir }));
    });
    afterAll(async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('reports the embedded store up and Kafka not configured', async () => {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        status: 'ok',
        eventStore: { status: 'up', adapter: 'embedded', headPosition: expect.any(Number) },
        projections: {
          running: true,
          state: 'running',
          failures: 0,
          failing: [],
          position: expect.any(Number),
          lastAppliedAt: expect.any(String),
          lag: 0,
        },
        kafka: { status: 'not configured' },
        // The webhook delivery worker runs wherever the log's singletons may run.
        workers: {
          webhookDelivery: expect.objectContaining({ state: 'running', failures: 0 }),
        },
      });
    });

    it('answers liveness, and readiness once the read models are current', async () => {
      const live = await app.inject({ method: 'GET', url: '/health/live' });
      expect([live.statusCode, live.json()]).toEqual([200, { status: 'live' }]);
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({
        status: 'ready',
        ready: true,
        lag: { events: 0, seconds: 0 },
      });
    });

    it('serves the API documentation and its OpenAPI document', async () => {
      expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(200);
      const document = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
      expect(document.json().paths['/health']).toBeDefined();
    });
  });

  describe('on PostgreSQL with the Kafka relay', () => {
    let app: NestFastifyApplication;
    let schema: TestSchema;

    beforeAll(async () => {
      await connectTestKafka();
      schema = await createTestSchema('e2e_health');
      ({ app } = await bootTestApp({
        EVENT_STORE: 'postgres',
        DATABASE_URL: schema.url,
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      }));
    });
    afterAll(async () => {
      await app?.close();
      await schema?.drop();
    });

    it('reports the store, the broker and the running relay', async () => {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        status: 'ok',
        eventStore: { status: 'up', adapter: 'postgres' },
        kafka: { status: 'up', brokers: 1, relay: { running: true, state: 'running' } },
      });
    });
  });
});

describe('GET /health/ready while the read models are behind', () => {
  let market: Marketplace;
  let buyer: Party;

  beforeAll(async () => {
    market = await Marketplace.boot('postgres', { env: { READY_MAX_LAG_SECONDS: '1' } });
    buyer = await market.participant(['buyer']);
  });
  afterAll(() => market.close());

  const ready = () => market.app.inject({ method: 'GET', url: '/health/ready' });

  it('turns not ready once stuck behind the log, and ready again as soon as pages apply', async () => {
    const runner = market.app.get<ProjectionRunner>(PROJECTION_RUNNER);
    await runner.stop();
    // Order placement answers from the event store alone: the log moves, the read models do not.
    const placed = await market.request('POST', '/v1/compute-orders', {
      key: buyer.key,
      body: orderBody(),
    });
    expect(placed.status).toBe(201);
    await eventually(
      async () => (await ready()).statusCode === 503,
      'readiness to fail while nothing applies',
    );
    const stuck = await ready();
    expect(stuck.json()).toMatchObject({
      ready: false,
      reason: expect.stringMatching(/none applied for \d+ s/),
      lag: { events: expect.any(Number), stalledSeconds: expect.any(Number) },
    });

    await runner.start();
    await eventually(async () => (await ready()).statusCode === 200, 'readiness once applying');
  });
});
